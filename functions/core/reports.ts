import { createHash } from 'node:crypto';
import {
  type CaseRecord,
  EDUCATION_LEVELS,
  type EntryStatistics,
  GENDERS,
  type Gender,
  LABOUR_MARKET_STATUSES,
  OUTCOMES,
  type Outcome,
} from './case.ts';
import { addMonthsToDate } from './forms/fields.ts';
import { parseIdentityNumber } from './personnummer.ts';
import { nextDue, TRAINING_BANDS, type TrainingBand } from './placements.ts';
import { CLOCK_NAMES, type ClockName, PHASE_NAMES, type Phase } from './process/declaration.ts';
import { derivePhase } from './process/derive.ts';
import { TARGET_GROUPS } from './target-groups.ts';
import { type Unit, unitPolicy } from './units.ts';

/**
 * The admin console's figures: the dashboard (now), the ESF+ common indicators for a period
 * (Regulation (EU) 2021/1057, Annex I) and the rows of the CSV exports. Pure: records in, figures
 * out. Every figure is split by gender and by target group. Nothing here leaves with a name, an
 * identity number, an address or a health text: the identity number only becomes a one-way key
 * (to count a participant who re-enters once) and a birth date (for the age band), both kept in
 * memory while the figures are counted.
 */

/** Target groups and the cases whose intake recorded none. */
export const GROUP_KEYS = [...TARGET_GROUPS, 'notRecorded'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

/** One figure: its total, by gender and by target group. */
export interface Split {
  total: number;
  gender: Record<Gender, number>;
  group: Record<GroupKey, number>;
}
export interface Who {
  gender: Gender;
  group: GroupKey;
}

export const emptySplit = (): Split => ({
  total: 0,
  gender: Object.fromEntries(GENDERS.map((g) => [g, 0])) as Record<Gender, number>,
  group: Object.fromEntries(GROUP_KEYS.map((g) => [g, 0])) as Record<GroupKey, number>,
});

export function addTo(s: Split, who: Who, n = 1) {
  s.total += n;
  s.gender[who.gender] += n;
  s.group[who.group] += n;
}

export const whoOf = (c: Pick<CaseRecord, 'participant' | 'entryStatistics'>): Who => ({
  gender: GENDERS.includes(c.participant.gender) ? c.participant.gender : 'undisclosed',
  group: c.entryStatistics?.targetGroup ?? 'notRecorded',
});

export interface Row<K extends string = string> {
  key: K;
  split: Split;
}
const rows = <K extends string>(keys: readonly K[]): Row<K>[] =>
  keys.map((key) => ({ key, split: emptySplit() }));
const rowOf = <K extends string>(rs: Row<K>[], key: K) => rs.find((r) => r.key === key) as Row<K>;

// ---- Shared rules -----------------------------------------------------------------------------

/** Whole calendar months from one ISO date to another (0 when the end is before the start). */
export function wholeMonths(from: string, to: string): number {
  let m = 0;
  while (m < 1200 && addMonthsToDate(from, m + 1) <= to) m++;
  return m;
}

/** The time-in-training band of a placement: months from the training start to its end or today. */
export function trainingBand(startedOn: string, endedOn: string | undefined, now: number): TrainingBand {
  const months = wholeMonths(startedOn, endedOn ?? new Date(now).toISOString().slice(0, 10));
  const bands = Object.entries(TRAINING_BANDS) as [TrainingBand, readonly [number, number]][];
  return (bands.find(([, [lo, hi]]) => months >= lo && months < hi)?.[0] ?? 'over24') as TrainingBand;
}

export const WORK_OUTCOMES: readonly Outcome[] = ['workWithoutSupport', 'workWithSupport'];
export const STUDY_OUTCOMES: readonly Outcome[] = [
  'studiesKomvux',
  'studiesSfi',
  'studiesFolkHighSchool',
  'studiesOther',
];

/**
 * The ESF+ result a project outcome counts as (Annex I, common immediate and longer-term result
 * indicators). Work with or without support is employment; every kind of studies and an
 * internship (a traineeship) is education or training; job seeking is job searching. Another
 * measure, sick leave or care, and no realistic next step count as none of them.
 */
export const ESF_RESULTS = ['jobSearching', 'inEducationOrTraining', 'inEmployment'] as const;
export type EsfResult = (typeof ESF_RESULTS)[number];
export const OUTCOME_TO_ESF: Record<Outcome, EsfResult | undefined> = {
  workWithoutSupport: 'inEmployment',
  workWithSupport: 'inEmployment',
  studiesKomvux: 'inEducationOrTraining',
  studiesSfi: 'inEducationOrTraining',
  studiesFolkHighSchool: 'inEducationOrTraining',
  studiesOther: 'inEducationOrTraining',
  internship: 'inEducationOrTraining',
  otherMeasure: undefined,
  jobSeeking: 'jobSearching',
  sickLeaveOrCare: undefined,
  noRealisticNextStep: undefined,
};

/**
 * The day a placement ended: the closing meeting's date, or for a case closed without one (an
 * administrative closing) the day it was closed. Undefined while it runs.
 */
export const endOf = (c: CaseRecord): string | undefined =>
  c.closing?.endedOn ?? (c.status === 'closed' ? c.closure?.closedAt.slice(0, 10) : undefined);

/** A unit place is held from acceptance (or from the queue) until it is released. */
const holdsPlace = (c: CaseRecord) => c.status === 'active' && !!c.place?.assignedAt && !c.place.releasedAt;

// ---- The dashboard ----------------------------------------------------------------------------

export interface UnitFigure {
  unitId: string;
  name: string;
  places: number;
  used: Split;
  /** Places not held (never below zero). */
  free: number;
  queue: Split;
}

export const INCREASE_BANDS = ['0', '1', '2', '3+'] as const;
export type IncreaseBand = (typeof INCREASE_BANDS)[number];

export interface Dashboard {
  now: number;
  units: UnitFigure[];
  /** Every placement by its phase (closed ones under `closed`). */
  phases: Row<Phase>[];
  /** Active placements whose next step is due, by the step. */
  overdue: Row<ClockName>[];
  /** Placements that started training, by months in training (to the end, or to now). */
  training: Row<TrainingBand>[];
  /** Placements in training now (training, paused, closing) by their working time, percent. */
  workingTime: Row<string>[];
  /** Placements that started training by the increases of working time made. */
  increases: Row<IncreaseBand>[];
  /** Increases of working time made, all placements together. */
  increasesMade: Split;
  /** Closing meetings recorded, by outcome. */
  outcomes: Row<Outcome>[];
  /** Of the closings recorded: moved on to work, to studies, and all of them. */
  movedOn: { work: Split; studies: Split; closings: Split };
}

const IN_TRAINING: readonly Phase[] = ['training', 'paused', 'closing'];

/** The dashboard's counters, empty; add the cases one at a time (they are read a page at a time). */
export function newDashboard(units: readonly Unit[], now: number): Dashboard {
  return {
    now,
    units: units.map((u) => ({
      unitId: u.unitId,
      name: u.name,
      places: u.places,
      used: emptySplit(),
      free: u.places,
      queue: emptySplit(),
    })),
    phases: rows(PHASE_NAMES),
    overdue: rows(CLOCK_NAMES),
    training: rows(Object.keys(TRAINING_BANDS) as TrainingBand[]),
    workingTime: [],
    increases: rows(INCREASE_BANDS),
    increasesMade: emptySplit(),
    outcomes: rows(OUTCOMES),
    movedOn: { work: emptySplit(), studies: emptySplit(), closings: emptySplit() },
  };
}

export function addToDashboard(d: Dashboard, c: CaseRecord, units: readonly Unit[]) {
  const who = whoOf(c);
  const phase = derivePhase(c);
  const unit = d.units.find((u) => u.unitId === c.unitId);
  if (unit && holdsPlace(c)) {
    addTo(unit.used, who);
    unit.free = Math.max(0, unit.places - unit.used.total);
  }
  if (unit && c.status === 'active' && phase === 'queued') addTo(unit.queue, who);
  addTo(rowOf(d.phases, phase).split, who);
  if (c.status === 'active') {
    const next = nextDue(c, unitPolicy(units.find((u) => u.unitId === c.unitId)), d.now);
    if (next && Date.parse(next.due) <= d.now) addTo(rowOf(d.overdue, next.clock).split, who);
  }
  const startedOn = c.plan?.startDate;
  if (startedOn) {
    addTo(rowOf(d.training, trainingBand(startedOn, endOf(c), d.now)).split, who);
    const increases = c.workingTimeHistory.filter((h) => h.kind === 'increase').length;
    addTo(rowOf(d.increases, INCREASE_BANDS[Math.min(increases, 3)] as IncreaseBand).split, who);
    if (increases) addTo(d.increasesMade, who, increases);
  }
  if (c.status === 'active' && IN_TRAINING.includes(phase) && c.workingTime) {
    const key = String(c.workingTime.percent);
    let row = d.workingTime.find((r) => r.key === key);
    if (!row) {
      row = { key, split: emptySplit() };
      d.workingTime.push(row);
      d.workingTime.sort((a, b) => Number(a.key) - Number(b.key));
    }
    addTo(row.split, who);
  }
  const outcome = c.closing?.record?.outcome;
  if (outcome) {
    addTo(rowOf(d.outcomes, outcome).split, who);
    addTo(d.movedOn.closings, who);
    if (WORK_OUTCOMES.includes(outcome)) addTo(d.movedOn.work, who);
    if (STUDY_OUTCOMES.includes(outcome)) addTo(d.movedOn.studies, who);
  }
}

export function buildDashboard(units: readonly Unit[], cases: Iterable<CaseRecord>, now: number): Dashboard {
  const d = newDashboard(units, now);
  for (const c of cases) addToDashboard(d, c, units);
  return d;
}

/** A share in whole percent, or undefined when there is nothing to share. */
export const share = (part: number, whole: number) =>
  whole > 0 ? Math.round((100 * part) / whole) : undefined;

// ---- ESF+ common indicators -------------------------------------------------------------------

export interface Period {
  /** ISO dates, both included. */
  from: string;
  to: string;
}

/**
 * What ESF+ needs of one case, and nothing more: the rest of the record is dropped as soon as
 * this is taken. `personKey` is a one-way hash of the identity number; `birthDate` stays in memory.
 */
export interface EsfCaseFact {
  personKey: string;
  birthDate?: string;
  /** The age band at the training start (kept on a case whose personal data was removed). */
  ageBand: AgeBand;
  who: Who;
  entry?: EntryStatistics;
  startedOn: string;
  endedOn?: string;
  closingOutcome?: Outcome;
  fourWeeks?: { outcome: Outcome; qualificationGained?: boolean };
  sixMonths?: { outcome: Outcome; qualificationGained?: boolean };
}

/** The one-way key of a participant (never output: it only tells two cases of one person apart). */
export const personKey = (identityNumber: string) =>
  createHash('sha256').update(`stegvis-esf-participant|${identityNumber.trim()}`).digest('hex');

/** The case's ESF facts; undefined for a case whose training never started (not a participant). */
export function esfFact(c: CaseRecord, now: number): EsfCaseFact | undefined {
  const startedOn = c.plan?.startDate;
  if (!startedOn) return undefined;
  const parsed = parseIdentityNumber(c.participant.identityNumber, new Date(now));
  const answer = (a: CaseRecord['afterClosing']['fourWeeks']) =>
    a && {
      outcome: a.outcome,
      ...(a.qualificationGained === undefined ? {} : { qualificationGained: a.qualificationGained }),
    };
  const fourWeeks = answer(c.afterClosing.fourWeeks);
  const sixMonths = answer(c.afterClosing.sixMonths);
  const birthDate = parsed.ok ? parsed.value.birthDate : undefined;
  return {
    personKey: c.anonymised?.personKey ?? personKey(c.participant.identityNumber),
    ...(birthDate ? { birthDate } : {}),
    ageBand: c.anonymised?.ageBand ?? ageBand(birthDate, startedOn),
    who: whoOf(c),
    ...(c.entryStatistics ? { entry: c.entryStatistics } : {}),
    startedOn,
    ...(endOf(c) ? { endedOn: endOf(c) } : {}),
    ...(c.closing?.record ? { closingOutcome: c.closing.record.outcome } : {}),
    ...(fourWeeks ? { fourWeeks } : {}),
    ...(sixMonths ? { sixMonths } : {}),
  };
}

/** One participant over all their cases: entry from the first start, leaving from the last end. */
export interface EsfParticipant {
  first: EsfCaseFact;
  /** The case they last left; undefined while any of their placements still runs. */
  last?: EsfCaseFact;
}

export function participants(facts: Iterable<EsfCaseFact>): EsfParticipant[] {
  const byPerson = new Map<string, EsfCaseFact[]>();
  for (const f of facts) {
    const list = byPerson.get(f.personKey);
    if (list) list.push(f);
    else byPerson.set(f.personKey, [f]);
  }
  return [...byPerson.values()].map((cases) => {
    const byStart = [...cases].sort((a, b) => a.startedOn.localeCompare(b.startedOn));
    const first = byStart[0] as EsfCaseFact;
    // Entry figures are the first entry's; an older case recorded without them borrows the next.
    const entry = byStart.find((f) => f.entry)?.entry;
    const firstWithEntry = entry && !first.entry ? { ...first, entry } : first;
    const running = cases.some((f) => !f.endedOn);
    const last = running
      ? undefined
      : [...cases].sort((a, b) => (b.endedOn ?? '').localeCompare(a.endedOn ?? ''))[0];
    return { first: firstWithEntry, ...(last ? { last } : {}) };
  });
}

export const AGE_BANDS = ['under18', 'from18to29', 'from30to54', 'from55', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Age in whole years on a date, from a birth date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export function ageBand(birthDate: string | undefined, on: string): AgeBand {
  if (!birthDate) return 'unknown';
  const age = ageOn(birthDate, on);
  if (age < 18) return 'under18';
  if (age <= 29) return 'from18to29';
  if (age <= 54) return 'from30to54';
  return 'from55';
}

/** Rows of participants at entry (each a count of participants, split by gender). */
export const ENTRY_ROWS = [
  'participants',
  // Annex I: "unemployed, including long-term unemployed", then the long-term unemployed alone.
  'unemployed',
  'longTermUnemployed',
  'inactive',
  'employed',
  'statusNotRecorded',
  'under18',
  'from18to29',
  'from30to54',
  'from55',
  'ageUnknown',
  'isced0to2',
  'isced3to4',
  'isced5to8',
  'educationNotRecorded',
  'disability',
  'disabilityUndisclosed',
  // A third-country national is counted among those with a foreign background as well.
  'foreignBackground',
  'thirdCountryNational',
  'backgroundUndisclosed',
  ...TARGET_GROUPS,
  'targetGroupNotRecorded',
] as const;
export type EntryRow = (typeof ENTRY_ROWS)[number];

/** Rows of results upon leaving (within four weeks) and six months after leaving. */
export const LEAVING_ROWS = [
  'leavers',
  'jobSearching',
  'inEducationOrTraining',
  'gainingQualification',
  'inEmployment',
  'notKnown',
] as const;
export type LeavingRow = (typeof LEAVING_ROWS)[number];
export const SIX_MONTH_ROWS = [
  'leavers',
  'inEmployment',
  'inEducationOrTraining',
  'jobSearching',
  'notYetAnswered',
] as const;
export type SixMonthRow = (typeof SIX_MONTH_ROWS)[number];

export interface EsfReport {
  period: Period;
  entry: Row<EntryRow>[];
  leaving: Row<LeavingRow>[];
  sixMonths: Row<SixMonthRow>[];
}

const inPeriod = (date: string | undefined, p: Period) => !!date && date >= p.from && date <= p.to;

/** What a participant's entry statistics count under. */
function entryRowsOf(p: EsfParticipant): EntryRow[] {
  const e = p.first.entry;
  const out: EntryRow[] = ['participants'];
  const status = e?.labourMarketStatus;
  if (status === 'unemployed' || status === 'longTermUnemployed') out.push('unemployed');
  if (status === 'longTermUnemployed') out.push('longTermUnemployed');
  if (status === 'inactive' || status === 'employed') out.push(status);
  if (!status || !LABOUR_MARKET_STATUSES.includes(status)) out.push('statusNotRecorded');
  const age = p.first.ageBand;
  out.push(age === 'unknown' ? 'ageUnknown' : age);
  out.push(e && EDUCATION_LEVELS.includes(e.education) ? e.education : 'educationNotRecorded');
  if (e?.disability === 'yes') out.push('disability');
  if (!e || e.disability === 'undisclosed') out.push('disabilityUndisclosed');
  if (e?.foreignBackground === 'foreignBackground' || e?.foreignBackground === 'thirdCountryNational')
    out.push('foreignBackground');
  if (e?.foreignBackground === 'thirdCountryNational') out.push('thirdCountryNational');
  if (!e || e.foreignBackground === 'undisclosed') out.push('backgroundUndisclosed');
  out.push(e?.targetGroup ?? 'targetGroupNotRecorded');
  return out;
}

/**
 * Upon leaving (within four weeks): the four-week answer when the case officer gave it, else the
 * outcome recorded at the closing meeting. A qualification counts only when the four-week answer
 * says one was gained; a participant can count under it and one other result.
 */
function leavingRowsOf(last: EsfCaseFact): LeavingRow[] {
  const out: LeavingRow[] = ['leavers'];
  const outcome = last.fourWeeks?.outcome ?? last.closingOutcome;
  const result = outcome ? OUTCOME_TO_ESF[outcome] : undefined;
  if (result) out.push(result);
  if (last.fourWeeks?.qualificationGained) out.push('gainingQualification');
  if (!outcome) out.push('notKnown');
  return out;
}

function sixMonthRowsOf(last: EsfCaseFact): SixMonthRow[] {
  const out: SixMonthRow[] = ['leavers'];
  const outcome = last.sixMonths?.outcome;
  if (!outcome) return [...out, 'notYetAnswered'];
  const result = OUTCOME_TO_ESF[outcome];
  if (result) out.push(result);
  return out;
}

/**
 * The common indicators for a period. Participants at entry: those whose first training start
 * falls in it (a participant who re-enters is not counted again). Results: those whose last
 * placement ended in it (none of theirs still running), from that placement's closing record and
 * its answers four weeks and six months after.
 */
export function esfReport(people: readonly EsfParticipant[], period: Period): EsfReport {
  const r: EsfReport = {
    period,
    entry: rows(ENTRY_ROWS),
    leaving: rows(LEAVING_ROWS),
    sixMonths: rows(SIX_MONTH_ROWS),
  };
  for (const p of people) {
    const who = p.first.who;
    if (inPeriod(p.first.startedOn, period))
      for (const k of entryRowsOf(p)) addTo(rowOf(r.entry, k).split, who);
    if (p.last && inPeriod(p.last.endedOn, period)) {
      for (const k of leavingRowsOf(p.last)) addTo(rowOf(r.leaving, k).split, who);
      for (const k of sixMonthRowsOf(p.last)) addTo(rowOf(r.sixMonths, k).split, who);
    }
  }
  return r;
}

/** Small cells: a count of 1–4 is shown as "<5" (page and CSV), so no one can be singled out. */
export const suppressed = (n: number): string => (n > 0 && n < 5 ? '<5' : String(n));

/** The genders ESF+ reports (an undisclosed gender is in the total only). */
export const ESF_GENDERS = ['woman', 'man', 'nonBinary'] as const satisfies readonly Gender[];

// ---- Export rows ------------------------------------------------------------------------------

/**
 * A placement belongs to a period when it ran at some time in it: referred on or before its last
 * day and not ended (or closed) before its first.
 */
export function placementInPeriod(c: CaseRecord, p: Period): boolean {
  const ended = endOf(c);
  return c.createdAt.slice(0, 10) <= p.to && (!ended || ended >= p.from);
}

/** A closing belongs to a period when its placement ended in it. */
export const closingInPeriod = (c: CaseRecord, p: Period) =>
  !!c.closing?.record && inPeriod(c.closing.endedOn, p);

/**
 * One placement as exported: references, codes and dates only. No name, identity number, e-mail,
 * phone, adaptation or health text, note or summary.
 */
export interface PlacementExportRow {
  reference: string;
  unit: string;
  organisation: string;
  phase: Phase;
  status: CaseRecord['status'];
  referredOn: string;
  plannedStart: string;
  plannedEnd: string;
  startedOn: string;
  endedOn: string;
  tasks: string;
  percent: string;
  increases: number;
  gender: Gender;
  targetGroup: GroupKey;
  ageBand: AgeBand | '';
  labourMarketStatus: string;
  education: string;
  disability: string;
  foreignBackground: string;
  earlyClosingReason: string;
  outcome: string;
  esfResult: string;
  fourWeeks: string;
  qualificationGained: string;
  sixMonths: string;
}

export function placementExportRow(c: CaseRecord, units: readonly Unit[], now: number): PlacementExportRow {
  const fact = esfFact(c, now);
  const e = c.entryStatistics;
  const four = c.afterClosing.fourWeeks;
  const leaving = c.closing?.record ? (four?.outcome ?? c.closing.record.outcome) : undefined;
  return {
    reference: c.reference,
    unit: units.find((u) => u.unitId === c.unitId)?.name ?? c.unitId,
    organisation: c.caseOfficer.organisationName,
    phase: derivePhase(c),
    status: c.status,
    referredOn: c.createdAt.slice(0, 10),
    plannedStart: c.plannedStart,
    plannedEnd: c.plannedEnd,
    startedOn: c.plan?.startDate ?? '',
    endedOn: endOf(c) ?? '',
    tasks: c.tasks.length ? c.tasks.join(', ') : (c.plan?.tasks.join(', ') ?? ''),
    percent: c.workingTime ? String(c.workingTime.percent) : '',
    increases: c.workingTimeHistory.filter((h) => h.kind === 'increase').length,
    gender: whoOf(c).gender,
    targetGroup: whoOf(c).group,
    ageBand: fact ? fact.ageBand : '',
    labourMarketStatus: e?.labourMarketStatus ?? '',
    education: e?.education ?? '',
    disability: e?.disability ?? '',
    foreignBackground: e?.foreignBackground ?? '',
    earlyClosingReason: c.closing?.early?.reason ?? '',
    outcome: c.closing?.record?.outcome ?? '',
    esfResult: (leaving && OUTCOME_TO_ESF[leaving]) ?? '',
    fourWeeks: four?.outcome ?? '',
    qualificationGained:
      four?.qualificationGained === undefined ? '' : four.qualificationGained ? 'yes' : 'no',
    sixMonths: c.afterClosing.sixMonths?.outcome ?? '',
  };
}

export const PLACEMENT_COLUMNS = [
  'reference',
  'unit',
  'organisation',
  'phase',
  'status',
  'referredOn',
  'plannedStart',
  'plannedEnd',
  'startedOn',
  'endedOn',
  'tasks',
  'percent',
  'increases',
  'gender',
  'targetGroup',
  'ageBand',
  'labourMarketStatus',
  'education',
  'disability',
  'foreignBackground',
] as const satisfies readonly (keyof PlacementExportRow)[];

export const OUTCOME_COLUMNS = [
  'reference',
  'unit',
  'startedOn',
  'endedOn',
  'gender',
  'targetGroup',
  'earlyClosingReason',
  'outcome',
  'esfResult',
  'fourWeeks',
  'qualificationGained',
  'sixMonths',
] as const satisfies readonly (keyof PlacementExportRow)[];
