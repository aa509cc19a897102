import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildIcs } from '#adapters/ical';
import type { CaseRecord, Meeting } from '#core/case';
import { meetingViews } from '#core/meeting-view';
import { meetingMails } from '#core/messages';
import type { OutgoingMessage } from '#core/ports';
import { caseIn, HOUR_MS, meeting, SUPERVISOR_EMAIL, T0, UNIT } from '#test/support/use-case-world';

/**
 * A meeting's life in mail, as RFC 5546 (iTIP) describes it, each read back with ical.js:
 * - booked: METHOD:REQUEST, SEQUENCE 0 (§3.2.2);
 * - moved: a REQUEST of the same UID with a higher SEQUENCE and a fresh DTSTAMP, an update in
 *   place (§2.1.4, §3.2.2.1 "rescheduling"; RFC 5545 §3.8.7.4);
 * - cancelled: METHOD:CANCEL of the same UID, SEQUENCE not lower, every attendee,
 *   STATUS:CANCELLED (§3.2.5), with its VTIMEZONE and without an alarm.
 * Every copy (the participant's and the staff's) carries the same event.
 */
const c: CaseRecord = {
  ...caseIn('training'),
  supervisor: { name: 'Sami', email: SUPERVISOR_EMAIL },
};
const booked = meeting('followUp', T0 + 3 * 24 * HOUR_MS, { sequence: 0 });
const moved: Meeting = {
  ...booked,
  start: new Date(T0 + 4 * 24 * HOUR_MS).toISOString(),
  end: new Date(T0 + 4 * 24 * HOUR_MS + HOUR_MS).toISOString(),
  location: 'REMAKE, entrén',
  sequence: 1,
  movedAt: new Date(T0).toISOString(),
};
const cancelled: Meeting = { ...moved, sequence: 2, cancelledAt: new Date(T0 + HOUR_MS).toISOString() };
const viewOf = (m: Meeting) => {
  const v = meetingViews({ ...c, meetings: [m] }).find((x) => x.meetingId === m.meetingId);
  if (!v) throw new Error('no view');
  return v;
};
const mailsOf = (m: Meeting) =>
  meetingMails(c, UNIT, viewOf(m), 'invitation', 'https://stegvis.example').map((x) =>
    x.build(x.needsLink ? 'https://stegvis.example/m/AbCdEfGhIjKlMnOpQrStUv' : undefined),
  );

