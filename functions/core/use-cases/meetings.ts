import type { Principal } from '../auth.ts';
import { type Attendee, type CaseRecord, type Meeting, type MeetingKind, meetingOf } from '../case.ts';
import { StepNotWaitingError, ValidationError } from '../errors.ts';
import { type MeetingTimeForm, parseMeetingTime } from '../forms/meeting-time.ts';
import type { Deps } from '../ports.ts';
import type { ActionName } from '../process/declaration.ts';
import { act } from './act.ts';

/** What a meeting form posts: a Stockholm date, start and end time, a place. */
export type MeetingForm = MeetingTimeForm & { formId?: string };

/** Reads a meeting's time and place, or throws a ValidationError with every issue. */
export function readMeetingTime(deps: Deps, form: MeetingForm) {
  const v = parseMeetingTime(form, { now: deps.clock.now() });
  if (!v.ok) throw new ValidationError(v.issues);
  return { start: v.value.start.toISOString(), end: v.value.end.toISOString(), location: v.value.location };
}

/** Meeting ids are stable per case (part of the calendar UID); a number per kind keeps them short. */
function nextMeetingId(c: CaseRecord, kind: MeetingKind): string {
  return `${kind}-${c.meetings.filter((m) => m.kind === kind).length + 1}`;
}

export function newMeeting(
  c: CaseRecord,
  kind: MeetingKind,
  time: { start: string; end: string; location: string },
  organizer: Principal,
  attendees: Attendee[],
  now: number,
): Meeting {
  return {
    meetingId: nextMeetingId(c, kind),
    kind,
    ...time,
    organizer: { name: organizer.name, email: organizer.email },
    attendees,
    sequence: 0,
    scheduledAt: new Date(now).toISOString(),
    scheduledBy: organizer.sub,
  };
}

const sameTime = (m: Meeting | undefined, t: { start: string; end: string; location: string }) =>
  !!m && m.start === t.start && m.end === t.end && m.location === t.location;

/** Books the follow-up meeting with the participant, the supervisor and the case officer. */
export function scheduleFollowUp(deps: Deps, p: Principal, caseId: string, form: MeetingForm) {
  const time = readMeetingTime(deps, form);
  return act(deps, p, caseId, 'scheduleFollowUp', {
    formId: form.formId,
    same: (c) => sameTime(meetingOf(c, 'followUp'), time),
    apply: (c, ctx) => {
      const pending = meetingOf(c, 'followUp');
      if (pending && !pending.recordedAt) {
        if (sameTime(pending, time)) return;
        throw new StepNotWaitingError('A follow-up meeting is already booked', 'followUpPending', {
          start: pending.start,
        });
      }
      c.meetings.push(
        newMeeting(c, 'followUp', time, p, ['participant', 'supervisor', 'caseOfficer'], ctx.now),
      );
    },
  });
}

/** Books the closing meeting with all three. */
export function scheduleClosing(deps: Deps, p: Principal, caseId: string, form: MeetingForm) {
  const time = readMeetingTime(deps, form);
  return act(deps, p, caseId, 'scheduleClosing', {
    same: (c) => sameTime(meetingOf(c, 'closing'), time),
    apply: (c, ctx) => {
      if (meetingOf(c, 'closing'))
        throw new StepNotWaitingError('The closing meeting is booked', 'alreadyDone');
      c.meetings.push(
        newMeeting(c, 'closing', time, p, ['participant', 'supervisor', 'caseOfficer'], ctx.now),
      );
    },
  });
}

/** A meeting of the kind that has started and is not yet recorded (what a record form records). */
export function heldMeeting(c: CaseRecord, kind: MeetingKind, now: number, action: ActionName): Meeting {
  const m = meetingOf(c, kind);
  if (!m || m.recordedAt)
    throw new StepNotWaitingError(`No ${kind} meeting to record`, 'noMeeting', { action });
  if (Date.parse(m.start) > now)
    throw new StepNotWaitingError(`The ${kind} meeting has not taken place yet`, 'meetingNotHeld', {
      start: m.start,
    });
  return m;
}
