import type { Attendee, CaseRecord, MailRole } from './case.ts';
import { dateTimeFormat } from './clock.ts';
import { type MailDoc, type MailLang, renderMail } from './mail-render.ts';
import { type AnyMeetingKind, calendarUid, type MeetingView } from './meeting-view.ts';
import type { CalendarInvite, OutgoingMessage } from './ports.ts';
import type { DueNotice } from './process/clocks.ts';
import type { ClockName } from './process/declaration.ts';
import type { Unit } from './units.ts';

/**
 * Every e-mail the platform sends, in plain language (klarspråk), one language a mail: the
 * participant's (Swedish unless their language is English), Swedish for staff. Each has a
 * plain-text and an HTML part with the same words; the subject says what and when.
 *
 * Rule: no identity numbers, no health, capacity or adaptation details, no participant name in
 * any mail. A mail to a participant says nothing about the referral or the case either: it names
 * the meeting, the time, the place and the unit's phone. Staff mails name the case reference and
 * link to the signed-in case page.
 */
export type { MailLang } from './mail-render.ts';

/** The language of mail to staff. */
export const STAFF_LANG: MailLang = 'sv';

const TZ = 'Europe/Stockholm';
const LOCALE: Record<MailLang, string> = { sv: 'sv-SE', en: 'en-GB' };

