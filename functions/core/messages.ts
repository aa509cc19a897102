import type { Attendee, CaseRecord, Meeting, MeetingKind } from './case.ts';
import type { CalendarInvite, OutgoingMessage } from './ports.ts';
import type { DueNotice } from './process/clocks.ts';
import type { ClockName } from './process/declaration.ts';
import type { Unit } from './units.ts';

/**
 * E-mail texts. Rule: no identity numbers, no health or adaptation details, no participant name
 * in any mail; staff mails name the case reference and link to the signed-in case page.
 */
const fmt = (iso: string, locale: 'sv-SE' | 'en-GB') =>
  new Intl.DateTimeFormat(locale, {
    timeZone: 'Europe/Stockholm',
    dateStyle: 'full',
    timeStyle: 'short',
  }).format(new Date(iso));

const timeOnly = (iso: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', timeStyle: 'short' }).format(
    new Date(iso),
  );

export function studyVisitInvitation(
  c: CaseRecord,
  unit: Unit | undefined,
  organizer: { email: string; name: string },
): OutgoingMessage[] {
  const v = c.studyVisit;
  if (!v) throw new Error('No study visit proposed');
  const unitName = unit?.name ?? c.unitId;
  const when = `${fmt(v.start, 'sv-SE')}–${timeOnly(v.end)}`;
  const whenEn = `${fmt(v.start, 'en-GB')}–${timeOnly(v.end)}`;
  const calendar: CalendarInvite = {
    uid: `${c.caseId}-study-visit@stegvis`,
    sequence: v.sequence,
    method: 'REQUEST',
    start: new Date(v.start),
    end: new Date(v.end),
    summary: `Studiebesök / Study visit – ${unitName}`,
    description: `Studiebesök på ${unitName}. Ärende ${c.reference}.\nStudy visit at ${unitName}. Case ${c.reference}.`,
    location: v.location,
    organizer,
    attendees: [
      { email: c.participant.email, role: 'REQ-PARTICIPANT' },
      { email: c.caseOfficer.email, name: c.caseOfficer.name, role: 'REQ-PARTICIPANT' },
    ],
  };
  const text = [
    `Välkommen på studiebesök hos ${unitName}!`,
    '',
    `Tid: ${when}`,
    `Plats: ${v.location}`,
    '',
    'Kalenderinbjudan finns bifogad. Hör av dig till din handläggare om tiden inte passar.',
    '',
    '---',
    `Welcome to a study visit at ${unitName}!`,
    '',
    `Time: ${whenEn}`,
    `Place: ${v.location}`,
    '',
    'The calendar invitation is attached. Contact your case officer if the time does not suit you.',
  ].join('\n');
  return [
    {
      to: [c.participant.email, c.caseOfficer.email],
      replyTo: organizer.email,
      subject: `Inbjudan till studiebesök / Invitation to a study visit – ${unitName}`,
      text,
      calendar,
    },
  ];
}

const caseLink = (c: CaseRecord, baseUrl: string) => `${baseUrl}/cases/${c.caseId}`;

/** A staff mail: the reference, what is needed, a link to the signed-in case page. Nothing else. */
function staffMail(
  c: CaseRecord,
  to: string[],
  baseUrl: string,
  subject: { sv: string; en: string },
  what: { sv: string; en: string },
): OutgoingMessage {
  const link = caseLink(c, baseUrl);
  return {
    to,
    subject: `${subject.sv} / ${subject.en}: ${c.reference}`,
    text: [
      `Ärende ${c.reference}: ${what.sv}`,
      `Öppna ärendet (inloggning krävs): ${link}`,
      '',
      '---',
      `Case ${c.reference}: ${what.en}`,
      `Open the case (sign-in required): ${link}`,
    ].join('\n'),
  };
}

export function newReferralNotice(c: CaseRecord, to: string[], baseUrl: string): OutgoingMessage {
  return staffMail(
    c,
    to,
    baseUrl,
    { sv: 'Ny anvisning', en: 'New referral' },
    {
      sv: 'en ny anvisning väntar på att tas emot eller avböjas.',
      en: 'a new referral is waiting to be accepted or declined.',
    },
  );
}

export function placeFreedNotice(c: CaseRecord, unit: Unit, to: string[], baseUrl: string): OutgoingMessage {
  return staffMail(
    c,
    to,
    baseUrl,
    { sv: 'Plats ledig', en: 'Place free' },
    {
      sv: `en plats på ${unit.name} har blivit ledig och ärendet går vidare från kön till studiebesök.`,
      en: `a place at ${unit.name} has come free and the case moves on from the queue to the study visit.`,
    },
  );
}

