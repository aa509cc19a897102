import { createHash } from 'node:crypto';
import type { CaseRecord } from './case.ts';
import { DAY_MS, openMailProblems } from './case.ts';
import { runningClocks } from './process/clocks.ts';
import { CLOCKS, type ClockDecl, type ClockName, PHASE_NAMES, type Phase } from './process/declaration.ts';
import type { UnitPolicy } from './units.ts';

/**
 * A placement at a glance: what the admin console's list shows and filters by. Computed from the
 * record whenever it is saved and kept beside it as index rows, so every filter is a key lookup.
 * Staff names and ids only: nothing about the participant but the case reference.
 */
export interface PlacementSummary {
  caseId: string;
  reference: string;
  status: 'active' | 'closed';
  phase: Phase;
  unitId: string;
  /** The supervisor, by an opaque key (filters put it in URLs, never an e-mail address). */
  supervisor?: { key: string; name: string };
  organisationId: string;
  organisationName: string;
  /** Working time now, percent of full time. */
  percent?: number;
  /** The next step that falls due: the clock that asks for it and when. */
  next?: { clock: ClockName; due: string };
  /** Training start (the plan's start date) and end, ISO dates. */
  startedOn?: string;
  endedOn?: string;
  createdAt: string;
  /** Why the placement is stuck, when it is (see stuckReasons). */
  stuck: StuckReason[];
}

/**
 * - escalated: a step waits past its escalation (the coordinator was told);
 * - stepFailed: a workflow step failed for good and waits on a repair;
 * - runFailed: the case's execution failed or timed out;
 * - runStopped: an administrator stopped the run; the phase has no running execution.
 */
export const STUCK_REASONS = ['escalated', 'stepFailed', 'runFailed', 'runStopped', 'mailProblem'] as const;
export type StuckReason = (typeof STUCK_REASONS)[number];

/** Opaque key of a staff member for filters and URLs. */
export const staffKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 16);

export function stuckReasons(c: CaseRecord, policy: UnitPolicy, now: number): StuckReason[] {
  const out: StuckReason[] = [];
  if (c.status === 'active') {
    for (const name of runningClocks(c)) {
      const decl = CLOCKS[name] as ClockDecl;
      const period = decl.due(c, policy, now);
      const state = c.notices[name];
      if (period !== undefined && state?.period === period && state.escalatedAt !== undefined) {
        out.push('escalated');
        break;
      }
    }
    if (c.problem) out.push('stepFailed');
    if (c.execution.failure) out.push('runFailed');
    if (c.execution.stopped) out.push('runStopped');
    if (openMailProblems(c).length > 0) out.push('mailProblem');
  }
  return out;
}

/** The earliest step the running clocks ask for. */
export function nextDue(c: CaseRecord, policy: UnitPolicy, now: number): PlacementSummary['next'] {
  let best: { clock: ClockName; at: number } | undefined;
  if (c.status !== 'active') return undefined;
  for (const name of runningClocks(c)) {
    const at = (CLOCKS[name] as ClockDecl).due(c, policy, now);
    if (at === undefined || !Number.isFinite(at)) continue;
    if (!best || at < best.at) best = { clock: name, at };
  }
  return best ? { clock: best.clock, due: new Date(best.at).toISOString() } : undefined;
}

export function placementSummary(c: CaseRecord, policy: UnitPolicy, now: number): PlacementSummary {
  const s: PlacementSummary = {
    caseId: c.caseId,
    reference: c.reference,
    status: c.status,
    phase: c.phase,
    unitId: c.unitId,
    organisationId: c.caseOfficer.organisationId || c.organisationId,
    organisationName: c.caseOfficer.organisationName,
    createdAt: c.createdAt,
    stuck: stuckReasons(c, policy, now),
  };
  if (c.supervisor) s.supervisor = { key: staffKey(c.supervisor.email), name: c.supervisor.name };
  if (c.workingTime) s.percent = c.workingTime.percent;
  const next = nextDue(c, policy, now);
  if (next) s.next = next;
  if (c.plan?.startDate) s.startedOn = c.plan.startDate;
  if (c.closing?.endedOn) s.endedOn = c.closing.endedOn;
  return s;
}

