import { describe, expect, it } from 'vitest';
import type { CaseRecord, Meeting } from '#core/case';
import {
  afterClosingRequest,
  attendeeAddresses,
  clockNotice,
  meetingInvitation,
  newReferralNotice,
  placeFreedNotice,
  studyVisitInvitation,
  withParticipantLink,
} from '#core/messages';
import { CLOCK_NAMES, type ClockName } from '#core/process/declaration';
import { COORDINATOR_EMAIL, caseIn, meeting, SUPERVISOR_EMAIL, T0, UNIT } from '#test/support/use-case-world';

/**
 * The texts of every e-mail, word for word: staff mails name the case reference and link to the
 * case page, invitations carry the time in Stockholm, nothing else. (The dates are written by the
 * runtime's ICU: "onsdag 3 mars 2027 kl. 10:00".)
 */
const BASE = 'https://stegvis.example';
const ID = 'case00000001';
const LINK = `${BASE}/cases/${ID}`;
const START = '2027-03-03T09:00:00.000Z';
const END = '2027-03-03T10:30:00.000Z';
const WHEN_SV = 'onsdag 3 mars 2027 kl. 10:00–11:30';
const WHEN_EN = 'Wednesday, 3 March 2027 at 10:00–11:30';
const OFFICER = 'anna@malmo.example';
const SHORT = { sv: '3 mars 10:00', en: '3 Mar, 10:00' };

const c: CaseRecord = caseIn('training', ID, T0, {
  studyVisit: {
    start: START,
    end: END,
    location: 'REMAKE, Malmö',
    organizer: { name: 'Karin', email: COORDINATOR_EMAIL },
    sequence: 2,
  },
});
const REF = c.reference;

const staffText = (sv: string, en: string) =>
  [
    `Ärende ${REF}: ${sv}`,
    `Öppna ärendet (inloggning krävs): ${LINK}`,
    '',
    '---',
    `Case ${REF}: ${en}`,
    `Open the case (sign-in required): ${LINK}`,
  ].join('\n');

describe('studyVisitInvitation', () => {
  it('invites the participant and the case officer with a calendar request', () => {
    expect(studyVisitInvitation(c, UNIT, { email: COORDINATOR_EMAIL, name: 'Karin' })).toEqual([
      {
        to: ['p@example.se', OFFICER],
        replyTo: COORDINATOR_EMAIL,
        subject: 'Inbjudan till studiebesök / Invitation to a study visit – REMAKE',
        text: [
          'Välkommen på studiebesök hos REMAKE!',
          '',
          `Tid: ${WHEN_SV}`,
          'Plats: REMAKE, Malmö',
          '',
          'Kalenderinbjudan finns bifogad. Hör av dig till din handläggare om tiden inte passar.',
          '',
          '---',
          'Welcome to a study visit at REMAKE!',
          '',
          `Time: ${WHEN_EN}`,
          'Place: REMAKE, Malmö',
          '',
          'The calendar invitation is attached. Contact your case officer if the time does not suit you.',
        ].join('\n'),
        calendar: {
          uid: `${ID}-study-visit@stegvis`,
          sequence: 2,
          method: 'REQUEST',
          start: new Date(START),
          end: new Date(END),
          summary: 'Studiebesök / Study visit – REMAKE',
          description: `Studiebesök på REMAKE. Ärende ${REF}.\nStudy visit at REMAKE. Case ${REF}.`,
          location: 'REMAKE, Malmö',
          organizer: { email: COORDINATOR_EMAIL, name: 'Karin' },
          attendees: [
            { email: 'p@example.se', role: 'REQ-PARTICIPANT' },
            { email: OFFICER, name: 'Anna', role: 'REQ-PARTICIPANT' },
          ],
        },
      },
    ]);
  });

  it('names the unit by its id when the unit is unknown, and needs a visit', () => {
    const [m] = studyVisitInvitation(c, undefined, { email: COORDINATOR_EMAIL, name: 'Karin' });
    expect(m?.subject).toBe('Inbjudan till studiebesök / Invitation to a study visit – remake');
    expect(() =>
      studyVisitInvitation({ ...c, studyVisit: undefined }, UNIT, { email: 'x@y.se', name: 'X' }),
    ).toThrow('No study visit proposed');
  });
});

