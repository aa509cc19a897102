import { type CaseRecord, DAY_MS } from './case.ts';
import { parseIdentityNumber } from './personnummer.ts';
import { type AgeBand, ageBand, personKey } from './reports.ts';

/**
 * How long each kind of record keeps personal data, as data (GDPR art. 5(1)(e), storage
 * limitation). The domain documents name no period, so the defaults are argued here and in the
 * README:
 *
 * - A participant's case (training started): 5 years after closing. ESF+ funders may audit a
 *   participant's eligibility and results for five years (Regulation (EU) 2021/1060, art. 82), and
 *   "a new chance" (a re-entry) builds on the earlier placement.
 * - A referral that never started training (declined at intake, after the study visit, or closed
 *   before the start): 1 year after closing. It counts in no ESF+ figure; a year covers the
 *   referrer's questions and a complaint.
 *
 * Removing a case's personal data keeps its statistics without identity (see `anonymise`), so
 * the dashboards and the ESF+ report give the same figures before and after.
 */
export type RetentionKind =
  | 'participantCase'
  | 'referralNotStarted'
  | 'talkNotes'
  | 'participantLinks'
  | 'mailLedger'
  | 'submissionMarkers'
  | 'auditEvents';

export interface RetentionRule {
  kind: RetentionKind;
  /** How long after `from` the personal data goes. */
  period: { years?: number; days?: number };
  from: 'closing' | 'creation' | 'meeting' | 'event';
  /** How it goes: the daily job anonymises it, or DynamoDB TTL deletes the item. */
  by: 'job' | 'ttl' | 'withCase';
  /** What stays afterwards (codes, dates, counts): empty when the item goes whole. */
  kept: readonly string[];
}

/** What an anonymised case keeps: the fields the dashboards, the ESF+ report and the exports read. */
export const KEPT_STATISTICS = [
  'reference',
  'unit',
  'referringOrganisation',
  'status',
  'phase',
  'dates',
  'gender',
  'entryStatistics',
  'ageBandAtStart',
  'personKey',
  'workingTime',
  'tasks',
  'outcomeCodes',
] as const;

export const RETENTION_RULES: readonly RetentionRule[] = [
  {
    kind: 'participantCase',
    period: { years: 5 },
    from: 'closing',
    by: 'job',
    kept: KEPT_STATISTICS,
  },
  {
    kind: 'referralNotStarted',
    period: { years: 1 },
    from: 'closing',
    by: 'job',
    kept: KEPT_STATISTICS,
  },
  // Supervision talk notes (work capacity, health) are kept beside the record and go with it.
  { kind: 'talkNotes', period: { years: 5 }, from: 'closing', by: 'withCase', kept: [] },
  // A participant's answer link expires 30 days after its meeting (participant-links.ts) and is
  // deleted with the case's personal data at the latest.
  { kind: 'participantLinks', period: { days: 30 }, from: 'meeting', by: 'ttl', kept: [] },
  // The mail ledger holds ids only (case, intent key, the mail service's message id).
  { kind: 'mailLedger', period: { days: 400 }, from: 'creation', by: 'ttl', kept: [] },
  { kind: 'submissionMarkers', period: { days: 30 }, from: 'creation', by: 'ttl', kept: [] },
  // The audit log names staff and codes, never participant data; it proves who did and read what.
  { kind: 'auditEvents', period: { years: 5 }, from: 'event', by: 'ttl', kept: [] },
];

export const ruleOf = (kind: RetentionKind) => RETENTION_RULES.find((r) => r.kind === kind) as RetentionRule;

/** Adds a rule's period to an instant (ms), calendar years in UTC. */
export function addPeriod(at: number, period: RetentionRule['period']): number {
  const d = new Date(at);
  if (period.years) d.setUTCFullYear(d.getUTCFullYear() + period.years);
  return d.getTime() + (period.days ?? 0) * DAY_MS;
}

/** Epoch seconds an audit event may be dropped by storage (its TTL attribute). */
export const auditExpiresAt = (at: string) =>
  Math.floor(addPeriod(Date.parse(at), ruleOf('auditEvents').period) / 1000);

/** The rule a closed case falls under: did its training start (an ESF+ participant)? */
export const caseRule = (c: Pick<CaseRecord, 'plan'>): RetentionRule =>
  ruleOf(c.plan?.startDate ? 'participantCase' : 'referralNotStarted');