const CLOCK_TEXT: Record<ClockName, { sv: string; en: string }> = {
  intakeDecision: {
    sv: 'anvisningen väntar på att tas emot eller avböjas.',
    en: 'the referral is waiting to be accepted or declined.',
  },
  studyVisitProposal: {
    sv: 'väntar på att en tid för studiebesök föreslås.',
    en: 'is waiting for a study-visit time to be proposed.',
  },
  studyVisitOutcome: {
    sv: 'väntar på att utfallet av studiebesöket registreras.',
    en: 'is waiting for the outcome of the study visit to be recorded.',
  },
  startupMeeting: {
    sv: 'väntar på att en handledare utses och uppstartsmötet bokas.',
    en: 'is waiting for a supervisor to be assigned and the start-up meeting to be booked.',
  },
  individualPlan: {
    sv: 'väntar på att den individuella planeringen från uppstartsmötet registreras.',
    en: 'is waiting for the individual plan from the start-up meeting to be recorded.',
  },
  talk: {
    sv: 'ett handledningssamtal ska hållas och registreras.',
    en: 'a supervision talk is due and should be recorded.',
  },
  followUpRequested: {
    sv: 'ett handledningssamtal visade sämre arbetsförmåga: boka ett uppföljningsmöte.',
    en: 'a supervision talk showed a decline in work capacity: book a follow-up meeting.',
  },
  followUp: {
    sv: 'det är snart dags för uppföljningsmöte med handläggaren: boka en tid.',
    en: 'a follow-up meeting with the case officer is due soon: book a time.',
  },
  followUpRecord: {
    sv: 'uppföljningsmötet har hållits: registrera vad som beslutades.',
    en: 'the follow-up meeting has taken place: record what was decided.',
  },
  closingPlan: {
    sv: 'den planerade perioden slutar om fyra veckor: planera avslutningsmötet.',
    en: 'the planned period ends in four weeks: plan the closing meeting.',
  },
  pauseCheckIn: {
    sv: 'arbetsträningen är pausad: stäm av hur behandlingen går.',
    en: 'the work training is paused: check in on how the treatment is going.',
  },
  closingMeeting: {
    sv: 'ärendet ska avslutas: boka avslutningsmötet.',
    en: 'the case is closing: book the closing meeting.',
  },
  closingRecord: {
    sv: 'avslutningsmötet har hållits: registrera sammanfattning och utfall.',
    en: 'the closing meeting has taken place: record the summary and outcome.',
  },
  afterClosingFourWeeks: {
    sv: 'fyra veckor efter avslut: ange var deltagaren är nu.',
    en: 'four weeks after the end: say where the participant is now.',
  },
  afterClosingSixMonths: {
    sv: 'sex månader efter avslut: ange var deltagaren är nu.',
    en: 'six months after the end: say where the participant is now.',
  },
  repair: {
    sv: 'ett steg i arbetsflödet misslyckades och behöver rättas.',
    en: 'a workflow step failed and needs correcting.',
  },
};

/** A reminder (to whoever acts) or an escalation (to the coordinators) from a clock. */
export function clockNotice(c: CaseRecord, n: DueNotice, to: string[], baseUrl: string): OutgoingMessage {
  const t = CLOCK_TEXT[n.clock];
  const subject =
    n.kind === 'escalation' ? { sv: 'Försenat', en: 'Overdue' } : { sv: 'Påminnelse', en: 'Reminder' };
  return staffMail(c, to, baseUrl, subject, t);
}

/** The case officer is asked where the participant is now (a form behind the link). */
export function afterClosingRequest(
  c: CaseRecord,
  clock: 'afterClosingFourWeeks' | 'afterClosingSixMonths',
  to: string[],
  baseUrl: string,
): OutgoingMessage {
  return staffMail(
    c,
    to,
    baseUrl,
    { sv: 'Uppföljning efter avslut', en: 'Follow-up after closing' },
    CLOCK_TEXT[clock],
  );
}

const MEETING_NAME: Record<MeetingKind, { sv: string; en: string }> = {
  startup: { sv: 'Uppstartsmöte', en: 'Start-up meeting' },
  followUp: { sv: 'Uppföljningsmöte', en: 'Follow-up meeting' },
  closing: { sv: 'Avslutningsmöte', en: 'Closing meeting' },
};

export function attendeeAddresses(c: CaseRecord, m: Pick<Meeting, 'attendees'>) {
  const of = (a: Attendee) =>
    a === 'participant'
      ? { email: c.participant.email }
      : a === 'supervisor'
        ? c.supervisor
          ? { email: c.supervisor.email, name: c.supervisor.name }
          : undefined
        : { email: c.caseOfficer.email, name: c.caseOfficer.name };
  return m.attendees.map(of).filter((x): x is { email: string; name?: string } => !!x);
}

const shortWhen = (iso: string, locale: 'sv-SE' | 'en-GB') =>
  new Intl.DateTimeFormat(locale, {
    timeZone: 'Europe/Stockholm',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));

