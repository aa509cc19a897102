import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import { runDemo } from './demo.ts';
import { seedUnits } from './seed.ts';

// `npm run seed -- --demo [--url http://localhost:3000]`: placements in every phase, through the
// running platform's own routes.
const args = process.argv.slice(2);
if (args.includes('--demo')) {
  const i = args.indexOf('--url');
  const baseUrl = (i >= 0 ? args[i + 1] : undefined) ?? `http://localhost:${process.env.PORT ?? 3000}`;
  try {
    await runDemo({ baseUrl });
    process.exit(0);
  } catch (err) {
    process.stderr.write(
      `stegvis demo: ${(err as Error).message}\n(Is \`npm start\` running at ${baseUrl}?)\n`,
    );
    process.exit(1);
  }
}

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
