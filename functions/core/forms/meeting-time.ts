import * as z from 'zod/mini';
import type { FieldIssue } from '../errors.ts';
import { addIssue, date, type Parsed, parse, required } from './fields.ts';

/**
 * The time and place of a meeting (study visit, start-up, follow-up, closing), as staff type it:
 * a Swedish wall-clock date and times. Every issue carries a field and a code; the web catalogue
 * words it. The field errors and the rules between them (the end after the start, in the
 * future, not too far ahead) are reported in one round.
 */

export interface MeetingTimeForm {
  date?: string;
  startTime?: string;
  endTime?: string;
  location?: string;
}

/** A meeting may be booked at most this far ahead (a mistyped year is caught). */
export const MAX_DAYS_AHEAD = 180;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const time = () => z.string().check(z.trim(), z.regex(HHMM, { error: 'time' }));

const MeetingTime = z.object({
  date: date(),
  startTime: time(),
  endTime: time(),
  location: required(300),
});

/** Converts a Stockholm wall-clock time to an instant (handles CET/CEST). */
export function stockholmToInstant(date: string, time: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // Offset of Stockholm at the guessed instant; iterate once for the DST edge.
  let ts = guess - stockholmOffsetMs(guess);
  ts = guess - stockholmOffsetMs(ts);
  return new Date(ts);
}

let formatter: Intl.DateTimeFormat | undefined;
/** How far Stockholm's clocks are ahead of UTC at an instant, in milliseconds. */
export function stockholmOffsetMs(ts: number): number {
  formatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Stockholm',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const parts = formatter.formatToParts(new Date(ts));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return asUtc - Math.floor(ts / 60000) * 60000;
}

export function parseMeetingTime(
  form: MeetingTimeForm,
  ctx: { now: number },
): Parsed<{ start: Date; end: Date; location: string }> {
  const r = parse(MeetingTime, { ...form });
  const issues: FieldIssue[] = r.ok ? [] : [...r.issues];
  // The time rules run whenever the date and times can be read, beside the field errors: a
  // person learns everything wrong with the form in one round.
  const readable = !issues.some(
    (i) => i.field === 'date' || i.field === 'startTime' || i.field === 'endTime',
  );
  const day = (form.date ?? '').trim();
  const start = readable ? stockholmToInstant(day, (form.startTime ?? '').trim()) : undefined;
  const end = readable ? stockholmToInstant(day, (form.endTime ?? '').trim()) : undefined;
  if (start && end && end <= start) addIssue(issues, { field: 'endTime', code: 'order' });
  if (start && start.getTime() < ctx.now) addIssue(issues, { field: 'date', code: 'past' });
  else if (start && start.getTime() > ctx.now + MAX_DAYS_AHEAD * 86_400_000)
    addIssue(issues, { field: 'date', code: 'tooFar', params: { months: 6 } });
  if (issues.length || !r.ok || !start || !end) return { ok: false, issues };
  return { ok: true, value: { start, end, location: r.value.location } };
}
