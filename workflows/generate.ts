/**
 * Writes workflows/placement.asl.json from the process declaration (`npm run asl`). The JSON file
 * stays the single source both hosts read; a test fails when it and the declaration disagree.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlacementAsl, checkAsl } from '#core/process/asl';

const def = buildPlacementAsl();
const problems = checkAsl(def);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const file = join(import.meta.dirname, 'placement.asl.json');
writeFileSync(file, `${JSON.stringify(def, null, 2)}\n`);
// In the repository's one format, so `npm run lint` stays clean after a regeneration.
execFileSync(join(import.meta.dirname, '..', 'node_modules', '.bin', 'biome'), ['format', '--write', file], {
  stdio: 'ignore',
});
console.log('wrote workflows/placement.asl.json');