describe('staff mails', () => {
  it('tell the coordinators about a new referral', () => {
    expect(newReferralNotice(c, [COORDINATOR_EMAIL], BASE)).toEqual({
      to: [COORDINATOR_EMAIL],
      subject: `Ny anvisning / New referral: ${REF}`,
      text: staffText(
        'en ny anvisning väntar på att tas emot eller avböjas.',
        'a new referral is waiting to be accepted or declined.',
      ),
    });
  });

  it('tell the coordinators a place came free', () => {
    expect(placeFreedNotice(c, UNIT, [COORDINATOR_EMAIL, 'b@x.se'], BASE)).toEqual({
      to: [COORDINATOR_EMAIL, 'b@x.se'],
      subject: `Plats ledig / Place free: ${REF}`,
      text: staffText(
        'en plats på REMAKE har blivit ledig och ärendet går vidare från kön till studiebesök.',
        'a place at REMAKE has come free and the case moves on from the queue to the study visit.',
      ),
    });
  });

  const CLOCK_TEXTS: Record<ClockName, [string, string]> = {
    intakeDecision: [
      'anvisningen väntar på att tas emot eller avböjas.',
      'the referral is waiting to be accepted or declined.',
    ],
    studyVisitProposal: [
      'väntar på att en tid för studiebesök föreslås.',
      'is waiting for a study-visit time to be proposed.',
    ],
    studyVisitOutcome: [
      'väntar på att utfallet av studiebesöket registreras.',
      'is waiting for the outcome of the study visit to be recorded.',
    ],
    startupMeeting: [
      'väntar på att en handledare utses och uppstartsmötet bokas.',
      'is waiting for a supervisor to be assigned and the start-up meeting to be booked.',
    ],
    individualPlan: [
      'väntar på att den individuella planeringen från uppstartsmötet registreras.',
      'is waiting for the individual plan from the start-up meeting to be recorded.',
    ],
    talk: [
      'ett handledningssamtal ska hållas och registreras.',
      'a supervision talk is due and should be recorded.',
    ],
    followUpRequested: [
      'ett handledningssamtal visade sämre arbetsförmåga: boka ett uppföljningsmöte.',
      'a supervision talk showed a decline in work capacity: book a follow-up meeting.',
    ],
    followUp: [
      'det är snart dags för uppföljningsmöte med handläggaren: boka en tid.',
      'a follow-up meeting with the case officer is due soon: book a time.',
    ],
    followUpRecord: [
      'uppföljningsmötet har hållits: registrera vad som beslutades.',
      'the follow-up meeting has taken place: record what was decided.',
    ],
    closingPlan: [
      'den planerade perioden slutar om fyra veckor: planera avslutningsmötet.',
      'the planned period ends in four weeks: plan the closing meeting.',
    ],
    pauseCheckIn: [
      'arbetsträningen är pausad: stäm av hur behandlingen går.',
      'the work training is paused: check in on how the treatment is going.',
    ],
    closingMeeting: [
      'ärendet ska avslutas: boka avslutningsmötet.',
      'the case is closing: book the closing meeting.',
    ],
    closingRecord: [
      'avslutningsmötet har hållits: registrera sammanfattning och utfall.',
      'the closing meeting has taken place: record the summary and outcome.',
    ],
    afterClosingFourWeeks: [
      'fyra veckor efter avslut: ange var deltagaren är nu.',
      'four weeks after the end: say where the participant is now.',
    ],
    afterClosingSixMonths: [
      'sex månader efter avslut: ange var deltagaren är nu.',
      'six months after the end: say where the participant is now.',
    ],
    repair: [
      'ett steg i arbetsflödet misslyckades och behöver rättas.',
      'a workflow step failed and needs correcting.',
    ],
  };

  it('remind whoever acts, in the words of each clock', () => {
    expect(Object.keys(CLOCK_TEXTS).sort()).toEqual([...CLOCK_NAMES].sort());
    for (const clock of CLOCK_NAMES) {
      const [sv, en] = CLOCK_TEXTS[clock];
      expect(clockNotice(c, { clock, kind: 'reminder', period: 0, at: 0 }, ['s@x.se'], BASE)).toEqual({
        to: ['s@x.se'],
        subject: `Påminnelse / Reminder: ${REF}`,
        text: staffText(sv, en),
      });
    }
  });

  it('escalate to the coordinators as overdue', () => {
    const m = clockNotice(
      c,
      { clock: 'talk', kind: 'escalation', period: 0, at: 0 },
      [COORDINATOR_EMAIL],
      BASE,
    );
    expect(m.subject).toBe(`Försenat / Overdue: ${REF}`);
    expect(m.text).toBe(staffText(...CLOCK_TEXTS.talk));
  });

  it('ask the case officer where the participant is now', () => {
    for (const clock of ['afterClosingFourWeeks', 'afterClosingSixMonths'] as const)
      expect(afterClosingRequest(c, clock, [OFFICER], BASE)).toEqual({
        to: [OFFICER],
        subject: `Uppföljning efter avslut / Follow-up after closing: ${REF}`,
        text: staffText(...CLOCK_TEXTS[clock]),
      });
  });
});

