import type { IdentityKind } from './personnummer.ts';
import type { PlacementSummary } from './placements.ts';
import type { Phase } from './process/declaration.ts';
import type { AgeBand } from './reports.ts';
import type { TargetGroup } from './target-groups.ts';

/**
 * The case record: the source of truth for a participant's placement. Executions of the
 * placement workflow are derived from it and can be re-entered at the phase it names. The
 * process itself (phases, steps, who acts, clocks) is declared in `process/`.
 */
export type { Phase } from './process/declaration.ts';

export const GENDERS = ['woman', 'man', 'nonBinary', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export const STUDY_VISIT_OUTCOMES = ['wantsToStart', 'declined'] as const;
export type StudyVisitOutcome = (typeof STUDY_VISIT_OUTCOMES)[number];

/** What ESF+ counts per participant at entry (Regulation (EU) 2021/1057, Annex I). Statistics only. */
export const LABOUR_MARKET_STATUSES = ['unemployed', 'longTermUnemployed', 'inactive', 'employed'] as const;
export const EDUCATION_LEVELS = ['isced0to2', 'isced3to4', 'isced5to8'] as const;
export const YES_NO_UNDISCLOSED = ['yes', 'no', 'undisclosed'] as const;
export const FOREIGN_BACKGROUNDS = [
  'no',
  'foreignBackground',
  'thirdCountryNational',
  'undisclosed',
] as const;
export interface EntryStatistics {
  labourMarketStatus: (typeof LABOUR_MARKET_STATUSES)[number];
  education: (typeof EDUCATION_LEVELS)[number];
  disability: (typeof YES_NO_UNDISCLOSED)[number];
  foreignBackground: (typeof FOREIGN_BACKGROUNDS)[number];
  /** The project's target group the participant belongs to (target-groups.ts). */
  targetGroup?: TargetGroup;
}

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

export interface Person {
  name: string;
  email: string;
  sub?: string;
}

/** What a participant answered through their own link, for one SEQUENCE of a meeting. */
export interface ParticipantAnswer {
  sequence: number;
  answer: 'coming' | 'otherTime';
  /** Optional short message; shown to staff only. */
  message?: string;
  at: string;
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
  /** 1 for the first visit proposed; a visit proposed after one was cancelled counts on (a new event). */
  visitNo?: number;
  proposedAt?: string;
  /** Set when staff moved it (the time or place changed; SEQUENCE went up). */
  movedAt?: string;
  /** Set when staff cancelled it; it is then kept in `cancelledStudyVisits`. */
  cancelledAt?: string;
  cancelledBy?: string;
  invitationSentForSequence?: number;
  /** The SEQUENCE the day-before reminder went out for. */
  reminderSentForSequence?: number;
  participantAnswer?: ParticipantAnswer;
  outcome?: StudyVisitOutcome;
  declineReason?: string;
  outcomeRecordedAt?: string;
  outcomeRecordedBy?: string;
}

export const MEETING_KINDS = ['startup', 'followUp', 'closing'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export type Attendee = 'participant' | 'supervisor' | 'caseOfficer';

/** A meeting staff scheduled; its invitation goes out once per SEQUENCE. */
export interface Meeting {
  /** Stable per meeting: part of the calendar UID. */
  meetingId: string;
  kind: MeetingKind;
  start: string;
  end: string;
  location: string;
  organizer: { name: string; email: string };
  attendees: Attendee[];
  sequence: number;
  invitationSentForSequence?: number;
  /** The SEQUENCE the day-before reminder went out for. */
  reminderSentForSequence?: number;
  scheduledAt: string;
  scheduledBy: string;
  /** Set when what happened at the meeting has been recorded. */
  recordedAt?: string;
  participantAnswer?: ParticipantAnswer;
  /** Set when staff moved it (the time or place changed; SEQUENCE went up). */
  movedAt?: string;
  /** Set when staff cancelled it: a calendar CANCEL goes to everyone in it. */
  cancelledAt?: string;
  cancelledBy?: string;
}

export interface IndividualPlan {
  goals: string;
  tasks: string[];
  percent: number;
  hoursPerWeek: number;
  adaptations: string;
  startDate: string;
  recordedAt: string;
  recordedBy: string;
}

/** The seven points of the supervision talk's fixed agenda. */
export const TALK_POINTS = [
  'developmentGoals',
  'capacityAndHours',
  'workEnvironment',
  'whatWorks',
  'challenges',
  'nextGoals',
  'actionPlan',
] as const;
export type TalkPoint = (typeof TALK_POINTS)[number];

export interface SupervisionTalk {
  talkId: string;
  date: string;
  points: Record<TalkPoint, string>;
  capacityDeclined: boolean;
  recordedAt: string;
  recordedBy: string;
}

export const FOLLOW_UP_DECISIONS = ['noChange', 'increase', 'decrease', 'pause'] as const;
export type FollowUpDecision = (typeof FOLLOW_UP_DECISIONS)[number];

export interface FollowUpRecord {
  meetingId: string;
  participantPresent: boolean;
  caseOfficerPresent: boolean;
  summary: string;
  decision: FollowUpDecision;
  newPercent?: number;
  newHoursPerWeek?: number;
  reason?: string;
  tasks: string[];
  recordedAt: string;
  recordedBy: string;
}

export interface WorkingTime {
  percent: number;
  hoursPerWeek: number;
  /** ISO date the level applies from. */
  since: string;
}

export interface WorkingTimeChange extends WorkingTime {
  kind: 'start' | 'increase' | 'decrease' | 'resume';
  meetingId?: string;
  reason?: string;
  decidedAt: string;
  decidedBy: string;
}

export interface Pause {
  startedAt: string;
  meetingId?: string;
  reason: string;
  /** Filled when training resumes under the doctor's statement. */
  resumedAt?: string;
  statementDate?: string;
  maxPercent?: number;
  avoidTasks?: string;
}

export const ACTIVITY_KINDS = [
  'cvHelp',
  'jobFair',
  'studyVisit',
  'languageCafe',
  'guidanceTalk',
  'shortCourse',
  'other',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export interface Activity {
  activityId: string;
  kind: ActivityKind;
  date: string;
  note: string;
  recordedAt: string;
  recordedBy: string;
}

export const EARLY_CLOSING_REASONS = ['gotJob', 'studies', 'left', 'movedAway', 'other'] as const;
export type EarlyClosingReason = (typeof EARLY_CLOSING_REASONS)[number];

/** Outcome categories at closing and in the follow-ups after it (what funders count). */
export const OUTCOMES = [
  'workWithoutSupport',
  'workWithSupport',
  'studiesKomvux',
  'studiesSfi',
  'studiesFolkHighSchool',
  'studiesOther',
  'internship',
  'otherMeasure',
  'jobSeeking',
  'sickLeaveOrCare',
  'noRealisticNextStep',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface ClosingRecord {
  summary: string;
  evaluation: string;
  outcome: Outcome;
  explanation?: string;
  nextStepPlan: string;
  recordedAt: string;
  recordedBy: string;
}

export interface AfterClosingAnswer {
  outcome: Outcome;
  note: string;
  /** Four weeks after: has the participant gained a qualification (ESF+)? Absent when not asked. */
  qualificationGained?: boolean;
  recordedAt: string;
  recordedBy: string;
}

/** What was sent for one clock's current period, so a retried task never repeats a notice. */
export interface NoticeState {
  /** Identifies the period (its due instant): a new period starts counting afresh. */
  period: number;
  reminders: number;
  lastReminderAt?: number;
  escalatedAt?: number;
}

/** Whose address on the case a mail is about. */
export type MailRole = Attendee;

/** A mail to one of the case's addresses bounced or was marked as spam. Never the address itself. */
export interface MailProblem {
  who: MailRole;
  kind: 'bounce' | 'complaint';
  at: string;
  /** Set when the coordinator corrected or confirmed the address. */
  resolvedAt?: string;
  resolvedBy?: string;
}

export interface CaseProblem {
  /** The workflow state that failed for good. */
  state: string;
  /** Error name only: never a message that could hold personal data. */
  error: string;
  at: string;
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
  /** Language for mail to the participant. */
  participantLanguage?: 'sv' | 'en';
  caseOfficer: CaseOfficer;
  placementAgreementRef: string;
  unitId: string;
  needs: { adaptation: string; languageSupport: boolean; language: string };
  plannedStart: string;
  plannedEnd: string;
  entryStatistics?: EntryStatistics;
  intake?: { decision: 'accepted' | 'declined'; reason?: string; decidedAt: string; decidedBy: string };
  /** The unit place: held from acceptance (or from the queue) until the case closes. */
  place?: { queuedAt?: string; assignedAt?: string; releasedAt?: string };
  studyVisit?: StudyVisit;
  /** Study visits cancelled by staff (their CANCEL goes out; a new visit can be proposed). */
  cancelledStudyVisits?: StudyVisit[];
  supervisor?: Person;
  meetings: Meeting[];
  plan?: IndividualPlan;
  talks: { count: number; lastDate?: string; lastCapacityDeclined?: boolean; followUpRequestedAt?: string };
  followUps: FollowUpRecord[];
  workingTime?: WorkingTime;
  workingTimeHistory: WorkingTimeChange[];
  tasks: string[];
  pauses: Pause[];
  activities: Activity[];
  closing?: {
    early?: { reason: EarlyClosingReason; note: string; at: string; by: string };
    record?: ClosingRecord;
    /** The day training ended (the closing meeting's date, or when it was recorded). */
    endedOn?: string;
  };
  afterClosing: { fourWeeks?: AfterClosingAnswer; sixMonths?: AfterClosingAnswer };
  /**
   * Addresses on the case that mail could not reach (an SES bounce or complaint): shown to the
   * coordinator ("check the e-mail address") until corrected or confirmed.
   */
  mailProblems?: MailProblem[];
  /**
   * Invitations to send again to one person (after their address was corrected): the same UID
   * and SEQUENCE, so it lands on the same calendar event. Removed once sent.
   */
  resends?: { meetingId: string; sequence: number; who: Attendee; at: string }[];
  /** A workflow step that failed for good: shown on the coordinator's list until repaired. */
  problem?: CaseProblem;
  /** Per clock (see process/clocks.ts): what has been sent in its current period. */
  notices: Record<string, NoticeState>;
  /** The step the workflow currently waits on and its task token (never sent anywhere). */
  waiting?: { step: string; token: string; since: string };
  closure?: { category: ClosureCategory; reason: string; closedAt: string };
  /** When the unit's coordinators were told about the new referral (sent once). */
  notifiedCoordinatorsAt?: string;
  /** Form instances already applied (double-submit protection for repeatable actions). */
  appliedForms: { formId: string; action: string; at: string }[];
  execution: {
    segment: number;
    name: string;
    startedAt?: string;
    workflowVersion?: string;
    /** The reconciler found this execution failed or timed out: an administrator redrives it. */
    failure?: { status: 'FAILED' | 'TIMED_OUT'; error?: string; at: string };
    /** An administrator stopped the run with a reason; nothing continues it until one does. */
    stopped?: { at: string; by: string; reason: string };
  };
  /** The staff who acted on the case: their names by `sub`, for the console's timeline. */
  staff?: Record<string, string>;
  /** The placement at a glance, as the console lists it (computed on every save). */
  summary?: PlacementSummary;
  /**
   * Set when the case's personal data was removed (retention.ts: by the retention job, or on a
   * legal request). What stays are codes, dates and counts, with the identity number's one-way
   * key and the age band at the training start, so the figures stay the same.
   */
  anonymised?: { at: string; by: 'retention' | 'erasure'; personKey: string; ageBand: AgeBand };
  /** Optimistic-locking version, incremented on every write. */
  version: number;
}

export type ClosureCategory =
  | 'declinedAtIntake'
  | 'declinedAfterStudyVisit'
  | 'completed'
  | 'closedEarly'
  | 'closedAdministratively';

export const DAY_MS = 24 * 3600 * 1000;

export function executionName(caseId: string, segment: number) {
  return `case-${caseId}-${segment}`;
}

/** Inverse of executionName; undefined for names not made by it. */
export function parseExecutionName(name: string): { caseId: string; segment: number } | undefined {
  const m = /^case-([A-Za-z0-9]+)-(\d+)$/.exec(name);
  return m?.[1] && m[2] ? { caseId: m[1], segment: Number(m[2]) } : undefined;
}

/** The collections of a new case record, all empty. */
export function emptyCollections(): Pick<
  CaseRecord,
  | 'meetings'
  | 'talks'
  | 'followUps'
  | 'workingTimeHistory'
  | 'tasks'
  | 'pauses'
  | 'activities'
  | 'afterClosing'
  | 'notices'
  | 'appliedForms'
> {
  return {
    meetings: [],
    talks: { count: 0 },
    followUps: [],
    workingTimeHistory: [],
    tasks: [],
    pauses: [],
    activities: [],
    afterClosing: {},
    notices: {},
    appliedForms: [],
  };
}

/** Fills in the collections a record written by an older version lacks. */
export function normalizeCase(c: CaseRecord): CaseRecord {
  c.meetings ??= [];
  c.talks ??= { count: 0 };
  c.followUps ??= [];
  c.workingTimeHistory ??= [];
  c.tasks ??= [];
  c.pauses ??= [];
  c.activities ??= [];
  c.afterClosing ??= {};
  c.notices ??= {};
  c.appliedForms ??= [];
  // Before intake existed, a referral went straight to the study visit.
  if (!c.intake && c.phase !== 'intake' && (c.studyVisit || c.notifiedCoordinatorsAt))
    c.intake = { decision: 'accepted', decidedAt: c.createdAt, decidedBy: 'migration' };
  if (c.intake?.decision === 'accepted' && !c.place) c.place = { assignedAt: c.intake.decidedAt };
  return c;
}

/** The latest meeting of a kind that is not cancelled (a cancelled one is as if never booked). */
export const meetingOf = (c: CaseRecord, kind: MeetingKind) =>
  [...c.meetings].reverse().find((m) => m.kind === kind && !m.cancelledAt);
export const openPause = (c: CaseRecord) => c.pauses.find((p) => !p.resumedAt);

/** The mail problems on the case not yet corrected. */
export const openMailProblems = (c: Pick<CaseRecord, 'mailProblems'>): MailProblem[] =>
  (c.mailProblems ?? []).filter((p) => !p.resolvedAt);
