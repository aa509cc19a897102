import { type CaseRecord, DAY_MS, type Meeting, type MeetingKind, meetingOf, openPause } from '../case.ts';
import type { UnitPolicy } from '../units.ts';

/**
 * The placement process, declared once. Everything else derives from this file:
 * - the phase of a record (derive.ts) and where the workflow goes next;
 * - the ASL's routes, human-step Tasks and automatic Tasks (asl.ts checks the file against it);
 * - who may act on what, with which form (the route table and the use cases);
 * - the reminder and escalation clocks (clocks.ts) and the staff worklists;
 * - the labels (the web catalogue has a text per phase, step, action and clock).
 *
 * Adding a step: a phase here, its step, its action and form, its clock; then its use case.
 */

export type Actor = 'coordinator' | 'supervisor' | 'caseOfficer';

/** Automatic work the workflow does (each an ASL Task state invoking the named Lambda). */
export const TASKS = {
  NotifyCoordinators: 'notify-referral',
  SendInvitation: 'send-invitation',
  ReleasePlace: 'release-place',
  CloseCase: 'close-case',
} as const;
export type TaskState = keyof typeof TASKS;

/** Human steps: the workflow waits on one at a time (a `.waitForTaskToken` Task). */
export const STEPS = {
  intakeDecision: { actors: ['coordinator'], actions: ['decideIntake', 'correctAddress'] },
  /** Waits for a place in the unit; the queue moves when a place frees. */
  placeAvailable: { actors: [], actions: ['correctAddress'] },
  studyVisitProposal: { actors: ['coordinator'], actions: ['proposeStudyVisit', 'correctAddress'] },
  studyVisitOutcome: {
    actors: ['coordinator'],
    actions: ['recordStudyVisitOutcome', 'moveMeeting', 'cancelMeeting', 'correctAddress'],
  },
  startupMeeting: { actors: ['coordinator'], actions: ['scheduleStartup', 'closeEarly', 'correctAddress'] },
  individualPlan: {
    actors: ['supervisor', 'coordinator'],
    actions: ['recordPlan', 'moveMeeting', 'cancelMeeting', 'closeEarly', 'correctAddress'],
  },
  training: {
    actors: ['supervisor', 'coordinator', 'caseOfficer'],
    actions: [
      'recordTalk',
      'scheduleFollowUp',
      'recordFollowUp',
      'moveMeeting',
      'cancelMeeting',
      'logActivity',
      'scheduleClosing',
      'closeEarly',
      'correctAddress',
    ],
  },
  paused: {
    actors: ['coordinator', 'supervisor', 'caseOfficer'],
    actions: [
      'resume',
      'scheduleFollowUp',
      'recordFollowUp',
      'moveMeeting',
      'cancelMeeting',
      'logActivity',
      'scheduleClosing',
      'closeEarly',
      'correctAddress',
    ],
  },
  closing: {
    actors: ['coordinator', 'supervisor'],
    actions: [
      'scheduleClosing',
      'recordClosing',
      'moveMeeting',
      'cancelMeeting',
      'recordTalk',
      'logActivity',
      'correctAddress',
    ],
  },
  afterClosing: { actors: ['caseOfficer'], actions: ['recordAfterClosing', 'correctAddress'] },
  /** A step failed for good: the coordinator corrects the data and continues. */
  repair: { actors: ['coordinator'], actions: ['repair', 'correctAddress'] },
} as const satisfies Record<string, { actors: readonly Actor[]; actions: readonly string[] }>;
export type StepName = keyof typeof STEPS;
export const STEP_NAMES = Object.keys(STEPS) as StepName[];

