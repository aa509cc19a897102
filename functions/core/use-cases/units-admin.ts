import type { Principal } from '../auth.ts';
import { type FieldIssue, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Raw } from '../forms/fields.ts';
import { parseUnitForm, type UnitInput } from '../forms/unit.ts';
import { planPlacementQuery } from '../placements.ts';
import type { Deps } from '../ports.ts';
import type { Unit } from '../units.ts';
import { recordAudit } from './audit.ts';
import { reindexPlacements } from './console.ts';
import { fillQueue } from './places.ts';

/**
 * Admins keep the units (work places) in the console: what each offers, its places, its clocks,
 * its ladder and its people. Saving is optimistic: a form built on an older version of the unit is
 * refused (someone else saved in between), never silently overwritten.
 *
 * Places and the queue: more places give queued cases a place at once, oldest acceptance first,
 * exactly as when a case frees one (fillQueue: coordinators told, workflow woken). Fewer places
 * than are held is allowed (a coordinator lowers capacity ahead of a season): nobody loses their
 * place, and no new case gets one until the unit is below its new number.
 */

export function requireAdmin(p: Principal) {
  if (!p.groups.includes('admin')) throw new ForbiddenError('Only admins keep units and accounts');
}

export interface UnitOverview {
  unit: Unit;
  inUse: number;
  free: number;
  /** Accepted referrals waiting for a place. */
  queue: number;
}

export async function unitsOverview(
  deps: Pick<Deps, 'repo' | 'clock'>,
  p: Principal,
): Promise<UnitOverview[]> {
  requireAdmin(p);
  const units = [...(await deps.repo.listUnits())].sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  // The queues of every unit from the console's index (the queued rows only), not a read of every
  // active case: the page stays as quick with thousands of cases as with ten.
  const queued = new Map<string, number>();
  const q = planPlacementQuery({ status: 'active', phase: 'queued' }, 'oldest', deps.clock.now());
  let after: string | undefined;
  do {
    const page = await deps.repo.listPlacements(q, { limit: 100, after });
    for (const row of page.items) queued.set(row.unitId, (queued.get(row.unitId) ?? 0) + 1);
    after = page.next;
  } while (after);
  return Promise.all(
    units.map(async (unit) => {
      const inUse = await deps.repo.placesInUse(unit.unitId);
      return { unit, inUse, free: Math.max(0, unit.places - inUse), queue: queued.get(unit.unitId) ?? 0 };
    }),
  );
}

export async function unitForEdit(deps: Pick<Deps, 'repo'>, p: Principal, unitId: string) {
  requireAdmin(p);
  const unit = await deps.repo.getUnit(unitId);
  if (!unit) throw new NotFoundError(`Unit ${unitId} not found`);
  return { unit, inUse: await deps.repo.placesInUse(unitId) };
}

/** A unit id from its name: lower-case ASCII words joined by hyphens (`Matmissionen Syd` → `matmissionen-syd`). */
export function unitIdFrom(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 36)
    .replace(/-+$/, '');
  return slug.length >= 2 ? slug : `unit-${slug}`;
}

export type SaveUnitResult =
  | { ok: false; issues: FieldIssue[] }
  | {
      ok: true;
      unitId: string;
      created: boolean;
      /** Queued cases that got a place now. */
      moved: number;
      /** Places held above the new number (no new placement until below). */
      overfull: number;
    };

const POLICY_FIELDS = ['talkIntervalDays', 'talkEscalationDays', 'followUpIntervalDays', 'ladder'] as const;

/**
 * Saves the posted unit form: a new unit when `unitId` is undefined, else the unit's edit. Nothing
 * is stored when the form has errors or was built on an older version.
 */
export async function saveUnit(
  deps: Deps,
  p: Principal,
  unitId: string | undefined,
  raw: Raw,
): Promise<SaveUnitResult> {
  requireAdmin(p);
  const parsed = parseUnitForm(raw);
  const current = unitId ? await deps.repo.getUnit(unitId) : undefined;
  if (unitId && !current) throw new NotFoundError(`Unit ${unitId} not found`);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const input = parsed.value;

  let id = unitId;
  if (!id) {
    const base = unitIdFrom(input.name);
    const taken = new Set((await deps.repo.listUnits()).map((u) => u.unitId));
    if ((await deps.repo.listUnits()).some((u) => u.name.toLowerCase() === input.name.toLowerCase()))
      return { ok: false, issues: [{ field: 'unitName', code: 'duplicate' }] };
    id = base;
    for (let n = 2; taken.has(id) || (await deps.repo.getUnit(id)); n++) id = `${base}-${n}`;
  } else if (
    (await deps.repo.listUnits()).some(
      (u) => u.unitId !== id && u.name.toLowerCase() === input.name.toLowerCase(),
    )
  )
    return { ok: false, issues: [{ field: 'unitName', code: 'duplicate' }] };

  const next = toUnit(id, input, current);
  const stored = await deps.repo.putUnit(next, current ? { version: input.version } : { create: true });
  if (!stored) {
    // A double submit of one form: the first post stored exactly this. Not a conflict.
    const now = await deps.repo.getUnit(id);
    if (now && sameContent(now, next) && now.version === input.version + 1) {
      const inUse = await deps.repo.placesInUse(id);
      return {
        ok: true,
        unitId: id,
        created: !current,
        moved: 0,
        overfull: Math.max(0, inUse - next.places),
      };
    }
    return { ok: false, issues: [{ field: 'version', code: 'stale' }] };
  }

  await recordAudit(deps, p, current ? 'unit.update' : 'unit.create', `unit:${id}`);
  // More places: the queue moves now. The count is claimed per case, so this is safe beside a
  // place freed at the same moment.
  const moved = next.places > (current?.places ?? 0) ? await fillQueue(deps, id, next) : 0;
  if (current && POLICY_FIELDS.some((f) => JSON.stringify(current[f]) !== JSON.stringify(next[f])))
    await reindexPlacements(deps, { unitId: id });
  const inUse = await deps.repo.placesInUse(id);
  return { ok: true, unitId: id, created: !current, moved, overfull: Math.max(0, inUse - next.places) };
}

/** The same unit, versions and key order aside. */
function sameContent(a: Unit, b: Unit): boolean {
  const canon = (u: Unit) =>
    JSON.stringify(Object.entries({ ...u, version: 0 }).sort(([x], [y]) => x.localeCompare(y)));
  return canon(a) === canon(b);
}

function toUnit(unitId: string, v: UnitInput, current: Unit | undefined): Unit {
  const { phone: _phone, ...kept } = current ?? ({} as Partial<Unit>);
  return {
    ...kept,
    unitId,
    name: v.name,
    description: v.description,
    address: v.address,
    ...(v.phone ? { phone: v.phone } : {}),
    tasks: v.tasks,
    places: v.places,
    talkIntervalDays: v.talkIntervalDays,
    talkEscalationDays: v.talkEscalationDays,
    followUpIntervalDays: v.followUpIntervalDays,
    ladder: v.ladder,
    coordinatorEmails: v.coordinatorEmails,
    supervisors: v.supervisors,
    version: (current?.version ?? 0) + 1,
  };
}
