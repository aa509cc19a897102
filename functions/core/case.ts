import type { IdentityKind } from './personnummer.ts';

/**
 * The case record: the source of truth for a participant's placement. Executions of the
 * placement workflow are derived from it and can be re-entered at the phase it names.
 */
export const PHASES = [
  'studyVisitScheduling',
  'studyVisitProposed',
  'studyVisitInvited',
  'studyVisitDeclined',
  'startupMeeting',
  'closed',
] as const;
export type Phase = (typeof PHASES)[number];

/** Human steps the workflow waits on (each a `.waitForTaskToken` task). */
export const STEPS = ['studyVisitProposal', 'studyVisitOutcome'] as const;
export type StepName = (typeof STEPS)[number];

export const STEP_PHASE: Record<StepName, Phase> = {
  studyVisitProposal: 'studyVisitScheduling',
  studyVisitOutcome: 'studyVisitInvited',
};

export const GENDERS = ['woman', 'man', 'nonBinary', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export const STUDY_VISIT_OUTCOMES = ['wantsToStart', 'declined'] as const;
export type StudyVisitOutcome = (typeof STUDY_VISIT_OUTCOMES)[number];

export interface Participant {
  name: string;
  /** 12 digits, normalized; never leaves the record except to the people who need it. */
  identityNumber: string;
  identityKind: IdentityKind;
  email: string;
  phone: string;
  gender: Gender;
}

export interface CaseOfficer {
  sub: string;
  name: string;
  email: string;
  phone?: string;
  organisationId: string;
  organisationName: string;
}

export interface StudyVisit {
  /** ISO instants */
  start: string;
  end: string;
  location: string;
  /** The coordinator who proposed it: organizer of the calendar invitation. */
  organizer: { name: string; email: string };
  /** iCalendar SEQUENCE: increases when the visit is moved. */
  sequence: number;
  invitationSentForSequence?: number;
  outcome?: StudyVisitOutcome;
  declineReason?: string;
  outcomeRecordedAt?: string;
  outcomeRecordedBy?: string;
}

export interface Reminder {
  /** Epoch ms (workflow time) when the reminder for the step is due. */
  dueAt: number;
  count: number;
}

export interface CaseRecord {
  caseId: string;
  /** Human reference shown everywhere instead of personal data, e.g. SV-2026-0007. */
  reference: string;
  organisationId: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  status: 'active' | 'closed';
  phase: Phase;
  participant: Participant;
  caseOfficer: CaseOfficer;
  placementAgreementRef: string;
  unitId: string;
  needs: { adaptation: string; languageSupport: boolean; language: string };
  plannedStart: string;
  plannedEnd: string;
  studyVisit?: StudyVisit;
  /** The step the workflow currently waits on and its task token (never sent anywhere). */
  waiting?: { step: StepName; token: string; since: string };
  reminders: Partial<Record<StepName, Reminder>>;
  closure?: { category: 'declinedAfterStudyVisit'; reason: string; closedAt: string };
  /** When the unit's coordinators were told about the new referral (sent once). */
  notifiedCoordinatorsAt?: string;
  execution: { segment: number; name: string };
  /** Optimistic-locking version, incremented on every write. */
  version: number;
}

/** The phase a record is in, derived from what has happened. */
export function derivePhase(c: Pick<CaseRecord, 'status' | 'studyVisit'>): Phase {
  if (c.status === 'closed') return 'closed';
  const v = c.studyVisit;
  if (!v) return 'studyVisitScheduling';
  if (v.outcome === 'declined') return 'studyVisitDeclined';
  if (v.outcome === 'wantsToStart') return 'startupMeeting';
  if (v.invitationSentForSequence === v.sequence) return 'studyVisitInvited';
  return 'studyVisitProposed';
}

export const DAY_MS = 24 * 3600 * 1000;
/** After a reminder, the next one comes this much later. */
export const REMINDER_REPEAT_MS = 2 * DAY_MS;

/** When the first reminder for a step is due, if the step has none persisted yet. */
export function firstReminderDue(c: CaseRecord, step: StepName, now: number): number {
  switch (step) {
    case 'studyVisitProposal':
      return Date.parse(c.createdAt) + REMINDER_REPEAT_MS;
    case 'studyVisitOutcome':
      // The day after the visit: the coordinator should have recorded how it went.
      return c.studyVisit ? Date.parse(c.studyVisit.end) + DAY_MS : now + REMINDER_REPEAT_MS;
  }
}

export function executionName(caseId: string, segment: number) {
  return `case-${caseId}-${segment}`;
}

/** Inverse of executionName; undefined for names not made by it. */
export function parseExecutionName(name: string): { caseId: string; segment: number } | undefined {
  const m = /^case-([A-Za-z0-9]+)-(\d+)$/.exec(name);
  return m?.[1] && m[2] ? { caseId: m[1], segment: Number(m[2]) } : undefined;
}

export function stepForPhase(phase: Phase): StepName | undefined {
  return (Object.keys(STEP_PHASE) as StepName[]).find((s) => STEP_PHASE[s] === phase);
}