function wall(iso: string, lang: MailLang) {
  const parts = dateTimeFormat(LOCALE[lang], {
    timeZone: TZ,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  // Swedish writes clock times with a full stop (10.00), English with a colon (10:00).
  const time = `${get('hour')}${lang === 'sv' ? '.' : ':'}${get('minute')}`;
  return { weekday: get('weekday'), day: get('day'), month: get('month'), year: get('year'), time };
}

/** "tisdag 2 mars 2027 kl. 10.00–11.00" / "Tuesday 2 March 2027, 10:00–11:00". */
export function whenLong(start: string, end: string, lang: MailLang): string {
  const s = wall(start, lang);
  const e = wall(end, lang);
  return lang === 'sv'
    ? `${s.weekday} ${s.day} ${s.month} ${s.year} kl. ${s.time}–${e.time}`
    : `${cap(s.weekday)} ${s.day} ${s.month} ${s.year}, ${s.time}–${e.time}`;
}

/** "tisdag 2 mars kl. 10.00" / "Tuesday 2 March at 10:00": for subjects. */
export function whenShort(start: string, lang: MailLang): string {
  const s = wall(start, lang);
  return lang === 'sv'
    ? `${s.weekday} ${s.day} ${s.month} kl. ${s.time}`
    : `${cap(s.weekday)} ${s.day} ${s.month} at ${s.time}`;
}

/** "i morgon" / "tomorrow" or "i dag" / "today" for a meeting seen from `now` (Stockholm days), else undefined. */
export function dayWord(start: string, now: number, lang: MailLang): string | undefined {
  const day = (ms: number) => dateTimeFormat('sv-SE', { timeZone: TZ }).format(new Date(ms));
  const d = day(Date.parse(start));
  if (d === day(now)) return lang === 'sv' ? 'i dag' : 'today';
  if (d === day(now + 86_400_000)) return lang === 'sv' ? 'i morgon' : 'tomorrow';
  return undefined;
}

const cap = (s: string) => (s ? `${s[0]?.toUpperCase()}${s.slice(1)}` : s);
const caseLink = (c: CaseRecord, baseUrl: string) => `${baseUrl}/cases/${c.caseId}`;
const unitNameOf = (c: CaseRecord, unit: Unit | undefined) => unit?.name ?? c.unitId;
const tags = (c: CaseRecord) => ({ case: c.caseId });

// ---------------------------------------------------------------------------------------------
// Staff mails: what is needed, the reference, the link to the case. Nothing else.

const STAFF = {
  sv: {
    openCase: 'Öppna ärendet för att se mer. Du behöver logga in.',
    openLabel: 'Öppna ärendet',
    footer: 'Det här mejlet skickas av Stegvis. Svara inte på det: skriv eller ring till den det gäller.',
    caseLine: (ref: string) => `Det gäller ärende ${ref}.`,
  },
  en: {
    openCase: 'Open the case to see more. You need to sign in.',
    openLabel: 'Open the case',
    footer: 'This e-mail is sent by Stegvis. Do not reply to it: write to or call the person concerned.',
    caseLine: (ref: string) => `It is about case ${ref}.`,
  },
} as const;

function staffMail(
  c: CaseRecord,
  to: string[],
  baseUrl: string,
  subject: string,
  lead: string[],
  lang: MailLang = STAFF_LANG,
): OutgoingMessage {
  const w = STAFF[lang];
  const r = renderMail({
    lang,
    subject,
    lead: [...lead, w.caseLine(c.reference)],
    action: { text: w.openCase, url: caseLink(c, baseUrl), label: w.openLabel },
    footer: w.footer,
  });
  return { to, subject: r.subject, text: r.text, html: r.html, tags: tags(c) };
}

export function newReferralNotice(
  c: CaseRecord,
  unit: Unit | undefined,
  to: string[],
  baseUrl: string,
  lang: MailLang = STAFF_LANG,
): OutgoingMessage {
  const u = unitNameOf(c, unit);
  return lang === 'sv'
    ? staffMail(
        c,
        to,
        baseUrl,
        `Ny anvisning till ${u}: ${c.reference}`,
        [`En ny anvisning har kommit till ${u}. Ta emot den eller avböj den.`],
        lang,
      )
    : staffMail(
        c,
        to,
        baseUrl,
        `New referral to ${u}: ${c.reference}`,
        [`A new referral has come to ${u}. Accept it or decline it.`],
        lang,
      );
}

export function placeFreedNotice(
  c: CaseRecord,
  unit: Unit,
  to: string[],
  baseUrl: string,
  lang: MailLang = STAFF_LANG,
): OutgoingMessage {
  return lang === 'sv'
    ? staffMail(
        c,
        to,
        baseUrl,
        `Plats ledig på ${unit.name}: ${c.reference} går vidare`,
        [
          `En plats på ${unit.name} har blivit ledig.`,
          'Ärendet går nu vidare från kön till studiebesök. Föreslå en tid för studiebesöket.',
        ],
        lang,
      )
    : staffMail(
        c,
        to,
        baseUrl,
        `Place free at ${unit.name}: ${c.reference} moves on`,
        [
          `A place at ${unit.name} has come free.`,
          'The case now moves on from the queue to the study visit. Propose a time for the study visit.',
        ],
        lang,
      );
}

/** What each clock asks for, as one sentence. */
export const CLOCK_TEXT: Record<ClockName, Record<MailLang, string>> = {
  intakeDecision: {
    sv: 'Anvisningen väntar på att tas emot eller avböjas.',
    en: 'The referral is waiting to be accepted or declined.',
  },
  studyVisitProposal: {
    sv: 'Ärendet väntar på att en tid för studiebesök föreslås.',
    en: 'The case is waiting for a study-visit time to be proposed.',
  },
  studyVisitOutcome: {
    sv: 'Studiebesöket har varit. Skriv in hur det gick.',
    en: 'The study visit has taken place. Record how it went.',
  },
  startupMeeting: {
    sv: 'Ärendet väntar på att en handledare utses och uppstartsmötet bokas.',
    en: 'The case is waiting for a supervisor to be assigned and the start-up meeting to be booked.',
  },
  individualPlan: {
    sv: 'Uppstartsmötet har varit. Skriv in den individuella planeringen.',
    en: 'The start-up meeting has taken place. Record the individual plan.',
  },
  talk: {
    sv: 'Det är dags för ett handledningssamtal. Håll samtalet och skriv in det.',
    en: 'A supervision talk is due. Hold the talk and record it.',
  },
  followUpRequested: {
    sv: 'Ett handledningssamtal visade sämre arbetsförmåga. Boka ett uppföljningsmöte.',
    en: 'A supervision talk showed a decline in work capacity. Book a follow-up meeting.',
  },
  followUp: {
    sv: 'Det är snart dags för uppföljningsmöte med handläggaren. Boka en tid.',
    en: 'A follow-up meeting with the case officer is due soon. Book a time.',
  },
  followUpRecord: {
    sv: 'Uppföljningsmötet har varit. Skriv in vad ni bestämde.',
    en: 'The follow-up meeting has taken place. Record what was decided.',
  },
  closingPlan: {
    sv: 'Den planerade perioden slutar om fyra veckor. Planera avslutningsmötet.',
    en: 'The planned period ends in four weeks. Plan the closing meeting.',
  },
  pauseCheckIn: {
    sv: 'Arbetsträningen är pausad. Hör efter hur behandlingen går.',
    en: 'The work training is paused. Check in on how the treatment is going.',
  },
  closingMeeting: {
    sv: 'Ärendet ska avslutas. Boka avslutningsmötet.',
    en: 'The case is closing. Book the closing meeting.',
  },
  closingRecord: {
    sv: 'Avslutningsmötet har varit. Skriv in sammanfattning och utfall.',
    en: 'The closing meeting has taken place. Record the summary and the outcome.',
  },
  afterClosingFourWeeks: {
    sv: 'Det har gått fyra veckor sedan avslutet. Svara på var deltagaren är nu.',
    en: 'Four weeks have passed since the end. Say where the participant is now.',
  },
  afterClosingSixMonths: {
    sv: 'Det har gått sex månader sedan avslutet. Svara på var deltagaren är nu.',
    en: 'Six months have passed since the end. Say where the participant is now.',
  },
  repair: {
    sv: 'Ett steg i ärendet gick inte att göra och behöver rättas.',
    en: 'A step of the case could not be done and needs correcting.',
  },
};

/** What each clock asks for, in a few words: the subject says what. */
export const CLOCK_SUBJECT: Record<ClockName, Record<MailLang, string>> = {
  intakeDecision: { sv: 'ta emot eller avböj anvisningen', en: 'accept or decline the referral' },
  studyVisitProposal: { sv: 'föreslå tid för studiebesök', en: 'propose a study-visit time' },
  studyVisitOutcome: { sv: 'skriv in hur studiebesöket gick', en: 'record how the study visit went' },
  startupMeeting: { sv: 'boka uppstartsmöte', en: 'book the start-up meeting' },
  individualPlan: { sv: 'skriv in den individuella planeringen', en: 'record the individual plan' },
  talk: { sv: 'håll handledningssamtal', en: 'hold a supervision talk' },
  followUpRequested: { sv: 'boka uppföljningsmöte', en: 'book a follow-up meeting' },
  followUp: { sv: 'boka uppföljningsmöte', en: 'book a follow-up meeting' },
  followUpRecord: { sv: 'skriv in uppföljningsmötet', en: 'record the follow-up meeting' },
  closingPlan: { sv: 'planera avslutningsmötet', en: 'plan the closing meeting' },
  pauseCheckIn: { sv: 'hör efter hur pausen går', en: 'check in on the pause' },
  closingMeeting: { sv: 'boka avslutningsmöte', en: 'book the closing meeting' },
  closingRecord: { sv: 'skriv in avslutningsmötet', en: 'record the closing meeting' },
  afterClosingFourWeeks: { sv: 'var är deltagaren nu?', en: 'where is the participant now?' },
  afterClosingSixMonths: { sv: 'var är deltagaren nu?', en: 'where is the participant now?' },
  repair: { sv: 'ett steg behöver rättas', en: 'a step needs correcting' },
};

/** A reminder (to whoever acts) or an escalation (to the coordinators) from a clock. */
export function clockNotice(
  c: CaseRecord,
  n: DueNotice,
  to: string[],
  baseUrl: string,
  lang: MailLang = STAFF_LANG,
): OutgoingMessage {
  const what = CLOCK_TEXT[n.clock][lang];
  const esc = n.kind === 'escalation';
  const tag = lang === 'sv' ? (esc ? 'Försenat' : 'Påminnelse') : esc ? 'Overdue' : 'Reminder';
  const lead = esc
    ? [
        what,
        lang === 'sv'
          ? 'Det här är försenat. Se till att någon gör det.'
          : 'This is overdue. Make sure someone does it.',
      ]
    : [what];
  return staffMail(c, to, baseUrl, `${tag}: ${CLOCK_SUBJECT[n.clock][lang]} – ${c.reference}`, lead, lang);
}

/** The case officer is asked where the participant is now (a form behind the link). */
export function afterClosingRequest(
  c: CaseRecord,
  clock: 'afterClosingFourWeeks' | 'afterClosingSixMonths',
  to: string[],
  baseUrl: string,
  lang: MailLang = STAFF_LANG,
): OutgoingMessage {
  const when =
    clock === 'afterClosingFourWeeks'
      ? { sv: 'fyra veckor', en: 'four weeks' }
      : { sv: 'sex månader', en: 'six months' };
  const subject =
    lang === 'sv'
      ? `Uppföljning efter avslut, ${when.sv}: ${c.reference}`
      : `Follow-up after closing, ${when.en}: ${c.reference}`;
  return staffMail(c, to, baseUrl, subject, [CLOCK_TEXT[clock][lang]], lang);
}

const ROLE_NAME: Record<MailRole, Record<MailLang, string>> = {
  participant: { sv: 'deltagaren', en: 'the participant' },
  caseOfficer: { sv: 'handläggaren', en: 'the case officer' },
  supervisor: { sv: 'handledaren', en: 'the supervisor' },
};

/** Mail to an address on the case bounced or was marked as spam: the coordinators check it. */
export function addressProblemNotice(
  c: CaseRecord,
  who: MailRole,
  kind: 'bounce' | 'complaint',
  to: string[],
  baseUrl: string,
  lang: MailLang = STAFF_LANG,
): OutgoingMessage {
  const role = ROLE_NAME[who][lang];
  return lang === 'sv'
    ? staffMail(
        c,
        to,
        baseUrl,
        `Kontrollera e-postadressen: ${c.reference}`,
        [
          kind === 'bounce'
            ? `E-post till ${role} kom inte fram.`
            : `Mottagaren har markerat e-post från oss som skräppost. Det gäller e-post till ${role}.`,
          'Kontrollera e-postadressen på ärendet och rätta den. Då skickar vi inbjudningarna igen.',
        ],
        lang,
      )
    : staffMail(
        c,
        to,
        baseUrl,
        `Check the e-mail address: ${c.reference}`,
        [
          kind === 'bounce'
            ? `E-mail to ${role} did not arrive.`
            : `The recipient marked e-mail from us as spam. It is about e-mail to ${role}.`,
          'Check the e-mail address on the case and correct it. We then send the invitations again.',
        ],
        lang,
      );
}

// ---------------------------------------------------------------------------------------------
// Meeting mails: the invitation of each SEQUENCE (a REQUEST, updated in place when moved, or a
// CANCEL), and the reminder the day before. The participant gets their own copy, in their
// language, with their link; staff get one copy, in Swedish, with the case.

const MEETING_NAME: Record<AnyMeetingKind, Record<MailLang, { name: string; the: string }>> = {
  studyVisit: {
    sv: { name: 'Studiebesök', the: 'studiebesöket' },
    en: { name: 'Study visit', the: 'the study visit' },
  },
  startup: {
    sv: { name: 'Uppstartsmöte', the: 'uppstartsmötet' },
    en: { name: 'Start-up meeting', the: 'the start-up meeting' },
  },
  followUp: {
    sv: { name: 'Uppföljningsmöte', the: 'uppföljningsmötet' },
    en: { name: 'Follow-up meeting', the: 'the follow-up meeting' },
  },
  closing: {
    sv: { name: 'Avslutningsmöte', the: 'avslutningsmötet' },
    en: { name: 'Closing meeting', the: 'the closing meeting' },
  },
};

/** Who else comes, as the participant reads it. */
function alsoComing(attendees: readonly Attendee[], lang: MailLang): string | undefined {
  const sup = attendees.includes('supervisor');
  const off = attendees.includes('caseOfficer');
  if (lang === 'sv') {
    if (sup && off) return 'Din handledare och din handläggare kommer också.';
    if (sup) return 'Din handledare kommer också.';
    if (off) return 'Din handläggare kommer också.';
    return undefined;
  }
  if (sup && off) return 'Your supervisor and your case officer will also be there.';
  if (sup) return 'Your supervisor will also be there.';
  if (off) return 'Your case officer will also be there.';
  return undefined;
}

export interface AttendeeAddress {
  email: string;
  name?: string;
  role: Attendee;
}

export function attendeeAddresses(c: CaseRecord, m: Pick<MeetingView, 'attendees'>): AttendeeAddress[] {
  const of = (a: Attendee): AttendeeAddress | undefined =>
    a === 'participant'
      ? { email: c.participant.email, role: a }
      : a === 'supervisor'
        ? c.supervisor
          ? { email: c.supervisor.email, name: c.supervisor.name, role: a }
          : undefined
        : { email: c.caseOfficer.email, name: c.caseOfficer.name, role: a };
  return m.attendees.map(of).filter((x): x is AttendeeAddress => !!x);
}

/** One copy of a meeting mail: who it goes to and its message (the participant's with their link). */
export interface MailCopy {
  copy: 'participant' | 'staff';
  to: string[];
  /** Whether the copy carries the participant's own link (the build needs its URL). */
  needsLink: boolean;
  build(link?: string): OutgoingMessage;
}

export type MeetingMailKind = 'invitation' | 'reminder';

interface Words {
  subject: string;
  lead: string[];
  after: string[];
}

function participantWords(
  m: MeetingView,
  unitName: string,
  phone: string | undefined,
  kind: MeetingMailKind,
  lang: MailLang,
  now: number,
): Words {
  const n = MEETING_NAME[m.kind][lang];
  const when = whenShort(m.start, lang);
  const rel = dayWord(m.start, now, lang);
  const coming = alsoComing(m.attendees, lang);
  const staleReminder = m.reminderSentForSequence !== undefined && m.reminderSentForSequence < m.sequence;
  const call = phone
    ? lang === 'sv'
      ? `Har du frågor? Ring ${unitName} på ${phone}. Du kan också svara på det här mejlet.`
      : `Any questions? Call ${unitName} on ${phone}. You can also reply to this e-mail.`
    : lang === 'sv'
      ? 'Har du frågor? Svara på det här mejlet.'
      : 'Any questions? Reply to this e-mail.';
  if (lang === 'sv') {
    if (kind === 'reminder')
      return {
        subject: `Påminnelse: ${n.name} ${rel ? `${rel}, ` : ''}${when}`,
        lead: [
          rel
            ? `Det här är en påminnelse. ${cap(rel)} har du ${n.name.toLowerCase()} på ${unitName}.`
            : `Det här är en påminnelse om ${n.the} på ${unitName}.`,
          ...(coming ? [coming] : []),
        ],
        after: [call],
      };
    if (m.cancelled)
      return {
        subject: `Inställt: ${n.name} ${when}`,
        lead: [
          `${cap(n.the)} på ${unitName} blir inte av. Det är inställt.`,
          ...(staleReminder ? ['Du har fått en påminnelse om mötet. Den gäller inte längre.'] : []),
        ],
        after: ['Du behöver inte göra något. Vi hör av oss om en ny tid.', call],
      };
    if (m.moved)
      return {
        subject: `Ny tid: ${n.name} ${when}`,
        lead: [
          `${cap(n.the)} på ${unitName} har fått en ny tid. Den gamla tiden gäller inte längre.`,
          ...(staleReminder ? ['Du har fått en påminnelse om den gamla tiden. Den gäller inte heller.'] : []),
          ...(coming ? [coming] : []),
        ],
        after: ['Den nya tiden finns i kalenderinbjudan i mejlet.', call],
      };
    return {
      subject: `${n.name} ${when} på ${unitName}`,
      lead: [`Välkommen på ${n.name.toLowerCase()} på ${unitName}.`, ...(coming ? [coming] : [])],
      after: ['Tiden finns också i kalenderinbjudan i mejlet.', call],
    };
  }
  if (kind === 'reminder')
    return {
      subject: `Reminder: ${n.name} ${rel ? `${rel}, ` : ''}${when}`,
      lead: [
        rel
          ? `This is a reminder. ${cap(rel)} you have ${n.the.replace(/^the /, 'a ')} at ${unitName}.`
          : `This is a reminder of ${n.the} at ${unitName}.`,
        ...(coming ? [coming] : []),
      ],
      after: [call],
    };
  if (m.cancelled)
    return {
      subject: `Cancelled: ${n.name} ${when}`,
      lead: [
        `${cap(n.the)} at ${unitName} will not take place. It is cancelled.`,
        ...(staleReminder ? ['You have had a reminder of the meeting. It no longer applies.'] : []),
      ],
      after: ['You do not need to do anything. We will contact you about a new time.', call],
    };
  if (m.moved)
    return {
      subject: `New time: ${n.name} ${when}`,
      lead: [
        `${cap(n.the)} at ${unitName} has a new time. The old time no longer applies.`,
        ...(staleReminder ? ['You have had a reminder of the old time. It no longer applies either.'] : []),
        ...(coming ? [coming] : []),
      ],
      after: ['The new time is in the calendar invitation in this e-mail.', call],
    };
  return {
    subject: `${n.name} on ${when}, ${unitName}`,
    lead: [`Welcome to ${n.the.replace(/^the /, 'a ')} at ${unitName}.`, ...(coming ? [coming] : [])],
    after: ['The time is also in the calendar invitation in this e-mail.', call],
  };
}

function staffWords(
  c: CaseRecord,
  m: MeetingView,
  unitName: string,
  kind: MeetingMailKind,
  lang: MailLang,
  now: number,
): Words {
  const n = MEETING_NAME[m.kind][lang];
  const when = whenShort(m.start, lang);
  const rel = dayWord(m.start, now, lang);
  const ref = c.reference;
  const staleReminder = m.reminderSentForSequence !== undefined && m.reminderSentForSequence < m.sequence;
  if (lang === 'sv') {
    if (kind === 'reminder')
      return {
        subject: `Påminnelse: ${n.name} ${rel ? `${rel}, ` : ''}${when}: ${ref}`,
        lead: [
          rel
            ? `Det här är en påminnelse. ${cap(rel)} är det ${n.the} på ${unitName}.`
            : `Det här är en påminnelse om ${n.the} på ${unitName}.`,
        ],
        after: [],
      };
    if (m.cancelled)
      return {
        subject: `Inställt: ${n.name} ${when}: ${ref}`,
        lead: [
          `${cap(n.the)} på ${unitName} är inställt.`,
          ...(staleReminder ? ['Påminnelsen om mötet gäller inte längre.'] : []),
        ],
        after: ['Mötet tas bort ur kalendern.'],
      };
    if (m.moved)
      return {
        subject: `Ny tid: ${n.name} ${when}: ${ref}`,
        lead: [
          `${cap(n.the)} på ${unitName} har fått en ny tid. Den gamla tiden gäller inte längre.`,
          ...(staleReminder ? ['Påminnelsen om den gamla tiden gäller inte heller.'] : []),
        ],
        after: ['Kalenderinbjudan i mejlet ersätter den gamla.'],
      };
    return {
      subject: `${n.name} ${when}: ${ref}`,
      lead: [`Du är inbjuden till ${n.name.toLowerCase()} på ${unitName}.`],
      after: ['Kalenderinbjudan finns i mejlet.'],
    };
  }
  if (kind === 'reminder')
    return {
      subject: `Reminder: ${n.name} ${rel ? `${rel}, ` : ''}${when}: ${ref}`,
      lead: [
        rel
          ? `This is a reminder. ${cap(rel)} is ${n.the} at ${unitName}.`
          : `This is a reminder of ${n.the} at ${unitName}.`,
      ],
      after: [],
    };
  if (m.cancelled)
    return {
      subject: `Cancelled: ${n.name} ${when}: ${ref}`,
      lead: [
        `${cap(n.the)} at ${unitName} is cancelled.`,
        ...(staleReminder ? ['The reminder of the meeting no longer applies.'] : []),
      ],
      after: ['The meeting is removed from the calendar.'],
    };
  if (m.moved)
    return {
      subject: `New time: ${n.name} ${when}: ${ref}`,
      lead: [
        `${cap(n.the)} at ${unitName} has a new time. The old time no longer applies.`,
        ...(staleReminder ? ['The reminder of the old time no longer applies either.'] : []),
      ],
      after: ['The calendar invitation in this e-mail replaces the old one.'],
    };
  return {
    subject: `${n.name} ${when}: ${ref}`,
    lead: [`You are invited to ${n.the.replace(/^the /, 'a ')} at ${unitName}.`],
    after: ['The calendar invitation is in this e-mail.'],
  };
}

const FACTS: Record<MailLang, { when: string; whenWas: string; where: string; phone: string }> = {
  sv: { when: 'När', whenWas: 'Tiden var', where: 'Var', phone: 'Telefon' },
  en: { when: 'When', whenWas: 'The time was', where: 'Where', phone: 'Phone' },
};

const LINK: Record<MailLang, { text: string; label: string; note: string }> = {
  sv: {
    text: 'Kan du komma? Svara här. Du kan också be om en annan tid.',
    label: 'Svara på inbjudan',
    note: 'Länken fungerar tills mötet börjar.',
  },
  en: {
    text: 'Can you come? Answer here. You can also ask for another time.',
    label: 'Answer the invitation',
    note: 'The link works until the meeting starts.',
  },
};

/**
 * The mails of one meeting: to everyone in it but its organizer (a REQUEST never goes to the
 * ORGANIZER), the participant's own copy apart. `kind` is the invitation of the current SEQUENCE
 * (booked, moved or cancelled, with its calendar part) or the reminder the day before (no
 * calendar part: the event is already in the calendar).
 */
export function meetingMails(
  c: CaseRecord,
  unit: Unit | undefined,
  m: MeetingView,
  kind: MeetingMailKind,
  baseUrl: string,
  /** Only this person's copy (an invitation sent again after their address was corrected). */
  only?: Attendee,
  /** When the mail goes out (a reminder says "tomorrow" or "today" from it); the day before by default. */
  now: number = Date.parse(m.start) - 86_400_000,
): MailCopy[] {
  const unitName = unitNameOf(c, unit);
  const organizer = m.organizer.email.toLowerCase();
  const attendees = attendeeAddresses(c, m).filter((a) => a.email.toLowerCase() !== organizer);
  const wanted = (a: AttendeeAddress) => !only || a.role === only;
  const participant = attendees.filter((a) => a.role === 'participant' && wanted(a));
  const staff = attendees.filter(
    (a) =>
      a.role !== 'participant' && a.email.toLowerCase() !== c.participant.email.toLowerCase() && wanted(a),
  );
  const plang: MailLang = c.participantLanguage === 'en' ? 'en' : 'sv';

  const calendar = (lang: MailLang, description: string): CalendarInvite | undefined =>
    kind === 'reminder'
      ? undefined
      : {
          uid: calendarUid(c, m.meetingId),
          sequence: m.sequence,
          method: m.cancelled ? 'CANCEL' : 'REQUEST',
          start: new Date(m.start),
          end: new Date(m.end),
          summary: `${MEETING_NAME[m.kind][lang].name} – ${unitName}`,
          description,
          location: m.location,
          organizer: m.organizer,
          attendees: attendees.map(({ email, name }) => ({
            email,
            ...(name ? { name } : {}),
            role: 'REQ-PARTICIPANT' as const,
          })),
        };

  const facts = (lang: MailLang, withPhone: boolean): [string, string][] => {
    const f = FACTS[lang];
    return [
      [m.cancelled ? f.whenWas : f.when, whenLong(m.start, m.end, lang)],
      [f.where, `${m.location}`],
      ...(withPhone && unit?.phone ? [[f.phone, unit.phone] as [string, string]] : []),
    ];
  };

  const copies: MailCopy[] = [];
  if (participant.length) {
    const lang = plang;
    const w = participantWords(m, unitName, unit?.phone, kind, lang, now);
    const answerable = !m.cancelled;
    copies.push({
      copy: 'participant',
      to: participant.map((a) => a.email),
      needsLink: answerable,
      build: (link) => {
        const doc: MailDoc = {
          lang,
          subject: w.subject,
          lead: w.lead,
          facts: facts(lang, true),
          ...(answerable && link
            ? { action: { text: LINK[lang].text, url: link, label: LINK[lang].label } }
            : {}),
          after: [...(answerable && link ? [LINK[lang].note] : []), ...w.after],
        };
        const r = renderMail(doc);
        const phoneLine = unit?.phone ? `${FACTS[lang].phone} ${unitName}: ${unit.phone}` : unitName;
        const cal = calendar(lang, phoneLine);
        return {
          to: participant.map((a) => a.email),
          replyTo: m.organizer.email,
          subject: r.subject,
          text: r.text,
          html: r.html,
          ...(cal ? { calendar: cal } : {}),
          tags: tags(c),
        };
      },
    });
  }
  if (staff.length) {
    const lang = STAFF_LANG;
    const w = staffWords(c, m, unitName, kind, lang, now);
    copies.push({
      copy: 'staff',
      to: staff.map((a) => a.email),
      needsLink: false,
      build: () => {
        const s = STAFF[lang];
        const r = renderMail({
          lang,
          subject: w.subject,
          lead: w.lead,
          facts: facts(lang, false),
          action: { text: s.openCase, url: caseLink(c, baseUrl), label: s.openLabel },
          after: w.after,
          footer: s.caseLine(c.reference),
        });
        const cal = calendar(lang, `${s.caseLine(c.reference)} ${caseLink(c, baseUrl)}`);
        return {
          to: staff.map((a) => a.email),
          replyTo: m.organizer.email,
          subject: r.subject,
          text: r.text,
          html: r.html,
          ...(cal ? { calendar: cal } : {}),
          tags: tags(c),
        };
      },
    });
  }
  return copies;
}
