import { type CaseRecord, type MeetingKind, meetingOf, openMailProblems } from '../case.ts';
import { changeableMeetingViews } from '../meeting-view.ts';
import type { ActionName } from '../process/declaration.ts';

/**
 * Whether an action open in the case's step can be taken now, given the meetings on the record:
 * a meeting is recorded only once it has taken place, and booked only when none of its kind is
 * waiting. Pages show only the forms that can be used (with a line saying when a record form
 * opens) and "To do" lists only these; the use cases refuse the rest with the same reasons.
 */
export type Availability =
  | { available: true }
  | { available: false; meeting?: { kind: MeetingKind; start: string; location: string } };

const RECORDS: Partial<Record<ActionName, MeetingKind>> = {
  recordPlan: 'startup',
  recordFollowUp: 'followUp',
  recordClosing: 'closing',
};
const BOOKS: Partial<Record<ActionName, MeetingKind>> = {
  scheduleFollowUp: 'followUp',
  scheduleClosing: 'closing',
};

/** Meetings staff can still move or cancel (a study visit included): booked, not cancelled, not recorded. */
export const changeableMeetings = changeableMeetingViews;

export function actionAvailability(c: CaseRecord, action: ActionName, now: number): Availability {
  if (action === 'correctAddress') return { available: openMailProblems(c).length > 0 };
  if (action === 'moveMeeting' || action === 'cancelMeeting')
    return { available: changeableMeetings(c).length > 0 };
  const records = RECORDS[action];
  if (records) {
    const m = meetingOf(c, records);
    if (!m || m.recordedAt) return { available: false };
    if (Date.parse(m.start) > now)
      return { available: false, meeting: { kind: records, start: m.start, location: m.location } };
    return { available: true };
  }
  const books = BOOKS[action];
  if (books) {
    const m = meetingOf(c, books);
    // A closing meeting is booked once; a follow-up again once the last one is recorded.
    if (m && (books === 'closing' || !m.recordedAt)) return { available: false };
  }
  return { available: true };
}

export const actionAvailable = (c: CaseRecord, action: ActionName, now: number) =>
  actionAvailability(c, action, now).available;