function calendar(mail: OutgoingMessage, stamp: number) {
  if (!mail.calendar) throw new Error('no calendar');
  const ics = buildIcs({ ...mail.calendar, stamp: new Date(stamp) });
  const vcal = new ICAL.Component(ICAL.parse(ics));
  const vtz = vcal.getFirstSubcomponent('vtimezone');
  if (vtz) ICAL.TimezoneService.register(vtz);
  const ev = vcal.getFirstSubcomponent('vevent');
  if (!ev) throw new Error('no VEVENT');
  return {
    ics,
    method: vcal.getFirstPropertyValue('method'),
    uid: ev.getFirstPropertyValue('uid'),
    sequence: Number(ev.getFirstPropertyValue('sequence')),
    status: ev.getFirstPropertyValue('status'),
    stamp: String(ev.getFirstPropertyValue('dtstamp')),
    start: (ev.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime(),
    location: ev.getFirstPropertyValue('location'),
    organizer: String(ev.getFirstPropertyValue('organizer')),
    attendees: ev.getAllProperties('attendee').map((p) => String(p.getFirstValue())),
    attendeeParams: ev
      .getAllProperties('attendee')
      .map((p) => [p.getParameter('role'), p.getParameter('partstat'), p.getParameter('rsvp')]),
    alarms: ev.getAllSubcomponents('valarm').length,
    timezones: vcal.getAllSubcomponents('vtimezone').length,
  };
}

describe('a meeting booked, moved and cancelled (RFC 5546)', () => {
  const sends = [booked, moved, cancelled].map(mailsOf);
  // Each send at a later moment: a fresh DTSTAMP every time.
  const cals = sends.map((copies, i) => copies.map((m) => calendar(m, T0 + i * 60_000)));

  it('sends two copies each time, the participant’s and the staff’s, carrying the same event', () => {
    for (const copies of sends)
      expect(copies.map((m) => m.to)).toEqual([['p@example.se'], [SUPERVISOR_EMAIL, 'anna@malmo.example']]);
    for (const pair of cals) {
      expect(pair[0]?.uid).toBe(pair[1]?.uid);
      expect(pair[0]?.sequence).toBe(pair[1]?.sequence);
      expect(pair[0]?.attendees).toEqual(pair[1]?.attendees);
    }
  });

  it('updates one event in place: one UID, SEQUENCE 0, 1, then a CANCEL not lower', () => {
    const first = cals.map((pair) => pair[0]);
    expect(new Set(first.map((x) => x?.uid))).toEqual(new Set([`${c.caseId}-followUp-1@stegvis`]));
    expect(first.map((x) => [x?.method, x?.sequence, x?.status])).toEqual([
      ['REQUEST', 0, 'CONFIRMED'],
      ['REQUEST', 1, 'CONFIRMED'],
      ['CANCEL', 2, 'CANCELLED'],
    ]);
    expect(new Set(first.map((x) => x?.stamp)).size).toBe(3);
    expect(first[1]?.start).toBe(Date.parse(moved.start));
    expect(first[1]?.location).toBe('REMAKE, entrén');
  });

  it('invites every attendee with ROLE, PARTSTAT=NEEDS-ACTION and RSVP=TRUE, and cancels for every one of them', () => {
    const [b, , x] = cals.map((pair) => pair[0]);
    expect(b?.attendees).toEqual([
      'mailto:p@example.se',
      `mailto:${SUPERVISOR_EMAIL}`,
      'mailto:anna@malmo.example',
    ]);
    expect(new Set(b?.attendeeParams.map((p) => p.join()))).toEqual(
      new Set(['REQ-PARTICIPANT,NEEDS-ACTION,TRUE']),
    );
    expect(x?.attendees).toEqual(b?.attendees);
    expect(x?.timezones).toBe(1);
    expect(x?.alarms).toBe(0);
    expect(b?.alarms).toBe(1);
  });

  it('never invites the organizer, and a plain reply and a calendar answer both reach them', () => {
    for (const copies of sends)
      for (const m of copies) {
        expect(m.to.map((a) => a.toLowerCase())).not.toContain(booked.organizer.email.toLowerCase());
        expect(m.replyTo).toBe(booked.organizer.email);
        expect(m.calendar?.attendees.map((a) => a.email)).not.toContain(booked.organizer.email);
      }
    for (const pair of cals) expect(pair[0]?.organizer).toBe(`mailto:${booked.organizer.email}`);
  });

  it('leaves an organizer who attends out of the attendees, whatever the case of the address', () => {
    const organizing: Meeting = {
      ...booked,
      organizer: { name: 'Sami', email: SUPERVISOR_EMAIL.toUpperCase() },
    };
    const copies = mailsOf(organizing);
    expect(copies.map((m) => m.to)).toEqual([['p@example.se'], ['anna@malmo.example']]);
    expect(copies[0]?.calendar?.attendees.map((a) => a.email)).toEqual([
      'p@example.se',
      'anna@malmo.example',
    ]);
  });

  it('gives a cancellation no link to answer, and the participant’s invitation and update one', () => {
    expect(sends[0]?.[0]?.text).toContain('/m/AbCdEfGhIjKlMnOpQrStUv');
    expect(sends[1]?.[0]?.text).toContain('/m/AbCdEfGhIjKlMnOpQrStUv');
    expect(sends[2]?.[0]?.text).not.toContain('/m/');
    for (const copies of sends) expect(copies[1]?.text).not.toContain('/m/');
  });
});

describe('the reminder the day before', () => {
  const sent: Meeting = { ...booked, invitationSentForSequence: 0 };
  const copies = meetingMails(c, UNIT, viewOf(sent), 'reminder', 'https://stegvis.example');

  it('goes to everyone in the meeting, without a calendar part (the event is already there)', () => {
    const mails = copies.map((x) => x.build('https://stegvis.example/m/AbCdEfGhIjKlMnOpQrStUv'));
    expect(mails.map((m) => m.to)).toEqual([['p@example.se'], [SUPERVISOR_EMAIL, 'anna@malmo.example']]);
    for (const m of mails) expect(m.calendar).toBeUndefined();
    expect(mails[0]?.text).toContain('/m/AbCdEfGhIjKlMnOpQrStUv');
    expect(copies.map((x) => x.needsLink)).toEqual([true, false]);
  });
});
