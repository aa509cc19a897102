import type { Attendee, CaseRecord, Meeting, MeetingKind, ParticipantAnswer, StudyVisit } from './case.ts';

/**
 * Every meeting of a case as one shape: the study visits (the current one and any cancelled
 * before it) and the booked meetings. Mail, reminders, the participant's links and the pages read
 * meetings through this, so a study visit moves, is cancelled and is reminded of like any other.
 */
export type AnyMeetingKind = 'studyVisit' | MeetingKind;

export interface MeetingView {
  /** Stable per meeting: part of the calendar UID and of the participant's link. */
  meetingId: string;
  kind: AnyMeetingKind;
  start: string;
  end: string;
  location: string;
  organizer: { name: string; email: string };
  attendees: readonly Attendee[];
  sequence: number;
  invitationSentForSequence?: number;
  reminderSentForSequence?: number;
  /** When it was booked or last moved: a reminder is only due if that was before the reminder time. */
  bookedAt?: string;
  moved: boolean;
  cancelled: boolean;
  /** Recorded (a booked meeting) or its outcome recorded (a study visit): nothing more to send. */
  done: boolean;
  answer?: ParticipantAnswer;
}

export const STUDY_VISIT_ATTENDEES: readonly Attendee[] = ['participant', 'caseOfficer'];

/** The id of a study visit: the first is `study-visit` (its UID is unchanged), later ones numbered. */
export const studyVisitId = (v: Pick<StudyVisit, 'visitNo'>) =>
  (v.visitNo ?? 1) > 1 ? `study-visit-${v.visitNo}` : 'study-visit';

function ofVisit(v: StudyVisit, cancelled: boolean): MeetingView {
  return {
    meetingId: studyVisitId(v),
    kind: 'studyVisit',
    start: v.start,
    end: v.end,
    location: v.location,
    organizer: v.organizer,
    attendees: STUDY_VISIT_ATTENDEES,
    sequence: v.sequence,
    invitationSentForSequence: v.invitationSentForSequence,
    reminderSentForSequence: v.reminderSentForSequence,
    bookedAt: v.movedAt ?? v.proposedAt,
    moved: !!v.movedAt,
    cancelled,
    done: !!v.outcome,
    answer: v.participantAnswer,
  };
}

function ofMeeting(m: Meeting): MeetingView {
  return {
    meetingId: m.meetingId,
    kind: m.kind,
    start: m.start,
    end: m.end,
    location: m.location,
    organizer: m.organizer,
    attendees: m.attendees,
    sequence: m.sequence,
    invitationSentForSequence: m.invitationSentForSequence,
    reminderSentForSequence: m.reminderSentForSequence,
    bookedAt: m.movedAt ?? m.scheduledAt,
    moved: !!m.movedAt,
    cancelled: !!m.cancelledAt,
    done: !!m.recordedAt,
    answer: m.participantAnswer,
  };
}

export function meetingViews(c: CaseRecord): MeetingView[] {
  return [
    ...(c.cancelledStudyVisits ?? []).map((v) => ofVisit(v, true)),
    ...(c.studyVisit ? [ofVisit(c.studyVisit, false)] : []),
    ...c.meetings.map(ofMeeting),
  ];
}

export const meetingView = (c: CaseRecord, meetingId: string) =>
  meetingViews(c).find((m) => m.meetingId === meetingId);

/** Meetings staff can still move or cancel: booked, not cancelled, not yet recorded. */
export const changeableMeetingViews = (c: CaseRecord) =>
  meetingViews(c).filter((m) => !m.cancelled && !m.done);

/**
 * The stored meeting behind a view, to change it: the current study visit or a booked meeting.
 * A cancelled study visit is kept apart and is not returned.
 */
export function storedMeeting(c: CaseRecord, meetingId: string): StudyVisit | Meeting | undefined {
  if (c.studyVisit && studyVisitId(c.studyVisit) === meetingId) return c.studyVisit;
  return c.meetings.find((m) => m.meetingId === meetingId);
}

/** The calendar UID of a meeting: the same for every update and the cancellation. */
export const calendarUid = (c: Pick<CaseRecord, 'caseId'>, meetingId: string) =>
  `${c.caseId}-${meetingId}@stegvis`;

/** A meeting that has a mail still to send for its current SEQUENCE (an invitation, an update or a CANCEL). */
export function invitationDue(m: MeetingView): boolean {
  if (m.invitationSentForSequence === m.sequence) return false;
  // A cancellation of a meeting whose invitation never went out is in nobody's calendar.
  if (m.cancelled && m.invitationSentForSequence === undefined) return false;
  // A study visit whose outcome is recorded needs nothing more.
  return !(m.kind === 'studyVisit' && m.done);
}

/** The stored meeting behind any view, a cancelled study visit included (to mark what was sent). */
export function storedAny(c: CaseRecord, meetingId: string): StudyVisit | Meeting | undefined {
  return (
    storedMeeting(c, meetingId) ?? (c.cancelledStudyVisits ?? []).find((v) => studyVisitId(v) === meetingId)
  );
}
