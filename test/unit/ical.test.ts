import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIcs, type CalendarEvent, escapeText, foldLine } from '../../functions/adapters/ical.ts';

const base: CalendarEvent = {
  uid: 'case-42-study-visit@stegvis',
  sequence: 0,
  method: 'REQUEST',
  start: new Date('2025-01-15T09:00:00Z'),
  end: new Date('2025-01-15T10:30:00Z'),
  summary: 'Studiebesök',
  description: 'Välkommen!',
  location: 'Storgatan 1, Växjö',
  organizer: { email: 'handledare@stegvis.se', name: 'Anna Handledare' },
  attendees: [
    { email: 'deltagare@example.se', name: 'Åsa Öberg' },
    { email: 'arbetsgivare@example.se', name: 'Café Åkern, Växjö', role: 'OPT-PARTICIPANT' },
    { email: 'coach@example.se', role: 'CHAIR' },
  ],
  stamp: new Date('2025-01-02T08:09:10Z'),
};

function event(overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return { ...base, ...overrides };
}

/** Parses with ical.js and registers the VTIMEZONE from the output itself (ical.js has no tz database). */
function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vtimezone = calendar.getFirstSubcomponent('vtimezone');
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vtimezone || !vevent) throw new Error('missing VTIMEZONE or VEVENT');
  ICAL.TimezoneService.register(vtimezone);
  return { calendar, vtimezone, vevent, timezone: new ICAL.Timezone(vtimezone) };
}

function timeProp(vevent: ICAL.Component, name: string): ICAL.Time {
  const value = vevent.getFirstPropertyValue(name);
  if (!(value instanceof ICAL.Time)) throw new Error(`${name} is not a date-time`);
  return value;
}

function contentLines(ics: string): string[] {
  return ics.replace(/\r\n$/, '').split('\r\n');
}

function unfolded(ics: string): string[] {
  return contentLines(ics.replace(/\r\n /g, ''));
}

afterEach(() => {
  ICAL.TimezoneService.reset();
});

