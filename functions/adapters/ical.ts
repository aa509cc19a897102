/**
 * Hand-written RFC 5545 (iCalendar) generator for the meeting invitations Stegvis e-mails
 * (iTIP METHOD:REQUEST / METHOD:CANCEL, RFC 5546). No library: the output is small, fixed in shape
 * and must be byte-stable for tests.
 *
 * Times are rendered as Europe/Stockholm wall time with a full VTIMEZONE, so calendar clients show
 * the meeting at the right local time even across daylight-saving changes.
 */

import type { CalendarInvite } from '#core/ports';

/** The domain's invite (stable UID per meeting, SEQUENCE increasing when moved) plus its DTSTAMP. */
export type CalendarAttendee = CalendarInvite['attendees'][number];
export interface CalendarEvent extends CalendarInvite {
  /** DTSTAMP (passed in; no system time inside). */
  stamp: Date;
}

const CRLF = '\r\n';
const TZID = 'Europe/Stockholm';
const MAX_LINE_OCTETS = 75;

/** Europe/Stockholm since 1996: CET (+01:00), CEST (+02:00) from the last Sunday of March 02:00 to the last Sunday of October 03:00. */
const VTIMEZONE_STOCKHOLM = [
  'BEGIN:VTIMEZONE',
  `TZID:${TZID}`,
  `X-LIC-LOCATION:${TZID}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const stockholmFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZID,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function buildIcs(event: CalendarEvent): string {
  assertValidDate(event.start, 'start');
  assertValidDate(event.end, 'end');
  assertValidDate(event.stamp, 'stamp');
  if (event.end.getTime() <= event.start.getTime()) {
    throw new Error('Calendar event must end after it starts');
  }
  if (!Number.isInteger(event.sequence) || event.sequence < 0) {
    throw new Error('Calendar event sequence must be a non-negative integer');
  }
  if (!/^[\x21-\x7e]+$/.test(event.uid)) {
    throw new Error('Calendar event uid must be non-empty printable ASCII without spaces');
  }

  const cancelled = event.method === 'CANCEL';
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Stegvis//Stegvis//SV',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    ...VTIMEZONE_STOCKHOLM,
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${formatUtc(event.stamp)}`,
    ...dateTimeProperties(event.start, event.end),
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    `LOCATION:${escapeText(event.location)}`,
    `ORGANIZER${cnParam(event.organizer.name)}:${mailto(event.organizer.email)}`,
    ...event.attendees.map(
      (a) =>
        `ATTENDEE${cnParam(a.name)};ROLE=${a.role ?? 'REQ-PARTICIPANT'};PARTSTAT=NEEDS-ACTION;RSVP=TRUE:${mailto(a.email)}`,
    ),
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    // A cancellation carries no reminder: clients would otherwise keep an alarm for a removed meeting.
    ...(cancelled
      ? []
      : [
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          'TRIGGER:-PT24H',
          `DESCRIPTION:${escapeText(event.summary)}`,
          'END:VALARM',
        ]),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** RFC 5545 §3.3.11 TEXT escaping; other control characters are not allowed in TEXT and are dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n|\r|\n/g, '\n')
    .replace(/[^\P{Cc}\t\n]/gu, '')
    .replace(/[\\;,\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * RFC 5545 §3.1 folding: content lines are at most 75 octets (excluding CRLF); continuation lines
 * start with a single space. Splits only between code points, so a multi-byte UTF-8 sequence
 * (å, ä, ö, emoji) is never cut in half.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1; // the leading space of a continuation line counts
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join(`${CRLF} `);
}

/**
 * DTSTART/DTEND as Stockholm wall time. In the hour that repeats when clocks go back (02:00–03:00
 * on the last Sunday of October) a wall time names two instants; RFC 5545 says the first is meant
 * but clients disagree (ical.js picks the second), so such events are given in UTC instead, which
 * every client reads unambiguously.
 */
function dateTimeProperties(start: Date, end: Date): [string, string] {
  const localStart = stockholmWallTime(start);
  const localEnd = stockholmWallTime(end);
  if (isAmbiguous(localStart) || isAmbiguous(localEnd)) {
    return [`DTSTART:${formatUtc(start)}`, `DTEND:${formatUtc(end)}`];
  }
  return [`DTSTART;TZID=${TZID}:${formatParts(localStart)}`, `DTEND;TZID=${TZID}:${formatParts(localEnd)}`];
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function stockholmWallTime(instant: Date): WallTime {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of stockholmFormat.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = parts;
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    throw new Error('Could not convert instant to Europe/Stockholm time');
  }
  return { year, month, day, hour, minute, second };
}

/** True when two instants (one at +02:00, one at +01:00) share this Stockholm wall time. */
function isAmbiguous(local: WallTime): boolean {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const wall = formatParts(local);
  return [2, 1].every(
    (offsetHours) => formatParts(stockholmWallTime(new Date(asUtc - offsetHours * 3_600_000))) === wall,
  );
}

function formatParts(t: WallTime): string {
  return `${pad(t.year, 4)}${pad(t.month)}${pad(t.day)}T${pad(t.hour)}${pad(t.minute)}${pad(t.second)}`;
}

function formatUtc(instant: Date): string {
  return `${formatParts({
    year: instant.getUTCFullYear(),
    month: instant.getUTCMonth() + 1,
    day: instant.getUTCDate(),
    hour: instant.getUTCHours(),
    minute: instant.getUTCMinutes(),
    second: instant.getUTCSeconds(),
  })}Z`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `;CN=…` parameter, quoted when it contains `:`, `;` or `,`. DQUOTE and controls cannot appear in a parameter value. */
function cnParam(name: string | undefined): string {
  if (name === undefined) return '';
  const clean = name
    .replace(/[\r\n]+/g, ' ')
    .replace(/\p{Cc}/gu, '')
    .replace(/"/g, "'")
    .trim();
  if (clean === '') return '';
  return `;CN=${/[:;,]/.test(clean) ? `"${clean}"` : clean}`;
}

function mailto(email: string): string {
  if (!/^[^\s@"<>(),;:\\]+@[^\s@"<>(),;:\\]+$/.test(email)) {
    // The address itself is personal data: keep it out of the message.
    throw new Error('Invalid e-mail address in calendar event');
  }
  return `mailto:${email}`;
}

function assertValidDate(value: Date, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new Error(`Calendar event ${field} is not a valid date`);
  }
}
