import type { Principal } from '../auth.ts';
import {
  type Attendee,
  type CaseRecord,
  type Meeting,
  type MeetingKind,
  meetingOf,
  type StudyVisit,
} from '../case.ts';
import { StepNotWaitingError, ValidationError } from '../errors.ts';
import { type MeetingTimeForm, parseMeetingTime } from '../forms/meeting-time.ts';
import { meetingView, storedMeeting, studyVisitId } from '../meeting-view.ts';
import type { Deps } from '../ports.ts';
import type { ActionName } from '../process/declaration.ts';
import { act, mayAct } from './act.ts';
import { requireCase } from './update-case.ts';

/** What a meeting form posts: a Stockholm date, start and end time, a place. */
export type MeetingForm = MeetingTimeForm & { formId?: string };

/** Reads a meeting's time and place, or throws a ValidationError with every issue. */
export function readMeetingTime(deps: Deps, form: MeetingForm) {
  const v = parseMeetingTime(form, { now: deps.clock.now() });
  if (!v.ok) throw new ValidationError(v.issues);
  return { start: v.value.start.toISOString(), end: v.value.end.toISOString(), location: v.value.location };
}

/**
 * Refuses a time at which the participant or the supervisor already has a meeting: any booked
 * meeting (not cancelled, not recorded) of any active case, the study visit included for the
 * participant. The refusal sits on the date field and names the other meeting by its case
 * reference and time, never by a person.
 */
