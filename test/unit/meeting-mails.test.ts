import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildIcs } from '#adapters/ical';
import type { Meeting } from '#core/case';
import { meetingInvitation, withParticipantLink } from '#core/messages';
import type { OutgoingMessage } from '#core/ports';
import { caseIn, HOUR_MS, meeting, T0, UNIT } from '#test/support/use-case-world';

/**
 * A meeting's life in mail, as RFC 5546 (iTIP) describes it: booked (REQUEST, SEQUENCE 0), moved
 * (REQUEST of the same UID with a higher SEQUENCE: an update in place, §2.1.4), cancelled (CANCEL
 * of the same UID, SEQUENCE not lower, every attendee, STATUS:CANCELLED, §3.2.5); each read back
 * with ical.js. And the words of each mail in Swedish and English.
 */
const c = caseIn('training');
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
    attendees: ev.getAllProperties('attendee').map((p) => String(p.getFirstValue())),
    alarms: ev.getAllSubcomponents('valarm').length,
    timezones: vcal.getAllSubcomponents('vtimezone').length,
  };
}

describe('a meeting booked, moved and cancelled (RFC 5546)', () => {
  const mails = [booked, moved, cancelled].map((m) => meetingInvitation(c, UNIT, m));
  const cals = mails.map((m, i) => calendar(m, T0 + i * 60_000));

  it('updates one event in place: one UID, SEQUENCE 0, 1, then a CANCEL not lower', () => {
    expect(new Set(cals.map((x) => x.uid)).size).toBe(1);
    expect(cals.map((x) => [x.method, x.sequence, x.status])).toEqual([
      ['REQUEST', 0, 'CONFIRMED'],
      ['REQUEST', 1, 'CONFIRMED'],
      ['CANCEL', 2, 'CANCELLED'],
    ]);
    expect(new Set(cals.map((x) => x.stamp)).size).toBe(3); // a fresh DTSTAMP on every send
    expect(cals[1]?.start).toBe(Date.parse(moved.start));
    expect(cals[1]?.location).toBe('REMAKE, entrén');
  });

  it('cancels for every attendee, keeps its VTIMEZONE and carries no alarm', () => {
    expect(cals[2]?.attendees).toEqual(cals[0]?.attendees);
    expect(cals[2]?.attendees.length).toBe(3);
    expect(cals[2]?.timezones).toBe(1);
    expect(cals[2]?.alarms).toBe(0);
    expect(cals[0]?.alarms).toBe(1);
  });

  it('never invites the organizer, and a plain reply reaches them', () => {
    for (const m of mails) {
      expect(m.to.map((a) => a.toLowerCase())).not.toContain(booked.organizer.email.toLowerCase());
      expect(m.replyTo).toBe(booked.organizer.email);
    }
  });

  it('says what and when in the subject, in Swedish and English, and what happened in the text', () => {
    expect(mails[0]?.subject).toMatch(
      /^Uppföljningsmöte \d+ \w+\.? \d\d:\d\d \/ Follow-up meeting \d+ \w+,? \d\d:\d\d – REMAKE$/,
    );
    expect(mails[1]?.subject).toMatch(/^Ny tid: Uppföljningsmöte .* \/ New time: Follow-up meeting /);
    expect(mails[2]?.subject).toMatch(/^Inställt: Uppföljningsmöte .* \/ Cancelled: Follow-up meeting /);
    expect(mails[1]?.text).toContain('har fått en ny tid');
    expect(mails[1]?.text).toContain('has a new time');
    expect(mails[2]?.text).toContain('är inställt');
    expect(mails[2]?.text).toContain('is cancelled');
    expect(mails[2]?.text).toContain('Tiden var');
    for (const m of mails) {
      expect(m.text).toContain('Telefon / Phone: 040-00 00 00');
      expect(`${m.subject} ${m.text}`).not.toMatch(/198112189876|8112189876|P\b/);
    }
  });
});

describe("the participant's own copy", () => {
  const mail = meetingInvitation(c, UNIT, booked);
  const url = 'https://stegvis.example/m/AbCdEfGhIjKlMnOpQrStUv';
  const [own, others] = withParticipantLink(mail, c.participant.email, url);

  it('goes to the participant alone, with the link in both languages; the others get none', () => {
    expect(own?.to).toEqual([c.participant.email]);
    expect(own?.text).toContain(`Kommer du? Svara här, eller be om en annan tid:\n${url}`);
    expect(own?.text).toContain(`Are you coming? Answer here, or ask for another time:\n${url}`);
    expect(own?.calendar).toEqual(mail.calendar);
    expect(others?.to).not.toContain(c.participant.email);
    expect(others?.text).not.toContain('/m/');
  });

  it('leaves a mail without the participant as it is', () => {
    const staffOnly = { ...mail, to: ['sami@stadsmissionen.example'] };
    expect(withParticipantLink(staffOnly, c.participant.email, url)).toEqual([staffOnly]);
  });
});