describe('meeting invitations', () => {
  const m = (over: Partial<Meeting> = {}) => meeting('followUp', Date.parse(START), { end: END, ...over });

  it('name the addresses of those in the meeting', () => {
    expect(attendeeAddresses(c, { attendees: ['caseOfficer', 'participant', 'supervisor'] })).toEqual([
      { email: OFFICER, name: 'Anna' },
      { email: 'p@example.se' },
      { email: SUPERVISOR_EMAIL, name: 'Sami' },
    ]);
    expect(
      attendeeAddresses({ ...c, supervisor: undefined }, { attendees: ['supervisor', 'participant'] }),
    ).toEqual([{ email: 'p@example.se' }]);
  });

  it('invite everyone in the meeting but its organizer, with the unit’s phone', () => {
    expect(meetingInvitation(c, UNIT, m())).toEqual({
      to: ['p@example.se', SUPERVISOR_EMAIL, OFFICER],
      replyTo: COORDINATOR_EMAIL,
      subject: `Uppföljningsmöte ${SHORT.sv} / Follow-up meeting ${SHORT.en} – REMAKE`,
      text: [
        'Uppföljningsmöte på REMAKE.',
        '',
        `Tid: ${WHEN_SV}`,
        'Plats: REMAKE, Malmö',
        'Telefon / Phone: 040-00 00 00',
        '',
        'Kalenderinbjudan finns bifogad.',
        '',
        '---',
        'Follow-up meeting at REMAKE.',
        '',
        `Time: ${WHEN_EN}`,
        'Place: REMAKE, Malmö',
        '',
        'The calendar invitation is attached.',
      ].join('\n'),
      calendar: {
        uid: `${ID}-followUp-1@stegvis`,
        sequence: 0,
        method: 'REQUEST',
        start: new Date(START),
        end: new Date(END),
        summary: 'Uppföljningsmöte / Follow-up meeting – REMAKE',
        description: `Uppföljningsmöte på REMAKE. Ärende ${REF}.\nFollow-up meeting at REMAKE. Case ${REF}.`,
        location: 'REMAKE, Malmö',
        organizer: { name: 'Karin', email: COORDINATOR_EMAIL },
        attendees: [
          { email: 'p@example.se', role: 'REQ-PARTICIPANT' },
          { email: SUPERVISOR_EMAIL, name: 'Sami', role: 'REQ-PARTICIPANT' },
          { email: OFFICER, name: 'Anna', role: 'REQ-PARTICIPANT' },
        ],
      },
    });
  });

  it('leave out an organizer who attends, whatever the case of the address', () => {
    const byOfficer = m({
      kind: 'startup',
      organizer: { name: 'Anna', email: 'Anna@Malmo.Example' },
      sequence: 3,
    });
    const inv = meetingInvitation(c, { ...UNIT, phone: undefined }, byOfficer);
    expect(inv.to).toEqual(['p@example.se', SUPERVISOR_EMAIL]);
    expect(inv.subject).toBe(`Uppstartsmöte ${SHORT.sv} / Start-up meeting ${SHORT.en} – REMAKE`);
    expect(inv.text).not.toContain('Telefon');
    expect(inv.text.split('\n').slice(0, 5)).toEqual([
      'Uppstartsmöte på REMAKE.',
      '',
      `Tid: ${WHEN_SV}`,
      'Plats: REMAKE, Malmö',
      '',
    ]);
    expect(inv.calendar?.sequence).toBe(3);
    expect(inv.calendar?.attendees.map((a) => a.email)).toEqual(['p@example.se', SUPERVISOR_EMAIL]);
  });

  it('name the unit by its id when it is unknown; each kind by its name', () => {
    const closing = meetingInvitation(c, undefined, m({ kind: 'closing', meetingId: 'closing-1' }));
    expect(closing.subject).toBe(`Avslutningsmöte ${SHORT.sv} / Closing meeting ${SHORT.en} – remake`);
    expect(closing.calendar?.uid).toBe(`${ID}-closing-1@stegvis`);
    expect(closing.text.split('\n')[0]).toBe('Avslutningsmöte på remake.');
    expect(closing.text).not.toContain('Telefon');
  });
  it('tell everyone of a new time, the same event with a higher sequence', () => {
    const inv = meetingInvitation(c, UNIT, m({ sequence: 1, movedAt: '2027-03-01T09:00:00.000Z' }));
    expect(inv.subject).toBe(
      `Ny tid: Uppföljningsmöte ${SHORT.sv} / New time: Follow-up meeting ${SHORT.en} – REMAKE`,
    );
    expect(inv.calendar).toMatchObject({ method: 'REQUEST', sequence: 1, uid: `${ID}-followUp-1@stegvis` });
    expect(inv.text.split('\n')).toEqual([
      'Uppföljningsmöte på REMAKE har fått en ny tid.',
      '',
      `Tid: ${WHEN_SV}`,
      'Plats: REMAKE, Malmö',
      'Telefon / Phone: 040-00 00 00',
      '',
      'Kalenderinbjudan är bifogad och ersätter den gamla tiden.',
      '',
      '---',
      'The follow-up meeting at REMAKE has a new time.',
      '',
      `Time: ${WHEN_EN}`,
      'Place: REMAKE, Malmö',
      '',
      'The calendar invitation is attached and replaces the old time.',
    ]);
  });

  it('tell everyone a meeting is cancelled, with a calendar CANCEL, even one moved before', () => {
    const inv = meetingInvitation(
      c,
      UNIT,
      m({ sequence: 2, movedAt: '2027-03-01T09:00:00.000Z', cancelledAt: '2027-03-02T09:00:00.000Z' }),
    );
    expect(inv.subject).toBe(
      `Inställt: Uppföljningsmöte ${SHORT.sv} / Cancelled: Follow-up meeting ${SHORT.en} – REMAKE`,
    );
    expect(inv.calendar).toMatchObject({ method: 'CANCEL', sequence: 2, uid: `${ID}-followUp-1@stegvis` });
    expect(inv.to).toEqual(['p@example.se', SUPERVISOR_EMAIL, OFFICER]);
    expect(inv.text.split('\n')).toEqual([
      'Uppföljningsmöte på REMAKE är inställt.',
      '',
      `Tiden var: ${WHEN_SV}`,
      'Plats: REMAKE, Malmö',
      'Telefon / Phone: 040-00 00 00',
      '',
      'Mötet tas bort ur din kalender. Du behöver inte göra något mer.',
      '',
      '---',
      'The follow-up meeting at REMAKE is cancelled.',
      '',
      `The time was: ${WHEN_EN}`,
      'Place: REMAKE, Malmö',
      '',
      'The meeting is removed from your calendar. You do not need to do anything else.',
    ]);
  });
});

