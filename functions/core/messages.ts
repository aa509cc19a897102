import type { CaseRecord, StepName } from './case.ts';
import type { CalendarInvite, OutgoingMessage } from './ports.ts';
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
      subject: `Inbjudan till studiebesök / Invitation to a study visit – ${unitName}`,
      text,
      calendar,
    },
  ];
}

const STEP_TEXT: Record<StepName, { sv: string; en: string }> = {
  studyVisitProposal: {
    sv: 'väntar på att en tid för studiebesök föreslås',
    en: 'is waiting for a study-visit time to be proposed',
  },
  studyVisitOutcome: {
    sv: 'väntar på att utfallet av studiebesöket registreras',
    en: 'is waiting for the outcome of the study visit to be recorded',
  },
};

export function newReferralNotice(c: CaseRecord, to: string[], baseUrl: string): OutgoingMessage {
  const link = `${baseUrl}/cases/${c.caseId}`;
  return {
    to,
    subject: `Ny anvisning / New referral: ${c.reference}`,
    text: [
      `En ny anvisning (${c.reference}) väntar på en tid för studiebesök.`,
      `Öppna ärendet (inloggning krävs): ${link}`,
      '',
      '---',
      `A new referral (${c.reference}) is waiting for a study-visit time.`,
      `Open the case (sign-in required): ${link}`,
    ].join('\n'),
  };
}

export function stepReminder(c: CaseRecord, step: StepName, to: string[], baseUrl: string): OutgoingMessage {
  const link = `${baseUrl}/cases/${c.caseId}`;
  const t = STEP_TEXT[step];
  return {
    to,
    subject: `Påminnelse / Reminder: ärende ${c.reference}`,
    text: [
      `Ärende ${c.reference} ${t.sv}.`,
      `Öppna ärendet (inloggning krävs): ${link}`,
      '',
      '---',
      `Case ${c.reference} ${t.en}.`,
      `Open the case (sign-in required): ${link}`,
    ].join('\n'),
  };
}
