import { type CaseRecord, DAY_MS } from '../case.ts';
import { type MeetingView, meetingViews } from '../meeting-view.ts';

/**
 * The reminder the day before a meeting: to everyone in it (the participant with their link),
 * 24 hours before it starts, once per SEQUENCE. A meeting moved after its reminder went out is
 * reminded of again before its new time (and the update says the old reminder no longer holds).
 * A meeting booked or moved less than a day ahead gets none: its invitation was the notice.
 */
export const REMINDER_LEAD_MS = DAY_MS;

/** When the meeting's reminder is due, or undefined when none is (sent, cancelled, held, too late). */
export function reminderAt(m: MeetingView): number | undefined {
  if (m.cancelled || m.done) return undefined;
  if (m.reminderSentForSequence === m.sequence) return undefined;
  // The invitation of this SEQUENCE goes first; the reminder follows it.
  if (m.invitationSentForSequence !== m.sequence) return undefined;
  const at = Date.parse(m.start) - REMINDER_LEAD_MS;
  if (!Number.isFinite(at)) return undefined;
  if (m.bookedAt && Date.parse(m.bookedAt) > at) return undefined;
  return at;
}

/** The meetings whose reminder is due now (and that have not started). */
export function dueMeetingReminders(c: CaseRecord, now: number): MeetingView[] {
  return meetingViews(c).filter((m) => {
    const at = reminderAt(m);
    return at !== undefined && at <= now && Date.parse(m.start) > now;
  });
}

/** The earliest reminder still to send (possibly already due), for the workflow's wait. */
export function nextMeetingReminderAt(c: CaseRecord, now: number): number | undefined {
  let next: number | undefined;
  for (const m of meetingViews(c)) {
    const at = reminderAt(m);
    if (at === undefined || Date.parse(m.start) <= now) continue;
    if (next === undefined || at < next) next = at;
  }
  return next;
}