/** Days in training: from the plan's start to the end (or to now while it runs). */
export function daysInTraining(s: Pick<PlacementSummary, 'startedOn' | 'endedOn'>, now: number) {
  if (!s.startedOn) return undefined;
  const start = Date.parse(s.startedOn);
  const end = s.endedOn ? Date.parse(s.endedOn) : now;
  return Math.max(0, Math.floor((end - start) / DAY_MS));
}

// ---- The list's filters, and how each is served by a key ------------------------------------

/** Equality filters, each a dimension of the index rows. */
export const DIMENSIONS = ['unit', 'supervisor', 'organisation', 'phase', 'step', 'percent', 'flag'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const FLAGS = ['overdue', 'stuck', 'failed'] as const;
export type Flag = (typeof FLAGS)[number];
/** Time in training, in months: [from, to). */
export const TRAINING_BANDS = {
  under3: [0, 3],
  from3to6: [3, 6],
  from6to12: [6, 12],
  from12to24: [12, 24],
  over24: [24, 1200],
} as const;
export type TrainingBand = keyof typeof TRAINING_BANDS;
export const SORTS = ['due', 'newest', 'oldest', 'longest'] as const;
export type PlacementSort = (typeof SORTS)[number];

export interface PlacementFilter {
  status: 'active' | 'closed';
  unit?: string;
  supervisor?: string;
  organisation?: string;
  phase?: Phase;
  /** The clock of the next due step. */
  step?: ClockName;
  percent?: number;
  flag?: Flag;
  training?: TrainingBand;
  /** A case reference, exact (SV-2026-0042). */
  reference?: string;
}

/** Flags stored on a row (overdue is not: it is a range on the due date, which moves with time). */
const storedFlags = (s: PlacementSummary): Flag[] => {
  const out: Flag[] = [];
  if (s.stuck.length > 0) out.push('stuck');
  if (s.stuck.includes('stepFailed') || s.stuck.includes('runFailed')) out.push('failed');
  return out;
};

function dimensionValues(s: PlacementSummary): Record<Dimension, string[]> {
  return {
    unit: [s.unitId],
    supervisor: s.supervisor ? [s.supervisor.key] : [],
    organisation: [s.organisationId],
    phase: [s.phase],
    step: s.next ? [s.next.clock] : [],
    percent: s.percent === undefined ? [] : [String(s.percent)],
    flag: storedFlags(s),
  };
}

/** Pairs of dimensions with their own rows: two filters of these are one key lookup. */
export const PAIRS: readonly (readonly [Dimension, Dimension])[] = [
  ['unit', 'supervisor'],
  ['unit', 'organisation'],
  ['unit', 'phase'],
  ['unit', 'step'],
  ['unit', 'percent'],
  ['unit', 'flag'],
  ['supervisor', 'organisation'],
  ['supervisor', 'phase'],
  ['supervisor', 'flag'],
  ['organisation', 'phase'],
  ['organisation', 'flag'],
  ['phase', 'step'],
  ['phase', 'percent'],
  ['phase', 'flag'],
];
/** When more filters are set than a pair serves, the key takes the most selective ones. */
const SELECTIVITY: readonly Dimension[] = [
  'supervisor',
  'percent',
  'step',
  'unit',
  'organisation',
  'flag',
  'phase',
];

const part = (d: Dimension, v: string) => `${d}=${v}`;
export const rowKey = (status: PlacementSummary['status'], parts: readonly string[]) =>
  `${status}|${parts.join('|')}`;

/** The keys of a placement's index rows: all, one per dimension, one per pair; plus its reference. */
export function listingKeys(s: PlacementSummary): string[] {
  const v = dimensionValues(s);
  const keys = [rowKey(s.status, []), `ref|${s.reference}`];
  for (const d of DIMENSIONS) for (const x of v[d]) keys.push(rowKey(s.status, [part(d, x)]));
  for (const [a, b] of PAIRS)
    for (const x of v[a]) for (const y of v[b]) keys.push(rowKey(s.status, [part(a, x), part(b, y)]));
  return keys;
}

const FAR = '9999-12-31T00:00:00.000Z';
/** The sort values of a row (each ends with the case id so equal values stay in a stable order). */
export function sortValues(s: PlacementSummary) {
  return {
    created: `${s.createdAt}#${s.caseId}`,
    due: `${s.next?.due ?? FAR}#${s.caseId}`,
    // A placement whose training has ended sorts after every running one: its time in training
    // no longer grows, so the bands (ranges on the start date) are for running training only.
    start: `${s.endedOn ? `~${s.startedOn ?? ''}` : (s.startedOn ?? FAR)}#${s.caseId}`,
  };
}
export type SortIndex = keyof ReturnType<typeof sortValues>;

export interface PlacementQuery {
  key: string;
  index: SortIndex;
  /** Ascending when true. */
  forward: boolean;
  /** A range on the sort value: [from, to). */
  range?: { from?: string; to?: string };
  /** Filters the key does not serve, applied to the rows read (DynamoDB FilterExpression). */
  residual: Partial<Record<Dimension, string>>;
}

const monthsBefore = (now: number, months: number) => {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
};

/** How the list's filters and sort are served: the row key, the index, a range and the rest. */
export function planPlacementQuery(f: PlacementFilter, sort: PlacementSort, now: number): PlacementQuery {
  if (f.reference) return { key: `ref|${f.reference}`, index: 'created', forward: false, residual: {} };
  const eq: Partial<Record<Dimension, string>> = {};
  if (f.unit) eq.unit = f.unit;
  if (f.supervisor) eq.supervisor = f.supervisor;
  if (f.organisation) eq.organisation = f.organisation;
  if (f.phase) eq.phase = f.phase;
  if (f.step) eq.step = f.step;
  if (f.percent !== undefined) eq.percent = String(f.percent);
  if (f.flag === 'stuck' || f.flag === 'failed') eq.flag = f.flag;
  const set = SELECTIVITY.filter((d) => eq[d] !== undefined);
  let keyDims: Dimension[] = set.slice(0, 1);
  for (const [a, b] of PAIRS)
    if (set.includes(a) && set.includes(b)) {
      // The pair whose most selective member ranks highest wins.
      const rank = Math.min(SELECTIVITY.indexOf(a), SELECTIVITY.indexOf(b));
      const current = keyDims.length === 2 ? Math.min(...keyDims.map((d) => SELECTIVITY.indexOf(d))) : 99;
      if (keyDims.length < 2 || rank < current) keyDims = [a, b];
    }
  keyDims = DIMENSIONS.filter((d) => keyDims.includes(d));
  const residual: Partial<Record<Dimension, string>> = {};
  for (const d of set) if (!keyDims.includes(d)) residual[d] = eq[d];
  const key = rowKey(
    f.status,
    keyDims.map((d) => part(d, eq[d] as string)),
  );
  const nowIso = new Date(now).toISOString();
  if (f.flag === 'overdue') return { key, index: 'due', forward: true, range: { to: nowIso }, residual };
  if (f.training) {
    const [lo, hi] = TRAINING_BANDS[f.training];
    // Started before now − lo months and on or after now − hi months.
    return {
      key,
      index: 'start',
      forward: true,
      range: { from: monthsBefore(now, hi), to: `${monthsBefore(now, lo)}#~` },
      residual,
    };
  }
  if (sort === 'due') return { key, index: 'due', forward: true, residual };
  if (sort === 'longest') return { key, index: 'start', forward: true, residual };
  return { key, index: 'created', forward: sort === 'oldest', residual };
}

/** Whether a row matches the filters its key does not serve (the memory repository uses it). */
export function matchesResidual(s: PlacementSummary, residual: PlacementQuery['residual']) {
  const v = dimensionValues(s);
  return (Object.entries(residual) as [Dimension, string][]).every(([d, x]) => v[d].includes(x));
}

/** The value of each dimension on a row, for the FilterExpression of the DynamoDB adapter. */
export const rowDimensions = dimensionValues;

export const isPhase = (x: string): x is Phase => (PHASE_NAMES as string[]).includes(x);