/** Phases, in process order. Each either waits on a step, runs a task, or ends. */
export const PHASES = {
  intake: { step: 'intakeDecision' },
  intakeDeclined: { task: 'CloseCase' },
  queued: { step: 'placeAvailable' },
  studyVisitScheduling: { step: 'studyVisitProposal' },
  studyVisitProposed: { task: 'SendInvitation' },
  studyVisitInvited: { step: 'studyVisitOutcome' },
  studyVisitDeclined: { task: 'CloseCase' },
  startupScheduling: { step: 'startupMeeting' },
  startupPlanning: { step: 'individualPlan' },
  training: { step: 'training' },
  paused: { step: 'paused' },
  closing: { step: 'closing' },
  afterClosing: { step: 'afterClosing' },
  closed: { end: true },
} as const satisfies Record<string, { step: StepName } | { task: TaskState } | { end: true }>;
export type Phase = keyof typeof PHASES;
export const PHASE_NAMES = Object.keys(PHASES) as Phase[];

export type Role = 'referrer' | 'supervisor' | 'coordinator' | 'admin';

/**
 * What people do. `path` is the form's POST route under the case; `roles` who may call it (the
 * route table is built from this); `repeatable` actions carry a form id so a double submit
 * applies once.
 */
export const ACTIONS = {
  decideIntake: { path: 'intake', roles: ['coordinator'], repeatable: false },
  proposeStudyVisit: { path: 'study-visit', roles: ['coordinator', 'admin'], repeatable: false },
  recordStudyVisitOutcome: {
    path: 'study-visit/outcome',
    roles: ['coordinator', 'admin'],
    repeatable: false,
  },
  scheduleStartup: { path: 'startup-meeting', roles: ['coordinator'], repeatable: false },
  recordPlan: { path: 'plan', roles: ['coordinator', 'supervisor'], repeatable: false },
  recordTalk: { path: 'talks', roles: ['coordinator', 'supervisor'], repeatable: true },
  scheduleFollowUp: { path: 'follow-ups', roles: ['coordinator', 'supervisor'], repeatable: true },
  recordFollowUp: { path: 'follow-ups/record', roles: ['coordinator', 'supervisor'], repeatable: false },
  resume: { path: 'resume', roles: ['coordinator', 'supervisor'], repeatable: false },
  logActivity: { path: 'activities', roles: ['coordinator', 'supervisor'], repeatable: true },
  closeEarly: { path: 'close-early', roles: ['coordinator'], repeatable: false },
  scheduleClosing: { path: 'closing-meeting', roles: ['coordinator'], repeatable: false },
  /** Move or cancel a booked meeting (study visit, start-up, follow-up, closing): the form names it. */
  moveMeeting: { path: 'meetings/move', roles: ['coordinator', 'supervisor'], repeatable: false },
  cancelMeeting: { path: 'meetings/cancel', roles: ['coordinator', 'supervisor'], repeatable: false },
  recordClosing: { path: 'closing', roles: ['coordinator', 'supervisor'], repeatable: false },
  recordAfterClosing: { path: 'after-closing', roles: ['referrer', 'coordinator'], repeatable: false },
  repair: { path: 'repair', roles: ['coordinator'], repeatable: false },
  /** Mail to an address on the case bounced or was marked as spam: correct it (or confirm it). */
  correctAddress: { path: 'address', roles: ['coordinator', 'admin'], repeatable: false },
} as const satisfies Record<string, { path: string; roles: readonly Role[]; repeatable: boolean }>;
export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

/** Who a notice goes to. */
export type Recipient = 'coordinators' | 'supervisor' | 'caseOfficer' | 'organizer';

export interface ClockDecl {
  /** The step during which the clock runs. */
  steps: readonly StepName[];
  /** Start of the clock's current period (epoch ms), or undefined when it is not running. */
  due(c: CaseRecord, p: UnitPolicy, now: number): number | undefined;
  /** The meeting whose organizer is reminded (for `organizer`). */
  meeting?: (c: CaseRecord) => Meeting | undefined;
  remind: Recipient;
  /** Days between repeated reminders; none when absent. */
  repeatDays?: number;
  /** Reminders in one period at most (then the clock waits for its next period). */
  maxReminders?: number;
  escalate?: { to: Recipient; afterDays: number };
  /** The action a person takes to stop it (the reminder links there). */
  action: ActionName;
}

