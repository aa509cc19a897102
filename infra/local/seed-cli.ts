import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import { seedUnits } from './seed.ts';

/**
 * `npm run seed`: puts the units of infra/local/seed/units.json into the table named by
 * TABLE_NAME, on AWS (default credentials/region) or wherever AWS_ENDPOINT_URL_DYNAMODB points.
 */
const table = process.env.TABLE_NAME;
if (!table) {
  process.stderr.write('stegvis seed: set TABLE_NAME (the TableName stack output, or "stegvis" locally)\n');
  process.exit(1);
}
const n = await seedUnits(new DynamoCaseRepository(createDocumentClient(), table));
process.stdout.write(`stegvis seed: ${n} units written to ${table}\n`);