/**
 * When a case's personal data is due for removal (ISO), or undefined while it is active or once
 * it has been removed. The repository keeps this as a sparse index key, so the daily job reads
 * only the cases due, never the whole table.
 */
export function retentionDue(c: CaseRecord): string | undefined {
  if (c.status !== 'closed' || c.anonymised) return undefined;
  const closedAt = c.closure?.closedAt ?? c.updatedAt;
  return new Date(addPeriod(Date.parse(closedAt), caseRule(c).period)).toISOString();
}

export type AnonymisedBy = 'retention' | 'erasure';

/**
 * The record without personal data: no name, identity number, contact details or addresses, no
 * health, adaptation or doctor's texts, no notes, summaries or reasons, no staff names or
 * e-mails. It keeps the codes, dates and counts the figures are made from, the one-way key of the
 * identity number (a re-entry still counts once) and the age band at the training start.
 */
export function anonymise(c: CaseRecord, at: number, by: AnonymisedBy): CaseRecord {
  const x = structuredClone(c);
  const parsed = parseIdentityNumber(c.participant.identityNumber, new Date(at));
  const startedOn = c.plan?.startDate;
  const band: AgeBand = startedOn
    ? ageBand(parsed.ok ? parsed.value.birthDate : undefined, startedOn)
    : 'unknown';
  x.anonymised = {
    at: new Date(at).toISOString(),
    by,
    personKey: c.participant.identityNumber ? personKey(c.participant.identityNumber) : '',
    ageBand: band,
  };
  x.participant = {
    name: '',
    identityNumber: '',
    identityKind: 'personnummer',
    email: '',
    phone: '',
    gender: c.participant.gender,
  };
  delete x.participantLanguage;
  x.caseOfficer = {
    sub: '',
    name: '',
    email: '',
    organisationId: c.caseOfficer.organisationId,
    organisationName: c.caseOfficer.organisationName,
  };
  x.createdBy = '';
  x.placementAgreementRef = '';
  x.needs = { adaptation: '', languageSupport: false, language: '' };
  if (x.intake) {
    delete x.intake.reason;
    x.intake.decidedBy = '';
  }
  const noOrganizer = { name: '', email: '' };
  const scrubVisit = (v: NonNullable<CaseRecord['studyVisit']>) => {
    v.organizer = noOrganizer;
    delete v.declineReason;
    if (v.participantAnswer) delete v.participantAnswer.message;
    delete v.outcomeRecordedBy;
    delete v.cancelledBy;
  };
  if (x.studyVisit) scrubVisit(x.studyVisit);
  for (const v of x.cancelledStudyVisits ?? []) scrubVisit(v);
  delete x.supervisor;
  for (const m of x.meetings) {
    m.organizer = noOrganizer;
    m.scheduledBy = '';
    delete m.cancelledBy;
    if (m.participantAnswer) delete m.participantAnswer.message;
  }
  if (x.plan) {
    x.plan.goals = '';
    x.plan.adaptations = '';
    x.plan.recordedBy = '';
  }
  x.talks = { count: x.talks.count, ...(x.talks.lastDate ? { lastDate: x.talks.lastDate } : {}) };
  x.followUps = x.followUps.map(({ reason: _r, ...f }) => ({ ...f, summary: '', recordedBy: '' }));
  x.workingTimeHistory = x.workingTimeHistory.map(({ reason: _r, ...h }) => ({ ...h, decidedBy: '' }));
  // A pause is a care contact, its doctor's statement a health record: none of it stays.
  x.pauses = [];
  x.activities = x.activities.map((a) => ({ ...a, note: '', recordedBy: '' }));
  if (x.closing?.early) x.closing.early = { ...x.closing.early, note: '', by: '' };
  if (x.closing?.record)
    x.closing.record = {
      outcome: x.closing.record.outcome,
      summary: '',
      evaluation: '',
      nextStepPlan: '',
      recordedAt: x.closing.record.recordedAt,
      recordedBy: '',
    };
  for (const k of ['fourWeeks', 'sixMonths'] as const) {
    const a = x.afterClosing[k];
    if (a) x.afterClosing[k] = { ...a, note: '', recordedBy: '' };
  }
  delete x.mailProblems;
  delete x.resends;
  delete x.waiting;
  delete x.staff;
  x.appliedForms = [];
  if (x.closure) x.closure = { ...x.closure, reason: '' };
  if (x.execution.stopped) x.execution.stopped = { ...x.execution.stopped, by: '', reason: '' };
  return x;
}