const at = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);
const days = (n: number) => n * DAY_MS;
const trainingStart = (c: CaseRecord) => at(c.plan?.startDate);
/** A meeting that has taken place but whose record is missing. */
const unrecordedPast = (c: CaseRecord, kind: MeetingKind) => {
  const m = meetingOf(c, kind);
  return m && !m.recordedAt ? m : undefined;
};
const lastFollowUpMeeting = (c: CaseRecord) => meetingOf(c, 'followUp');
/** A follow-up meeting on the calendar that has not been recorded yet. */
const pendingFollowUp = (c: CaseRecord) => {
  const m = lastFollowUpMeeting(c);
  return m && !m.recordedAt ? m : undefined;
};

/**
 * The reminder and escalation clocks. Several run at once in training (the next talk, the next
 * follow-up, the closing reminder, a pause check-in); the workflow waits on the earliest.
 */
export const CLOCKS = {
  intakeDecision: {
    steps: ['intakeDecision'],
    due: (c) => (at(c.createdAt) ?? 0) + days(2),
    remind: 'coordinators',
    repeatDays: 2,
    maxReminders: 10,
    action: 'decideIntake',
  },
  studyVisitProposal: {
    steps: ['studyVisitProposal'],
    // From the place (or, after a cancelled visit, from the cancellation): a new time is due.
    due: (c) =>
      Math.max(
        at(c.place?.assignedAt) ?? at(c.createdAt) ?? 0,
        ...(c.cancelledStudyVisits ?? []).map((v) => at(v.cancelledAt) ?? 0),
      ) + days(2),
    remind: 'coordinators',
    repeatDays: 2,
    maxReminders: 10,
    action: 'proposeStudyVisit',
  },
  studyVisitOutcome: {
    steps: ['studyVisitOutcome'],
    // The day after the visit: the coordinator should have recorded how it went.
    due: (c) => (c.studyVisit ? Date.parse(c.studyVisit.end) + DAY_MS : undefined),
    remind: 'organizer',
    meeting: (c) => (c.studyVisit ? ({ organizer: c.studyVisit.organizer } as Meeting) : undefined),
    repeatDays: 2,
    maxReminders: 10,
    action: 'recordStudyVisitOutcome',
  },
  startupMeeting: {
    steps: ['startupMeeting'],
    due: (c) => (at(c.studyVisit?.outcomeRecordedAt) ?? 0) + days(3),
    remind: 'coordinators',
    repeatDays: 3,
    maxReminders: 10,
    action: 'scheduleStartup',
  },
  individualPlan: {
    steps: ['individualPlan'],
    due: (c) => {
      const m = unrecordedPast(c, 'startup');
      return m ? Date.parse(m.end) + DAY_MS : undefined;
    },
    remind: 'supervisor',
    repeatDays: 2,
    maxReminders: 10,
    escalate: { to: 'coordinators', afterDays: 7 },
    action: 'recordPlan',
  },
  talk: {
    steps: ['training', 'closing'],
    due: (c, p) => {
      const from = at(c.talks.lastDate) ?? trainingStart(c);
      return from === undefined ? undefined : from + days(p.talkIntervalDays);
    },
    remind: 'supervisor',
    repeatDays: 7,
    maxReminders: 4,
    escalate: { to: 'coordinators', afterDays: 7 },
    action: 'recordTalk',
  },
  /** A talk flagged a decline in work capacity: a follow-up meeting is asked for. */
  followUpRequested: {
    steps: ['training'],
    due: (c) => {
      const asked = at(c.talks.followUpRequestedAt);
      if (asked === undefined) return undefined;
      const m = lastFollowUpMeeting(c);
      return m && Date.parse(m.scheduledAt) >= asked ? undefined : asked;
    },
    remind: 'coordinators',
    repeatDays: 2,
    maxReminders: 5,
    action: 'scheduleFollowUp',
  },
  followUp: {
    steps: ['training'],
    due: (c, p) => {
      if (pendingFollowUp(c)) return undefined;
      const last = lastFollowUpMeeting(c);
      const from = last ? Date.parse(last.start) : trainingStart(c);
      // Asked two weeks before the meeting is due, so there is time to find a date.
      return from === undefined ? undefined : from + days(p.followUpIntervalDays - 14);
    },
    remind: 'coordinators',
    repeatDays: 7,
    maxReminders: 4,
    escalate: { to: 'coordinators', afterDays: 14 },
    action: 'scheduleFollowUp',
  },
  followUpRecord: {
    steps: ['training', 'paused'],
    due: (c) => {
      const m = pendingFollowUp(c);
      return m ? Date.parse(m.end) + DAY_MS : undefined;
    },
    remind: 'organizer',
    meeting: pendingFollowUp,
    repeatDays: 2,
    maxReminders: 10,
    action: 'recordFollowUp',
  },
  closingPlan: {
    steps: ['training', 'paused'],
    // Four weeks before the planned end: plan the closing meeting.
    due: (c) => (meetingOf(c, 'closing') ? undefined : Date.parse(c.plannedEnd) - days(28)),
    remind: 'coordinators',
    repeatDays: 7,
    maxReminders: 4,
    action: 'scheduleClosing',
  },
  pauseCheckIn: {
    steps: ['paused'],
    // Every four weeks of the pause the case officer checks in on the treatment.
    due: (c, _p, now) => {
      const p = openPause(c);
      if (!p) return undefined;
      const start = Date.parse(p.startedAt);
      const period = days(28);
      return start + period * Math.max(1, Math.ceil((now - start) / period));
    },
    remind: 'caseOfficer',
    maxReminders: 1,
    action: 'resume',
  },
  closingMeeting: {
    steps: ['closing'],
    due: (c) => (meetingOf(c, 'closing') ? undefined : (at(c.closing?.early?.at) ?? 0) + days(2)),
    remind: 'coordinators',
    repeatDays: 3,
    maxReminders: 10,
    action: 'scheduleClosing',
  },
  closingRecord: {
    steps: ['closing'],
    due: (c) => {
      const m = unrecordedPast(c, 'closing');
      return m ? Date.parse(m.end) + DAY_MS : undefined;
    },
    remind: 'organizer',
    meeting: (c) => meetingOf(c, 'closing'),
    repeatDays: 2,
    maxReminders: 10,
    action: 'recordClosing',
  },
  afterClosingFourWeeks: {
    steps: ['afterClosing'],
    due: (c) => (c.afterClosing.fourWeeks ? undefined : (at(c.closing?.endedOn) ?? 0) + days(28)),
    remind: 'caseOfficer',
    repeatDays: 7,
    maxReminders: 3,
    action: 'recordAfterClosing',
  },
  afterClosingSixMonths: {
    steps: ['afterClosing'],
    due: (c) => {
      const end = at(c.closing?.endedOn);
      if (end === undefined || c.afterClosing.sixMonths) return undefined;
      const d = new Date(end);
      d.setUTCMonth(d.getUTCMonth() + 6);
      return d.getTime();
    },
    remind: 'caseOfficer',
    repeatDays: 7,
    maxReminders: 3,
    action: 'recordAfterClosing',
  },
  /** The coordinator is reminded of a step that failed until it is repaired. */
  repair: {
    steps: ['repair'],
    due: (c) => at(c.problem?.at),
    remind: 'coordinators',
    repeatDays: 1,
    maxReminders: 5,
    action: 'repair',
  },
} as const satisfies Record<string, ClockDecl>;
export type ClockName = keyof typeof CLOCKS;
export const CLOCK_NAMES = Object.keys(CLOCKS) as ClockName[];

/** No single execution runs longer than this or loops more than that (history stays small). */
export const SEGMENT_LIMITS = { maxDays: 300, maxLoops: 100 } as const;
/** The longest a wait lasts before the workflow re-reads the record. */
export const MAX_WAIT_SECONDS = 30 * 24 * 3600;