describe('buildIcs structure', () => {
  it('uses CRLF for every line, including the last, and no bare CR or LF', () => {
    const ics = buildIcs(event({ description: 'rad ett\nrad två\r\nrad tre\rslut' }));
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has the calendar header, a Stockholm VTIMEZONE and one VEVENT', () => {
    const lines = unfolded(buildIcs(event()));
    expect(lines.slice(0, 5)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Stegvis//Stegvis//SV',
      'CALSCALE:GREGORIAN',
      'METHOD:REQUEST',
    ]);
    const { calendar, vtimezone } = parse(buildIcs(event()));
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(1);
    expect(vtimezone.getFirstPropertyValue('tzid')).toBe('Europe/Stockholm');
    const standard = vtimezone.getFirstSubcomponent('standard');
    const daylight = vtimezone.getFirstSubcomponent('daylight');
    expect(standard?.getFirstPropertyValue('tzname')).toBe('CET');
    expect(daylight?.getFirstPropertyValue('tzname')).toBe('CEST');
    expect(standard?.getFirstProperty('tzoffsetto')?.toICALString()).toBe('TZOFFSETTO:+0100');
    expect(daylight?.getFirstProperty('tzoffsetto')?.toICALString()).toBe('TZOFFSETTO:+0200');
    expect(standard?.getFirstProperty('rrule')?.toICALString()).toBe(
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
    );
    expect(daylight?.getFirstProperty('rrule')?.toICALString()).toBe(
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
    );
  });

  it('renders UID, SEQUENCE, DTSTAMP in UTC, STATUS and a 24-hour display alarm for REQUEST', () => {
    const { vevent } = parse(buildIcs(event({ sequence: 3 })));
    expect(vevent.getFirstPropertyValue('uid')).toBe('case-42-study-visit@stegvis');
    expect(vevent.getFirstPropertyValue('sequence')).toBe(3);
    expect(vevent.getFirstProperty('dtstamp')?.toICALString()).toBe('DTSTAMP:20250102T080910Z');
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const alarm = vevent.getFirstSubcomponent('valarm');
    expect(alarm?.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(alarm?.getFirstProperty('trigger')?.toICALString()).toBe('TRIGGER:-PT24H');
    expect(alarm?.getFirstPropertyValue('description')).toBe('Studiebesök');
  });

  it('marks a CANCEL as METHOD:CANCEL / STATUS:CANCELLED with the same UID and no alarm', () => {
    const { calendar, vevent } = parse(buildIcs(event({ method: 'CANCEL', sequence: 4 })));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent.getFirstPropertyValue('uid')).toBe('case-42-study-visit@stegvis');
    expect(vevent.getFirstPropertyValue('sequence')).toBe(4);
    expect(vevent.getFirstSubcomponent('valarm')).toBeNull();
    expect(vevent.getAllProperties('attendee')).toHaveLength(3);
  });

  it('renders ORGANIZER and ATTENDEEs with CN, ROLE, PARTSTAT and RSVP; quotes CN with , ; :', () => {
    const ics = buildIcs(
      event({ organizer: { email: 'handledare@stegvis.se', name: 'Handledare: Anna; Berg' } }),
    );
    const { vevent } = parse(ics);
    const organizer = vevent.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:handledare@stegvis.se');
    expect(organizer?.getParameter('cn')).toBe('Handledare: Anna; Berg');
    expect(unfolded(ics)).toContain('ORGANIZER;CN="Handledare: Anna; Berg":mailto:handledare@stegvis.se');

    const attendees = vevent.getAllProperties('attendee').map((a) => ({
      value: a.getFirstValue(),
      cn: a.getParameter('cn'),
      role: a.getParameter('role'),
      partstat: a.getParameter('partstat'),
      rsvp: a.getParameter('rsvp'),
    }));
    expect(attendees).toEqual([
      {
        value: 'mailto:deltagare@example.se',
        cn: 'Åsa Öberg',
        role: 'REQ-PARTICIPANT',
        partstat: 'NEEDS-ACTION',
        rsvp: 'TRUE',
      },
      {
        value: 'mailto:arbetsgivare@example.se',
        cn: 'Café Åkern, Växjö',
        role: 'OPT-PARTICIPANT',
        partstat: 'NEEDS-ACTION',
        rsvp: 'TRUE',
      },
      {
        value: 'mailto:coach@example.se',
        cn: undefined,
        role: 'CHAIR',
        partstat: 'NEEDS-ACTION',
        rsvp: 'TRUE',
      },
    ]);
    expect(unfolded(ics)).toContain(
      'ATTENDEE;CN="Café Åkern, Växjö";ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:arbetsgivare@example.se',
    );
  });

  it('keeps a double quote in a name from breaking the parameter', () => {
    const { vevent } = parse(
      buildIcs(event({ organizer: { email: 'a@stegvis.se', name: 'Anna "Nisse", AB' } })),
    );
    expect(vevent.getFirstProperty('organizer')?.getParameter('cn')).toBe("Anna 'Nisse', AB");
    expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:a@stegvis.se');
  });
});

