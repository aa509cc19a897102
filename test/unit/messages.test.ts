import { describe, expect, it } from 'vitest';
import type { CaseRecord, Meeting } from '#core/case';
import { escapeHtml, renderMail } from '#core/mail-render';
import { meetingViews } from '#core/meeting-view';
import {
  addressProblemNotice,
  afterClosingRequest,
  CLOCK_SUBJECT,
  CLOCK_TEXT,
  clockNotice,
  dayWord,
  type MailLang,
  meetingMails,
  newReferralNotice,
  placeFreedNotice,
  whenLong,
  whenShort,
} from '#core/messages';
import type { OutgoingMessage } from '#core/ports';
import { CLOCK_NAMES } from '#core/process/declaration';
import { COORDINATOR_EMAIL, caseIn, meeting, SUPERVISOR_EMAIL, UNIT } from '#test/support/use-case-world';

/**
 * The words of every mail, in Swedish and in English: plain language, one language a mail, the
 * subject saying what and when, the same words in the text and the HTML part.
 */
const BASE = 'https://stegvis.example';
const LINK = `${BASE}/m/AbCdEfGhIjKlMnOpQrStUv`;
/** Tuesday 2 March 2027, 10:00–11:00 in Stockholm (CET). */
const START = '2027-03-02T09:00:00.000Z';
const END = '2027-03-02T10:00:00.000Z';

const base = (lang: MailLang): CaseRecord => ({
  ...caseIn('training'),
  reference: 'SV-2027-0042',
  supervisor: { name: 'Sami', email: SUPERVISOR_EMAIL },
  participantLanguage: lang,
});
const followUp = (over: Partial<Meeting> = {}) =>
  meeting('followUp', Date.parse(START), { location: 'REMAKE, Drottninggatan 1', ...over });

function mailsFor(lang: MailLang, m: Meeting, kind: 'invitation' | 'reminder' = 'invitation') {
  const c = { ...base(lang), meetings: [m] };
  const view = meetingViews(c).find((x) => x.meetingId === m.meetingId);
  if (!view) throw new Error('no view');
  const [own, staff] = meetingMails(c, UNIT, view, kind, BASE).map((x) =>
    x.build(x.needsLink ? LINK : undefined),
  );
  if (!own || !staff) throw new Error('two copies expected');
  return { own, staff };
}

/** The text part's lines, without blank ones. */
const lines = (m: OutgoingMessage) => m.text.split('\n').filter(Boolean);
/** What a reader sees in the HTML part, in order. */
const htmlText = (m: OutgoingMessage) =>
  (m.html ?? '')
    .replace(/<title>.*?<\/title>/s, '')
    .replace(/<[^>]+>/g, '\n')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

describe('dates in mail', () => {
  it('name the weekday, day and month, and the clock the Swedish or the English way', () => {
    expect(whenLong(START, END, 'sv')).toBe('tisdag 2 mars 2027 kl. 10.00–11.00');
    expect(whenLong(START, END, 'en')).toBe('Tuesday 2 March 2027, 10:00–11:00');
    expect(whenShort(START, 'sv')).toBe('tisdag 2 mars kl. 10.00');
    expect(whenShort(START, 'en')).toBe('Tuesday 2 March at 10:00');
  });

  it('keep Stockholm time in summer (+02:00)', () => {
    expect(whenLong('2027-06-15T07:30:00.000Z', '2027-06-15T08:15:00.000Z', 'sv')).toBe(
      'tisdag 15 juni 2027 kl. 09.30–10.15',
    );
  });
});