/**
 * The mail of a meeting's current SEQUENCE to everyone in it except the organizer: a calendar
 * REQUEST when it is booked or moved (same UID, higher SEQUENCE: calendars update the event in
 * place), a CANCEL when it is cancelled. The subject says what and when.
 */
export function meetingInvitation(c: CaseRecord, unit: Unit | undefined, m: Meeting): OutgoingMessage {
  const unitName = unit?.name ?? c.unitId;
  const name = MEETING_NAME[m.kind];
  const cancelled = !!m.cancelledAt;
  const moved = !cancelled && !!m.movedAt;
  const when = `${fmt(m.start, 'sv-SE')}–${timeOnly(m.end)}`;
  const whenEn = `${fmt(m.start, 'en-GB')}–${timeOnly(m.end)}`;
  const attendees = attendeeAddresses(c, m).filter(
    (a) => a.email.toLowerCase() !== m.organizer.email.toLowerCase(),
  );
  const phone = unit?.phone ? [`Telefon / Phone: ${unit.phone}`] : [];
  const calendar: CalendarInvite = {
    uid: `${c.caseId}-${m.meetingId}@stegvis`,
    sequence: m.sequence,
    method: cancelled ? 'CANCEL' : 'REQUEST',
    start: new Date(m.start),
    end: new Date(m.end),
    summary: `${name.sv} / ${name.en} – ${unitName}`,
    description: `${name.sv} på ${unitName}. Ärende ${c.reference}.\n${name.en} at ${unitName}. Case ${c.reference}.`,
    location: m.location,
    organizer: m.organizer,
    attendees: attendees.map((a) => ({ ...a, role: 'REQ-PARTICIPANT' as const })),
  };
  const lead = cancelled
    ? {
        sv: `${name.sv} på ${unitName} är inställt.`,
        en: `The ${name.en.toLowerCase()} at ${unitName} is cancelled.`,
      }
    : moved
      ? {
          sv: `${name.sv} på ${unitName} har fått en ny tid.`,
          en: `The ${name.en.toLowerCase()} at ${unitName} has a new time.`,
        }
      : { sv: `${name.sv} på ${unitName}.`, en: `${name.en} at ${unitName}.` };
  const after = cancelled
    ? {
        sv: 'Mötet tas bort ur din kalender. Du behöver inte göra något mer.',
        en: 'The meeting is removed from your calendar. You do not need to do anything else.',
      }
    : moved
      ? {
          sv: 'Kalenderinbjudan är bifogad och ersätter den gamla tiden.',
          en: 'The calendar invitation is attached and replaces the old time.',
        }
      : { sv: 'Kalenderinbjudan finns bifogad.', en: 'The calendar invitation is attached.' };
  const text = [
    lead.sv,
    '',
    `${cancelled ? 'Tiden var' : 'Tid'}: ${when}`,
    `Plats: ${m.location}`,
    ...phone,
    '',
    after.sv,
    '',
    '---',
    lead.en,
    '',
    `${cancelled ? 'The time was' : 'Time'}: ${whenEn}`,
    `Place: ${m.location}`,
    '',
    after.en,
  ].join('\n');
  const tag = cancelled
    ? { sv: 'Inställt: ', en: 'Cancelled: ' }
    : moved
      ? { sv: 'Ny tid: ', en: 'New time: ' }
      : { sv: '', en: '' };
  return {
    to: attendees.map((a) => a.email),
    replyTo: m.organizer.email,
    subject: `${tag.sv}${name.sv} ${shortWhen(m.start, 'sv-SE')} / ${tag.en}${name.en} ${shortWhen(m.start, 'en-GB')} – ${unitName}`,
    text,
    calendar,
  };
}

/**
 * Gives the participant their own copy of a meeting mail, with their link to answer (the link is
 * theirs alone: it never goes to staff), and the others the mail as it was. A cancellation has
 * nothing to answer and is not split.
 */
export function withParticipantLink(
  mail: OutgoingMessage,
  participantEmail: string,
  url: string,
): OutgoingMessage[] {
  const isParticipant = (a: string) => a.toLowerCase() === participantEmail.toLowerCase();
  if (!mail.to.some(isParticipant)) return [mail];
  const [sv, en = ''] = mail.text.split('\n---\n');
  const answer = {
    sv: `Kommer du? Svara här, eller be om en annan tid:\n${url}\nLänken fungerar tills mötet börjar.`,
    en: `Are you coming? Answer here, or ask for another time:\n${url}\nThe link works until the meeting starts.`,
  };
  const own: OutgoingMessage = {
    ...mail,
    to: mail.to.filter(isParticipant),
    text: [sv?.trimEnd(), '', answer.sv, '', '---', en.trimStart(), '', answer.en].join('\n'),
  };
  const others = mail.to.filter((a) => !isParticipant(a));
  return others.length ? [own, { ...mail, to: others }] : [own];
}