describe('buildIcs times in Europe/Stockholm', () => {
  const cases = [
    {
      label: 'winter (CET, +01:00)',
      start: '2025-01-15T09:00:00Z',
      end: '2025-01-15T10:30:00Z',
      local: ['20250115T100000', '20250115T113000'],
    },
    {
      label: 'summer (CEST, +02:00)',
      start: '2025-07-01T07:30:00Z',
      end: '2025-07-01T08:15:00Z',
      local: ['20250701T093000', '20250701T101500'],
    },
    {
      label: 'spring-forward day, across the gap',
      start: '2025-03-30T00:30:00Z',
      end: '2025-03-30T01:30:00Z',
      local: ['20250330T013000', '20250330T033000'],
    },
    {
      label: 'fall-back day, daytime',
      start: '2025-10-26T08:00:00Z',
      end: '2025-10-26T09:00:00Z',
      local: ['20251026T090000', '20251026T100000'],
    },
    {
      label: 'fall-back day, just after the repeated hour',
      start: '2025-10-26T02:00:00Z',
      end: '2025-10-26T02:30:00Z',
      local: ['20251026T030000', '20251026T033000'],
    },
    {
      label: 'new year in local time only',
      start: '2024-12-31T23:15:00Z',
      end: '2025-01-01T00:00:00Z',
      local: ['20250101T001500', '20250101T010000'],
    },
  ];

  for (const c of cases) {
    it(`${c.label}: TZID wall time that ical.js converts back to the same instant`, () => {
      const start = new Date(c.start);
      const end = new Date(c.end);
      const ics = buildIcs(event({ start, end }));
      const lines = unfolded(ics);
      expect(lines).toContain(`DTSTART;TZID=Europe/Stockholm:${c.local[0]}`);
      expect(lines).toContain(`DTEND;TZID=Europe/Stockholm:${c.local[1]}`);

      const { vevent } = parse(ics);
      const dtstart = timeProp(vevent, 'dtstart');
      const dtend = timeProp(vevent, 'dtend');
      expect(dtstart.zone?.tzid).toBe('Europe/Stockholm');
      expect(dtstart.toJSDate().toISOString()).toBe(start.toISOString());
      expect(dtend.toJSDate().toISOString()).toBe(end.toISOString());
    });
  }

  for (const [label, startIso, endIso] of [
    ['first 02:30 (CEST)', '2025-10-26T00:30:00Z', '2025-10-26T00:45:00Z'],
    ['second 02:30 (CET)', '2025-10-26T01:30:00Z', '2025-10-26T02:30:00Z'],
    ['ends in the repeated hour', '2025-10-25T22:00:00Z', '2025-10-26T00:15:00Z'],
  ] as const) {
    it(`gives an event in the repeated hour on fall-back day in UTC (${label})`, () => {
      const start = new Date(startIso);
      const end = new Date(endIso);
      const ics = buildIcs(event({ start, end }));
      const lines = unfolded(ics);
      expect(lines).toContain(`DTSTART:${startIso.replace(/[-:]/g, '')}`);
      expect(lines).toContain(`DTEND:${endIso.replace(/[-:]/g, '')}`);
      const { vevent } = parse(ics);
      expect(timeProp(vevent, 'dtstart').toJSDate().toISOString()).toBe(start.toISOString());
      expect(timeProp(vevent, 'dtend').toJSDate().toISOString()).toBe(end.toISOString());
    });
  }

  it('round-trips through its own VTIMEZONE every 3 hours over 2024–2027 and every 5 minutes on change days', () => {
    parse(buildIcs(event())); // registers the VTIMEZONE for the property parsing below
    const fallBack = ['2024-10-27', '2025-10-26', '2026-10-25', '2027-10-31'].map((d) =>
      Date.parse(`${d}T01:00:00Z`),
    );
    // The repeated wall-clock hour 02:00–03:00 covers [transition − 1 h, transition + 1 h) in UTC.
    const inRepeatedHour = (t: number) => fallBack.some((x) => t >= x - 3_600_000 && t < x + 3_600_000);

    const instants: number[] = [];
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2028, 0, 1); t += 3 * 3_600_000) instants.push(t);
    for (const changeDay of [
      '2024-03-31',
      '2024-10-27',
      '2026-03-29',
      '2026-10-25',
      '2027-03-28',
      '2027-10-31',
    ]) {
      const midnight = Date.parse(`${changeDay}T00:00:00Z`);
      for (let t = midnight - 3_600_000; t < midnight + 5 * 3_600_000; t += 5 * 60_000) instants.push(t);
    }

    const wrong: string[] = [];
    for (const t of instants) {
      const end = t + 5 * 60_000;
      const ics = buildIcs(event({ start: new Date(t), end: new Date(end) }));
      const lines = unfolded(ics);
      const line = lines.slice(lines.indexOf('BEGIN:VEVENT')).find((l) => l.startsWith('DTSTART'));
      if (!line) throw new Error('no DTSTART');
      const dtstart = ICAL.Property.fromString(line).getFirstValue();
      if (!(dtstart instanceof ICAL.Time)) throw new Error('DTSTART is not a date-time');
      const expectUtc = inRepeatedHour(t) || inRepeatedHour(end);
      const zoneOk = expectUtc ? line.endsWith('Z') : dtstart.zone?.tzid === 'Europe/Stockholm';
      if (!zoneOk || dtstart.toJSDate().getTime() !== t) wrong.push(`${new Date(t).toISOString()} → ${line}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('buildIcs text', () => {
  it('escapes backslash, semicolon, comma and newlines, and ical.js reads the original back', () => {
    const summary = 'Möte; fika, kaffe \\ te';
    const description = 'Rad 1\nRad 2; a,b\\c\r\nRad 3\\n (inte en radbrytning)';
    const location = 'Storgatan 1, 352 30 Växjö; plan 2';
    const ics = buildIcs(event({ summary, description, location }));
    const lines = unfolded(ics);
    expect(lines).toContain('SUMMARY:Möte\\; fika\\, kaffe \\\\ te');
    expect(lines).toContain('LOCATION:Storgatan 1\\, 352 30 Växjö\\; plan 2');
    const { vevent } = parse(ics);
    expect(vevent.getFirstPropertyValue('summary')).toBe(summary);
    expect(vevent.getFirstPropertyValue('description')).toBe(description.replace(/\r\n/g, '\n'));
    expect(vevent.getFirstPropertyValue('location')).toBe(location);
  });

  it('escapeText maps every newline form to \\n and drops other control characters', () => {
    expect(escapeText('a\r\nb\rc\nd')).toBe('a\\nb\\nc\\nd');
    expect(escapeText('x\u0007y\tz')).toBe('xy\tz');
  });

  it('folds at 75 octets without splitting åäö or emoji, and unfolds to the original', () => {
    const summary = `Introduktion på Återbruket i Älmhult 🌱🚲 – ${'åäöÅÄÖ 😀 '.repeat(20)}slut`;
    const description = `${'ö'.repeat(200)}\n${'🎉'.repeat(50)}`;
    const ics = buildIcs(event({ summary, description, location: 'x'.repeat(300) }));
    const lines = contentLines(ics);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    // No line may start or end inside a UTF-8 sequence: decoding each line alone must be lossless.
    for (const line of lines) {
      expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
      expect(line).not.toMatch(/[\uD800-\uDBFF]$|^ ?[\uDC00-\uDFFF]/);
    }
    const { vevent } = parse(ics);
    expect(vevent.getFirstPropertyValue('summary')).toBe(summary);
    expect(vevent.getFirstPropertyValue('description')).toBe(description);
  });

  it('foldLine fills the first line to 75 octets and continuation lines to 74 plus the space', () => {
    const folded = foldLine(`SUMMARY:${'a'.repeat(200)}`).split('\r\n');
    expect(folded.map((l) => Buffer.byteLength(l))).toEqual([75, 75, 60]);
    expect(folded.slice(1).every((l) => l.startsWith(' '))).toBe(true);
    // A 4-byte emoji that would straddle the 75th octet moves whole to the next line.
    const emoji = foldLine(`X:${'a'.repeat(71)}😀b`).split('\r\n');
    expect(emoji).toEqual([`X:${'a'.repeat(71)}`, ' 😀b']);
  });
});

describe('buildIcs validation', () => {
  it('rejects an end before the start, invalid dates, bad UIDs and bad addresses', () => {
    expect(() => buildIcs(event({ end: base.start }))).toThrow(/end after it starts/);
    expect(() => buildIcs(event({ start: new Date(Number.NaN) }))).toThrow(/start/);
    expect(() => buildIcs(event({ uid: 'a\r\nATTENDEE:mailto:x@y' }))).toThrow(/uid/);
    expect(() => buildIcs(event({ sequence: -1 }))).toThrow(/sequence/);
    expect(() => buildIcs(event({ attendees: [{ email: 'x@y.se\r\nATTENDEE:mailto:z@y.se' }] }))).toThrow(
      /e-mail/,
    );
  });

  it('keeps the address out of the error message', () => {
    expect(() => buildIcs(event({ organizer: { email: 'not an address anna.berg@x' } }))).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('anna.berg') }),
    );
  });
});
