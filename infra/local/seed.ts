import type { DynamoCaseRepository } from '#adapters/dynamo-repository';
import type { Unit } from '#core/units';
import units from './seed/units.json' with { type: 'json' };

/** Units are data: the seed puts the city mission's units from the source documents in place. */
export const SEED_UNITS: Unit[] = units;

export async function seedUnits(repo: DynamoCaseRepository) {
  for (const u of SEED_UNITS) await repo.putUnit(u);
  return SEED_UNITS.length;
}