describe('withParticipantLink', () => {
  const mail = {
    to: ['P@Example.se', OFFICER],
    replyTo: COORDINATOR_EMAIL,
    subject: 'S',
    text: 'Hej.\n\n---\nHello.\n',
  };
  const URL = `${BASE}/m/abc`;

  it('gives the participant their own copy with the link, and the others the mail as it was', () => {
    expect(withParticipantLink(mail, 'p@example.se', URL)).toEqual([
      {
        to: ['P@Example.se'],
        replyTo: COORDINATOR_EMAIL,
        subject: 'S',
        text: [
          'Hej.',
          '',
          `Kommer du? Svara här, eller be om en annan tid:\n${URL}\nLänken fungerar tills mötet börjar.`,
          '',
          '---',
          'Hello.\n',
          '',
          `Are you coming? Answer here, or ask for another time:\n${URL}\nThe link works until the meeting starts.`,
        ].join('\n'),
      },
      { ...mail, to: [OFFICER] },
    ]);
  });

  it('sends one mail when the participant is its only recipient, none changed when not in it', () => {
    const own = withParticipantLink({ ...mail, to: ['p@example.se'] }, 'P@example.se', URL);
    expect(own).toHaveLength(1);
    expect(own[0]?.to).toEqual(['p@example.se']);
    expect(own[0]?.text).toContain(URL);
    const staff = { ...mail, to: [OFFICER, SUPERVISOR_EMAIL] };
    expect(withParticipantLink(staff, 'p@example.se', URL)).toEqual([staff]);
  });

  it('puts the link after the Swedish text even when there is no English part', () => {
    const [own] = withParticipantLink(
      { ...mail, to: ['p@example.se'], text: 'Bara svenska.  ' },
      'p@example.se',
      URL,
    );
    expect(own?.text.split('\n').slice(0, 3)).toEqual([
      'Bara svenska.',
      '',
      'Kommer du? Svara här, eller be om en annan tid:',
    ]);
    expect(own?.text).toContain('---\n\n\nAre you coming?');
  });
});