describe('one mail, two parts', () => {
  const r = renderMail({
    lang: 'sv',
    subject: 'Test <ämne>',
    lead: ['Första stycket & mer.', 'Andra "stycket".'],
    facts: [['När', 'i dag']],
    action: { text: 'Svara här.', url: LINK, label: 'Svara' },
    after: ['Sist.'],
    footer: 'Liten text.',
  });

  it('says the same, in the same order, in the text and in the HTML part', () => {
    expect(r.text.split('\n').filter(Boolean)).toEqual([
      'Hej!',
      'Första stycket & mer.',
      'Andra "stycket".',
      'När: i dag',
      'Svara här.',
      LINK,
      'Sist.',
      'Liten text.',
    ]);
    const seen = htmlText({ to: [], subject: '', text: '', html: r.html });
    expect(seen).toEqual([
      'Hej!',
      'Första stycket & mer.',
      'Andra &quot;stycket&quot;.',
      'När',
      'i dag',
      'Svara här.',
      'Svara',
      LINK,
      'Sist.',
      'Liten text.',
    ]);
  });

  it('is an HTML document in the mail’s language, escaped, with the link as a real link', () => {
    expect(r.html).toMatch(/^<!doctype html>\n<html lang="sv">/);
    expect(r.html).toContain('<title>Test &lt;ämne&gt;</title>');
    expect(r.html).toContain(`<a href="${LINK}"`);
    expect(r.html).not.toContain('<script');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('writes only http(s) links', () => {
    expect(() =>
      renderMail({
        lang: 'en',
        subject: 's',
        lead: [],
        action: { text: 't', url: 'javascript:alert(1)', label: 'x' },
      }),
    ).toThrow('http(s)');
    expect(renderMail({ lang: 'en', subject: 's', lead: ['x'] }).text).toBe('Hello,\n\nx');
  });
});

describe('the participant’s meeting mails', () => {
  it('invite in Swedish: what, when, where, who else comes, the phone, the link to answer', () => {
    const { own } = mailsFor('sv', followUp());
    expect(own.subject).toBe('Uppföljningsmöte tisdag 2 mars kl. 10.00 på REMAKE');
    expect(lines(own)).toEqual([
      'Hej!',
      'Välkommen på uppföljningsmöte på REMAKE.',
      'Din handledare och din handläggare kommer också.',
      'När: tisdag 2 mars 2027 kl. 10.00–11.00',
      'Var: REMAKE, Drottninggatan 1',
      'Telefon: 040-00 00 00',
      'Kan du komma? Svara här. Du kan också be om en annan tid.',
      LINK,
      'Länken fungerar tills mötet börjar.',
      'Tiden finns också i kalenderinbjudan i mejlet.',
      'Har du frågor? Ring REMAKE på 040-00 00 00. Du kan också svara på det här mejlet.',
    ]);
    expect(htmlText(own)).toContain('Välkommen på uppföljningsmöte på REMAKE.');
    expect(own.html).toContain('lang="sv"');
    expect(own.calendar?.summary).toBe('Uppföljningsmöte – REMAKE');
    expect(own.calendar?.description).toBe('Telefon REMAKE: 040-00 00 00');
  });

  it('invite in English when the participant’s language is English', () => {
    const { own, staff } = mailsFor('en', followUp());
    expect(own.subject).toBe('Follow-up meeting on Tuesday 2 March at 10:00, REMAKE');
    expect(lines(own)).toEqual([
      'Hello,',
      'Welcome to a follow-up meeting at REMAKE.',
      'Your supervisor and your case officer will also be there.',
      'When: Tuesday 2 March 2027, 10:00–11:00',
      'Where: REMAKE, Drottninggatan 1',
      'Phone: 040-00 00 00',
      'Can you come? Answer here. You can also ask for another time.',
      LINK,
      'The link works until the meeting starts.',
      'The time is also in the calendar invitation in this e-mail.',
      'Any questions? Call REMAKE on 040-00 00 00. You can also reply to this e-mail.',
    ]);
    expect(own.html).toContain('lang="en"');
    expect(own.calendar?.summary).toBe('Follow-up meeting – REMAKE');
    // Staff read Swedish whatever the participant's language.
    expect(staff.subject).toBe('Uppföljningsmöte tisdag 2 mars kl. 10.00: SV-2027-0042');
  });

  it('say a moved meeting has a new time, and that the old one no longer holds', () => {
    const m = followUp({ sequence: 1, movedAt: START });
    const sv = mailsFor('sv', m).own;
    const en = mailsFor('en', m).own;
    expect(sv.subject).toBe('Ny tid: Uppföljningsmöte tisdag 2 mars kl. 10.00');
    expect(lines(sv).slice(1, 3)).toEqual([
      'Uppföljningsmötet på REMAKE har fått en ny tid. Den gamla tiden gäller inte längre.',
      'Din handledare och din handläggare kommer också.',
    ]);
    expect(sv.text).toContain('Den nya tiden finns i kalenderinbjudan i mejlet.');
    expect(en.subject).toBe('New time: Follow-up meeting Tuesday 2 March at 10:00');
    expect(lines(en)[1]).toBe(
      'The follow-up meeting at REMAKE has a new time. The old time no longer applies.',
    );
  });

  it('say a cancelled meeting will not take place, with the time it had, and nothing to answer', () => {
    const m = followUp({ sequence: 2, cancelledAt: START });
    const sv = mailsFor('sv', m).own;
    const en = mailsFor('en', m).own;
    expect(sv.subject).toBe('Inställt: Uppföljningsmöte tisdag 2 mars kl. 10.00');
    expect(lines(sv)).toEqual([
      'Hej!',
      'Uppföljningsmötet på REMAKE blir inte av. Det är inställt.',
      'Tiden var: tisdag 2 mars 2027 kl. 10.00–11.00',
      'Var: REMAKE, Drottninggatan 1',
      'Telefon: 040-00 00 00',
      'Du behöver inte göra något. Vi hör av oss om en ny tid.',
      'Har du frågor? Ring REMAKE på 040-00 00 00. Du kan också svara på det här mejlet.',
    ]);
    expect(en.subject).toBe('Cancelled: Follow-up meeting Tuesday 2 March at 10:00');
    expect(lines(en)[1]).toBe('The follow-up meeting at REMAKE will not take place. It is cancelled.');
    expect(lines(en)[2]).toBe('The time was: Tuesday 2 March 2027, 10:00–11:00');
    expect(en.text).not.toContain('/m/');
  });

  it('remind the day before, with the link', () => {
    const sv = mailsFor('sv', followUp(), 'reminder').own;
    const en = mailsFor('en', followUp(), 'reminder').own;
    expect(sv.subject).toBe('Påminnelse: Uppföljningsmöte i morgon, tisdag 2 mars kl. 10.00');
    expect(lines(sv).slice(1, 3)).toEqual([
      'Det här är en påminnelse. I morgon har du uppföljningsmöte på REMAKE.',
      'Din handledare och din handläggare kommer också.',
    ]);
    expect(sv.text).toContain(LINK);
    expect(en.subject).toBe('Reminder: Follow-up meeting tomorrow, Tuesday 2 March at 10:00');
    expect(lines(en)[1]).toBe('This is a reminder. Tomorrow you have a follow-up meeting at REMAKE.');
  });

  it('remind “today” when the reminder goes late on the day, and by date only when earlier than the day before', () => {
    const c = { ...base('sv'), meetings: [followUp()] };
    const view = meetingViews(c).find((m) => m.kind === 'followUp');
    if (!view) throw new Error('no view');
    const build = (lang: MailLang, now: number) => {
      const x = { ...c, participantLanguage: lang };
      return meetingMails(x, UNIT, view, 'reminder', BASE, undefined, now).map((m) => m.build(LINK));
    };
    const [svToday, staffToday] = build('sv', Date.parse(START) - 2 * 3_600_000);
    expect(svToday?.subject).toBe('Påminnelse: Uppföljningsmöte i dag, tisdag 2 mars kl. 10.00');
    expect(lines(svToday as OutgoingMessage)[1]).toBe(
      'Det här är en påminnelse. I dag har du uppföljningsmöte på REMAKE.',
    );
    expect(staffToday?.subject).toBe(
      'Påminnelse: Uppföljningsmöte i dag, tisdag 2 mars kl. 10.00: SV-2027-0042',
    );
    const [enEarly] = build('en', Date.parse(START) - 3 * 86_400_000);
    expect(enEarly?.subject).toBe('Reminder: Follow-up meeting Tuesday 2 March at 10:00');
    expect(lines(enEarly as OutgoingMessage)[1]).toBe(
      'This is a reminder of the follow-up meeting at REMAKE.',
    );
    expect(dayWord(START, Date.parse(START) - 86_400_000, 'en')).toBe('tomorrow');
    // Stockholm days, not UTC ones: 00:30 on 3 March in Stockholm is 23:30 UTC on 2 March.
    expect(dayWord('2027-03-02T23:30:00.000Z', Date.parse('2027-03-02T12:00:00.000Z'), 'sv')).toBe(
      'i morgon',
    );
  });

  it('say when the reminder already sent no longer holds, for a move and for a cancellation', () => {
    const moved = followUp({ sequence: 1, movedAt: START, reminderSentForSequence: 0 });
    const cancelled = followUp({ sequence: 1, cancelledAt: START, reminderSentForSequence: 0 });
    expect(mailsFor('sv', moved).own.text).toContain(
      'Du har fått en påminnelse om den gamla tiden. Den gäller inte heller.',
    );
    expect(mailsFor('en', moved).own.text).toContain(
      'You have had a reminder of the old time. It no longer applies either.',
    );
    expect(mailsFor('sv', cancelled).own.text).toContain(
      'Du har fått en påminnelse om mötet. Den gäller inte längre.',
    );
    expect(mailsFor('en', cancelled).own.text).toContain(
      'You have had a reminder of the meeting. It no longer applies.',
    );
    expect(mailsFor('sv', moved).staff.text).toContain('Påminnelsen om den gamla tiden gäller inte heller.');
    expect(mailsFor('sv', followUp({ sequence: 1, movedAt: START })).own.text).not.toContain('påminnelse');
  });

  it('name who else comes by the meeting’s attendees, and each kind by its name', () => {
    const startup = meeting('startup', Date.parse(START), { attendees: ['participant', 'supervisor'] });
    const { own } = mailsFor('sv', startup);
    expect(own.subject).toBe('Uppstartsmöte tisdag 2 mars kl. 10.00 på REMAKE');
    expect(lines(own)[2]).toBe('Din handledare kommer också.');
    const closing = mailsFor('en', meeting('closing', Date.parse(START))).own;
    expect(closing.subject).toBe('Closing meeting on Tuesday 2 March at 10:00, REMAKE');
    const c = { ...base('sv'), meetings: [], studyVisit: { ...followUp(), sequence: 0 } };
    const [visit] = meetingMails(c, UNIT, meetingViews(c)[0] as never, 'invitation', BASE).map((x) =>
      x.build(LINK),
    );
    expect(visit?.subject).toBe('Studiebesök tisdag 2 mars kl. 10.00 på REMAKE');
    expect(visit?.text.split('\n').filter(Boolean).slice(1, 3)).toEqual([
      'Välkommen på studiebesök på REMAKE.',
      'Din handläggare kommer också.',
    ]);
  });

  it('give no phone line when the unit has none, and say to reply instead', () => {
    const c = { ...base('sv'), meetings: [followUp()] };
    const [own] = meetingMails(
      c,
      { ...UNIT, phone: undefined },
      meetingViews(c).find((m) => m.kind === 'followUp') as never,
      'invitation',
      BASE,
    ).map((x) => x.build(LINK));
    expect(own?.text).not.toContain('Telefon');
    expect(own?.text).toContain('Har du frågor? Svara på det här mejlet.');
  });
});

describe('the staff copy of a meeting mail', () => {
  it('names the case, links to it, in Swedish', () => {
    const { staff } = mailsFor('en', followUp());
    expect(staff.to).toEqual([SUPERVISOR_EMAIL, 'anna@malmo.example']);
    expect(lines(staff)).toEqual([
      'Hej!',
      'Du är inbjuden till uppföljningsmöte på REMAKE.',
      'När: tisdag 2 mars 2027 kl. 10.00–11.00',
      'Var: REMAKE, Drottninggatan 1',
      'Öppna ärendet för att se mer. Du behöver logga in.',
      `${BASE}/cases/${staff.tags?.case}`,
      'Kalenderinbjudan finns i mejlet.',
      'Det gäller ärende SV-2027-0042.',
    ]);
    expect(staff.calendar?.description).toContain('SV-2027-0042');
    expect(mailsFor('sv', followUp({ sequence: 1, movedAt: START })).staff.subject).toBe(
      'Ny tid: Uppföljningsmöte tisdag 2 mars kl. 10.00: SV-2027-0042',
    );
    expect(mailsFor('sv', followUp({ sequence: 1, cancelledAt: START })).staff.subject).toBe(
      'Inställt: Uppföljningsmöte tisdag 2 mars kl. 10.00: SV-2027-0042',
    );
    expect(mailsFor('sv', followUp(), 'reminder').staff.subject).toBe(
      'Påminnelse: Uppföljningsmöte i morgon, tisdag 2 mars kl. 10.00: SV-2027-0042',
    );
  });

  it('goes only to the one person when an invitation is sent again after a corrected address', () => {
    const c = { ...base('sv'), meetings: [followUp()] };
    const view = meetingViews(c).find((m) => m.kind === 'followUp');
    if (!view) throw new Error('no view');
    // Of three in the meeting, only the one.
    expect(meetingMails(c, UNIT, view, 'invitation', BASE, 'supervisor').map((x) => [x.copy, x.to])).toEqual([
      ['staff', [SUPERVISOR_EMAIL]],
    ]);
    expect(meetingMails(c, UNIT, view, 'invitation', BASE, 'caseOfficer').map((x) => [x.copy, x.to])).toEqual(
      [['staff', ['anna@malmo.example']]],
    );
    expect(meetingMails(c, UNIT, view, 'invitation', BASE, 'participant').map((x) => [x.copy, x.to])).toEqual(
      [['participant', ['p@example.se']]],
    );
  });
});

describe('staff notices', () => {
  const c = base('sv');
  const to = [COORDINATOR_EMAIL];

  it('tell the coordinators about a new referral, in Swedish and English', () => {
    const sv = newReferralNotice(c, UNIT, to, BASE);
    expect(sv.subject).toBe('Ny anvisning till REMAKE: SV-2027-0042');
    expect(lines(sv).slice(0, 3)).toEqual([
      'Hej!',
      'En ny anvisning har kommit till REMAKE. Ta emot den eller avböj den.',
      'Det gäller ärende SV-2027-0042.',
    ]);
    expect(sv.text).toContain(`${BASE}/cases/${c.caseId}`);
    expect(sv.tags).toEqual({ case: c.caseId });
    const en = newReferralNotice(c, UNIT, to, BASE, 'en');
    expect(en.subject).toBe('New referral to REMAKE: SV-2027-0042');
    expect(lines(en)[1]).toBe('A new referral has come to REMAKE. Accept it or decline it.');
    expect(en.html).toContain('lang="en"');
  });

  it('tell the coordinators a place came free', () => {
    expect(placeFreedNotice(c, UNIT, to, BASE).subject).toBe(
      'Plats ledig på REMAKE: SV-2027-0042 går vidare',
    );
    expect(placeFreedNotice(c, UNIT, to, BASE, 'en').subject).toBe(
      'Place free at REMAKE: SV-2027-0042 moves on',
    );
  });

  it('remind in the words of each clock, and escalate as overdue, in both languages', () => {
    for (const clock of CLOCK_NAMES)
      for (const lang of ['sv', 'en'] as const) {
        const r = clockNotice(c, { clock, kind: 'reminder', period: 0, at: 0 }, to, BASE, lang);
        expect(r.subject).toBe(
          `${lang === 'sv' ? 'Påminnelse' : 'Reminder'}: ${CLOCK_SUBJECT[clock][lang]} – SV-2027-0042`,
        );
        expect(lines(r)[1]).toBe(CLOCK_TEXT[clock][lang]);
        const e = clockNotice(c, { clock, kind: 'escalation', period: 0, at: 0 }, to, BASE, lang);
        expect(e.subject).toBe(
          `${lang === 'sv' ? 'Försenat' : 'Overdue'}: ${CLOCK_SUBJECT[clock][lang]} – SV-2027-0042`,
        );
        expect(lines(e)[2]).toBe(
          lang === 'sv'
            ? 'Det här är försenat. Se till att någon gör det.'
            : 'This is overdue. Make sure someone does it.',
        );
      }
  });

  it('ask the case officer where the participant is now', () => {
    const sv = afterClosingRequest(c, 'afterClosingSixMonths', ['anna@malmo.example'], BASE);
    expect(sv.subject).toBe('Uppföljning efter avslut, sex månader: SV-2027-0042');
    expect(lines(sv)[1]).toBe('Det har gått sex månader sedan avslutet. Svara på var deltagaren är nu.');
    expect(afterClosingRequest(c, 'afterClosingFourWeeks', [], BASE, 'en').subject).toBe(
      'Follow-up after closing, four weeks: SV-2027-0042',
    );
  });

  it('ask the coordinators to check an address mail could not reach, naming the role only', () => {
    const sv = addressProblemNotice(c, 'participant', 'bounce', to, BASE);
    expect(sv.subject).toBe('Kontrollera e-postadressen: SV-2027-0042');
    expect(lines(sv).slice(1, 3)).toEqual([
      'E-post till deltagaren kom inte fram.',
      'Kontrollera e-postadressen på ärendet och rätta den. Då skickar vi inbjudningarna igen.',
    ]);
    expect(sv.text).not.toContain(c.participant.email);
    expect(lines(addressProblemNotice(c, 'caseOfficer', 'complaint', to, BASE))[1]).toBe(
      'Mottagaren har markerat e-post från oss som skräppost. Det gäller e-post till handläggaren.',
    );
    const en = addressProblemNotice(c, 'supervisor', 'bounce', to, BASE, 'en');
    expect(en.subject).toBe('Check the e-mail address: SV-2027-0042');
    expect(lines(en)[1]).toBe('E-mail to the supervisor did not arrive.');
  });

  it('carry an HTML part with the same words as the text', () => {
    for (const m of [
      newReferralNotice(c, UNIT, to, BASE),
      clockNotice(c, { clock: 'talk', kind: 'reminder', period: 0, at: 0 }, to, BASE),
      addressProblemNotice(c, 'participant', 'bounce', to, BASE, 'en'),
    ]) {
      const html = htmlText(m);
      for (const line of lines(m)) expect(html).toContain(line);
    }
  });
});
