import { isStaff, type Principal } from '../auth.ts';
import { ForbiddenError } from '../errors.ts';
import {
  FLAGS,
  isPhase,
  type PlacementFilter,
  type PlacementSort,
  type PlacementSummary,
  planPlacementQuery,
  SORTS,
  staffKey,
  TRAINING_BANDS,
  type TrainingBand,
} from '../placements.ts';
import type { Deps, Page } from '../ports.ts';
import { CLOCK_NAMES, type ClockName } from '../process/declaration.ts';
import type { Unit } from '../units.ts';
import { updateCase, withSummary } from './update-case.ts';

export interface ListChoices {
  units: Unit[];
  supervisors: { key: string; name: string }[];
  organisations: { organisationId: string; name: string }[];
  percents: number[];
}

export interface FilterIssue {
  field: string;
  code: 'unknownValue';
}

const REFERENCE = /^SV-\d{4}-\d{4,6}$/;

/** Reads the list's query string: every value checked against what exists; a wrong one is named. */
export function parsePlacementFilter(
  q: Record<string, string | undefined>,
  choices: ListChoices,
): { filter: PlacementFilter; sort: PlacementSort; issues: FilterIssue[] } {
  const issues: FilterIssue[] = [];
  const filter: PlacementFilter = { status: 'active' };
  const take = <T extends string>(field: string, ok: (v: string) => boolean, set: (v: T) => void) => {
    const v = q[field]?.trim();
    if (!v) return;
    if (v.length <= 100 && ok(v)) set(v as T);
    else issues.push({ field, code: 'unknownValue' });
  };
  take(
    'status',
    (v) => v === 'active' || v === 'closed',
    (v: 'active' | 'closed') => {
      filter.status = v;
    },
  );
  take(
    'unit',
    (v) => choices.units.some((u) => u.unitId === v),
    (v) => {
      filter.unit = v;
    },
  );
  take(
    'supervisor',
    (v) => /^[0-9a-f]{16}$/.test(v),
    (v) => {
      filter.supervisor = v;
    },
  );
  take(
    'organisation',
    (v) => choices.organisations.some((o) => o.organisationId === v),
    (v) => {
      filter.organisation = v;
    },
  );
  take('phase', isPhase, (v) => {
    if (isPhase(v)) filter.phase = v;
  });
  take(
    'step',
    (v) => (CLOCK_NAMES as string[]).includes(v),
    (v: ClockName) => {
      filter.step = v;
    },
  );
  take(
    'percent',
    (v) => /^\d{1,3}$/.test(v) && Number(v) <= 100,
    (v) => {
      filter.percent = Number(v);
    },
  );
  take(
    'flag',
    (v) => (FLAGS as readonly string[]).includes(v),
    (v: PlacementFilter['flag'] & string) => {
      filter.flag = v;
    },
  );
  take(
    'training',
    (v) => v in TRAINING_BANDS,
    (v: TrainingBand) => {
      filter.training = v;
    },
  );
  take(
    'q',
    (v) => REFERENCE.test(v.toUpperCase()),
    (v) => {
      filter.reference = v.toUpperCase();
    },
  );
  let sort: PlacementSort = 'due';
  take(
    'sort',
    (v) => (SORTS as readonly string[]).includes(v),
    (v: PlacementSort) => {
      sort = v;
    },
  );
  return { filter, sort, issues };
}

export async function listChoices(deps: Pick<Deps, 'repo'>): Promise<ListChoices> {
  const [units, organisations] = await Promise.all([deps.repo.listUnits(), deps.repo.listOrganisations()]);
  const supervisors = new Map<string, string>();
  for (const u of units) for (const s of u.supervisors ?? []) supervisors.set(staffKey(s.email), s.name);
  const percents = new Set<number>();
  for (const u of units) for (const p of u.ladder ?? []) percents.add(p);
  return {
    units: [...units].sort((a, b) => a.name.localeCompare(b.name, 'sv')),
    supervisors: [...supervisors]
      .map(([key, name]) => ({ key, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'sv')),
    organisations: [...organisations].sort((a, b) => a.name.localeCompare(b.name, 'sv')),
    percents: [...percents].sort((a, b) => a - b),
  };
}

export const PAGE_SIZE = 25;

/**
 * The console's list of placements: one index query per page, whatever the filters (see
 * placements.ts for how they map onto keys). Staff only.
 */
export async function listPlacements(
  deps: Pick<Deps, 'repo' | 'clock'>,
  p: Principal,
  filter: PlacementFilter,
  sort: PlacementSort,
  page: { after?: string; limit?: number } = {},
): Promise<Page<PlacementSummary>> {
  if (!isStaff(p)) throw new ForbiddenError('Only staff see the placements');
  const q = planPlacementQuery(filter, sort, deps.clock.now());
  return deps.repo.listPlacements(q, {
    limit: Math.min(Math.max(page.limit ?? PAGE_SIZE, 1), 100),
    after: page.after,
  });
}

/**
 * Brings every case's summary (and so its index rows) up to date: for records written before the
 * console existed, and after a unit's rules changed (its due dates move). Ids and counts only.
 */
export async function reindexPlacements(
  deps: Pick<Deps, 'repo' | 'clock'>,
  o: { onlyMissing?: boolean; unitId?: string } = {},
): Promise<{ checked: number; updated: number }> {
  let checked = 0;
  let updated = 0;
  let after: string | undefined;
  do {
    const page = await deps.repo.listCases({ limit: 100, after });
    for (const c of page.items) {
      if (o.unitId && c.unitId !== o.unitId) continue;
      checked++;
      if (o.onlyMissing && c.summary) continue;
      const now = deps.clock.now();
      const next = await withSummary(deps.repo, c, now);
      if (JSON.stringify(next.summary) === JSON.stringify(c.summary)) continue;
      const r = await updateCase(deps.repo, c.caseId, now, (x) => x);
      if (r.changed) updated++;
    }
    after = page.next;
  } while (after);
  return { checked, updated };
}