export async function refuseClash(
  deps: Deps,
  caseId: string,
  time: { start: string; end: string },
  o: {
    principal: Principal;
    action: ActionName;
    supervisorEmail?: string;
    /** The meeting being moved: not a clash with itself. */
    except?: string;
    /** The kind being booked: the same booking posted again is no clash. */
    repeatOf?: MeetingKind;
  },
) {
  const own = await requireCase(deps.repo, caseId);
  // Someone who may not act on the case learns nothing of other meetings: act refuses them next.
  if (!mayAct(o.principal, own, o.action)) return;
  const participant = own.participant.identityNumber;
  const supervisor = o.supervisorEmail?.toLowerCase();
  const [from, to] = [Date.parse(time.start), Date.parse(time.end)];
  const overlaps = (start: string, end: string) => Date.parse(start) < to && from < Date.parse(end);
  let after: string | undefined;
  do {
    const page = await deps.repo.listActiveCases({ limit: 100, after });
    for (const c of page.items) {
      const samePerson = c.participant.identityNumber === participant;
      const sameSupervisor = !!supervisor && c.supervisor?.email.toLowerCase() === supervisor;
      const slots = c.meetings
        .filter((m) => !m.cancelledAt && !m.recordedAt && !(c.caseId === caseId && m.meetingId === o.except))
        // The same booking posted again (same kind, same time) is a repeat, not a clash.
        .filter(
          (m) =>
            !(c.caseId === caseId && m.kind === o.repeatOf && m.start === time.start && m.end === time.end),
        )
        .filter(
          (m) =>
            (samePerson && m.attendees.includes('participant')) ||
            (sameSupervisor && m.attendees.includes('supervisor')),
        )
        .map((m) => ({ start: m.start, end: m.end }));
      const v = c.studyVisit;
      if (samePerson && v && !v.outcome && c.caseId !== caseId) slots.push({ start: v.start, end: v.end });
      const clash = slots.find((x) => overlaps(x.start, x.end));
      if (clash)
        throw new ValidationError([
          {
            field: 'date',
            code: 'clash',
            params: { reference: c.reference, start: clash.start, end: clash.end },
          },
        ]);
    }
    after = page.next;
  } while (after);
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

type Slot = { start: string; end: string; location: string };
const sameTime = (m: Slot | undefined, t: Slot) =>
  !!m && m.start === t.start && m.end === t.end && m.location === t.location;

/** Books the follow-up meeting with the participant, the supervisor and the case officer. */
export async function scheduleFollowUp(deps: Deps, p: Principal, caseId: string, form: MeetingForm) {
  const time = readMeetingTime(deps, form);
  await refuseClash(deps, caseId, time, {
    principal: p,
    action: 'scheduleFollowUp',
    repeatOf: 'followUp',
    supervisorEmail: (await requireCase(deps.repo, caseId)).supervisor?.email,
  });
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
export async function scheduleClosing(deps: Deps, p: Principal, caseId: string, form: MeetingForm) {
  const time = readMeetingTime(deps, form);
  await refuseClash(deps, caseId, time, {
    principal: p,
    action: 'scheduleClosing',
    repeatOf: 'closing',
    supervisorEmail: (await requireCase(deps.repo, caseId)).supervisor?.email,
  });
  return act(deps, p, caseId, 'scheduleClosing', {
    same: (c) => sameTime(meetingOf(c, 'closing'), time),
    apply: (c, ctx) => {
      const booked = meetingOf(c, 'closing');
      if (booked && sameTime(booked, time)) return; // the same booking again (a double click)
      if (booked) throw new StepNotWaitingError('The closing meeting is booked', 'alreadyDone');
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

/**
 * A booked meeting of the record that can still change (a study visit included): not cancelled,
 * not recorded. Refused otherwise, with the reason (the page words it).
 */
function bookedMeeting(c: CaseRecord, meetingId: string): StudyVisit | Meeting {
  const view = meetingView(c, meetingId);
  const m = storedMeeting(c, meetingId);
  if (!view) throw new StepNotWaitingError(`No meeting ${meetingId}`, 'noSuchMeeting');
  if (view.cancelled || !m) throw new StepNotWaitingError('The meeting is cancelled', 'meetingCancelled');
  if (view.done) throw new StepNotWaitingError('The meeting is recorded', 'meetingRecorded');
  return m;
}

const MEETING_ID = /^(?:(?:startup|followUp|closing)-\d{1,3}|study-visit(?:-\d{1,3})?)$/;
function meetingIdOf(form: { meetingId?: string }): string {
  const id = (form.meetingId ?? '').trim();
  if (!MEETING_ID.test(id)) throw new ValidationError([{ field: 'meetingId', code: 'format' }]);
  return id;
}

/**
 * Moves a booked meeting (or the study visit) to a new time or place: the same calendar event
 * (same UID) with a higher SEQUENCE, so calendars update it in place. The same time posted again
 * is a harmless repeat.
 */
export async function moveMeeting(
  deps: Deps,
  p: Principal,
  caseId: string,
  form: MeetingForm & { meetingId?: string },
) {
  const meetingId = meetingIdOf(form);
  const time = readMeetingTime(deps, form);
  const c = await requireCase(deps.repo, caseId);
  const moving = meetingView(c, meetingId);
  if (moving && !sameTime(moving, time))
    await refuseClash(deps, caseId, time, {
      principal: p,
      action: 'moveMeeting',
      supervisorEmail: moving.attendees.includes('supervisor') ? c.supervisor?.email : undefined,
      except: meetingId,
    });
  const current = (c: CaseRecord) => {
    const v = meetingView(c, meetingId);
    return v && !v.cancelled ? v : undefined;
  };
  return act(deps, p, caseId, 'moveMeeting', {
    same: (c) => sameTime(current(c), time),
    apply: (c, ctx) => {
      const m = bookedMeeting(c, meetingId);
      if (sameTime(m, time)) return;
      m.start = time.start;
      m.end = time.end;
      m.location = time.location;
      m.sequence += 1;
      m.movedAt = new Date(ctx.now).toISOString();
    },
  });
}

/**
 * Cancels a booked meeting (or the study visit): everyone in it gets a calendar CANCEL for the
 * same event, and the process is back where it was before the meeting was booked (a new one can
 * be booked; a new study visit is a new event).
 */
export function cancelMeeting(deps: Deps, p: Principal, caseId: string, form: { meetingId?: string }) {
  const meetingId = meetingIdOf(form);
  return act(deps, p, caseId, 'cancelMeeting', {
    same: (c) => !!meetingView(c, meetingId)?.cancelled,
    apply: (c, ctx) => {
      if (meetingView(c, meetingId)?.cancelled) return; // cancelled already: the same request again
      const booked = bookedMeeting(c, meetingId);
      booked.cancelledAt = new Date(ctx.now).toISOString();
      booked.cancelledBy = p.sub;
      booked.sequence += 1;
      if (c.studyVisit && studyVisitId(c.studyVisit) === meetingId) {
        c.cancelledStudyVisits = [...(c.cancelledStudyVisits ?? []), c.studyVisit];
        delete c.studyVisit;
      }
    },
  });
}
