import { describe, expect, it } from 'vitest';
import {
  type CaseRecord,
  DAY_MS,
  emptyCollections,
  executionName,
  type Meeting,
  meetingOf,
  normalizeCase,
  parseExecutionName,
} from '#core/case';
import { meetingViews } from '#core/meeting-view';
import {
  addressProblemNotice,
  afterClosingRequest,
  clockNotice,
  meetingMails,
  newReferralNotice,
} from '#core/messages';
import { CLOCKS, type ClockDecl } from '#core/process/declaration';
import { derivePhase, stepOf } from '#core/process/derive';
import { unitPolicy } from '#core/units';
import { newCaseRecord } from '#test/support/records';

function sampleCase(over: Partial<CaseRecord> = {}): CaseRecord {
  const base = newCaseRecord('abc123def456ghi7', Date.parse('2026-11-22T10:00:00.000Z'));
  return {
    ...base,
    reference: 'SV-2026-0001',
    organisationId: 'malmo-stad-ama',
    participant: {
      name: 'Sara Hemlig',
      identityNumber: '198112189876',
      identityKind: 'personnummer',
      email: 'sara@example.se',
      phone: '0701234567',
      gender: 'woman',
    },
    caseOfficer: {
      sub: 'u1',
      name: 'Anna Handläggare',
      email: 'anna@malmo.example',
      organisationId: 'malmo-stad-ama',
      organisationName: 'Malmö stad',
    },
    needs: { adaptation: 'Utmattningssyndrom, behöver pauser', languageSupport: true, language: 'arabiska' },
    intake: { decision: 'accepted', decidedAt: '2026-11-22T11:00:00.000Z', decidedBy: 'k1' },
    place: { assignedAt: '2026-11-22T11:00:00.000Z' },
    ...over,
  };
}

const visit = {
  start: '2026-12-03T09:00:00.000Z',
  end: '2026-12-03T10:30:00.000Z',
  location: 'REMAKE, Malmö',
  organizer: { name: 'Karin', email: 'karin@stadsmissionen.example' },
  sequence: 0,
};

describe('derivePhase', () => {
  it('follows the study-visit steps after intake', () => {
    expect(derivePhase(sampleCase({ intake: undefined, place: undefined }))).toBe('intake');
    expect(derivePhase(sampleCase())).toBe('studyVisitScheduling');
    expect(derivePhase(sampleCase({ studyVisit: visit }))).toBe('studyVisitProposed');
    expect(derivePhase(sampleCase({ studyVisit: { ...visit, invitationSentForSequence: 0 } }))).toBe(
      'studyVisitInvited',
    );
    expect(
      derivePhase(
        sampleCase({ studyVisit: { ...visit, invitationSentForSequence: 0, outcome: 'declined' } }),
      ),
    ).toBe('studyVisitDeclined');
    expect(derivePhase(sampleCase({ studyVisit: { ...visit, outcome: 'wantsToStart' } }))).toBe(
      'startupScheduling',
    );
    expect(derivePhase(sampleCase({ status: 'closed', studyVisit: visit }))).toBe('closed');
  });

  it('maps waiting phases to their human steps', () => {
    expect(stepOf('studyVisitScheduling')).toBe('studyVisitProposal');
    expect(stepOf('studyVisitInvited')).toBe('studyVisitOutcome');
    expect(stepOf('studyVisitProposed')).toBeUndefined();
  });

  it('reads a record written before intake existed as accepted', () => {
    const old = sampleCase({
      intake: undefined,
      place: undefined,
      phase: 'studyVisitInvited',
      studyVisit: visit,
    });
    const c = normalizeCase(old);
    expect(c.intake?.decision).toBe('accepted');
    expect(c.place?.assignedAt).toBeDefined();
    // A new referral is not mistaken for an old one.
    const fresh = normalizeCase(
      sampleCase({ intake: undefined, place: undefined, notifiedCoordinatorsAt: 'x' }),
    );
    expect(fresh.intake).toBeUndefined();
  });
});

describe('reminders', () => {
  const policy = unitPolicy(undefined);
  const due = (name: keyof typeof CLOCKS, c: CaseRecord) => (CLOCKS[name] as ClockDecl).due(c, policy, 0);
  it('reminds about a missing proposal two days after the place was assigned', () => {
    const c = sampleCase();
    expect(due('studyVisitProposal', c)).toBe(Date.parse(c.place?.assignedAt ?? '') + 2 * DAY_MS);
  });
  it('reminds about the outcome the day after the visit', () => {
    const c = sampleCase({ studyVisit: visit });
    expect(due('studyVisitOutcome', c)).toBe(Date.parse(visit.end) + DAY_MS);
  });
});

describe('execution names', () => {
  it('derive from the case id and segment and parse back', () => {
    const name = executionName('abc123def456ghi7', 3);
    expect(name).toBe('case-abc123def456ghi7-3');
    expect(parseExecutionName(name)).toEqual({ caseId: 'abc123def456ghi7', segment: 3 });
    expect(parseExecutionName('something-else')).toBeUndefined();
  });
});

describe('e-mails carry no sensitive data', () => {
  const c = sampleCase({
    studyVisit: visit,
    supervisor: { name: 'Sami', email: 'sami@stadsmissionen.example' },
    participantLanguage: 'en',
  });
  const sensitive = [
    '198112189876',
    '811218',
    'Sara Hemlig',
    'Sara',
    'Utmattningssyndrom',
    'arabiska',
    '0701234567',
  ];
  const base = 'https://stegvis.example';
  const startup: Meeting = {
    meetingId: 'startup-1',
    kind: 'startup',
    start: visit.start,
    end: visit.end,
    location: 'REMAKE',
    organizer: { name: 'Karin', email: 'karin@stadsmissionen.example' },
    attendees: ['participant', 'supervisor', 'caseOfficer'],
    sequence: 0,
    scheduledAt: '2026-11-01T10:00:00.000Z',
    scheduledBy: 'k1',
  };
  const views = [
    ...meetingViews(c),
    ...meetingViews({ ...c, meetings: [startup] }).filter((m) => m.kind === 'startup'),
    ...meetingViews({ ...c, meetings: [{ ...startup, sequence: 1, movedAt: visit.start }] }).filter(
      (m) => m.kind === 'startup',
    ),
    ...meetingViews({ ...c, meetings: [{ ...startup, sequence: 1, cancelledAt: visit.start }] }).filter(
      (m) => m.kind === 'startup',
    ),
  ];
  const meetingCopies = views.flatMap((m) =>
    (['invitation', 'reminder'] as const).flatMap((kind) =>
      meetingMails(c, undefined, m, kind, base).map((copy) => ({
        copy,
        mail: copy.build(`${base}/m/AbCdEfGhIjKlMnOpQrStUv`),
      })),
    ),
  );

  it('in no meeting mail, invitation or reminder, booked, moved or cancelled, in either copy', () => {
    expect(meetingCopies.length).toBe(16);
    for (const { mail } of meetingCopies) {
      const all = JSON.stringify(mail);
      for (const s of sensitive) expect(all).not.toContain(s);
    }
  });

  it('in no staff notice', () => {
    const notices = [
      ...(['reminder', 'escalation'] as const).map((kind) =>
        clockNotice(
          c,
          { clock: 'studyVisitOutcome', kind, period: 0, at: 0 },
          ['karin@stadsmissionen.example'],
          base,
        ),
      ),
      newReferralNotice(c, undefined, ['karin@stadsmissionen.example'], base),
      afterClosingRequest(c, 'afterClosingFourWeeks', ['anna@malmo.example'], base),
      addressProblemNotice(c, 'participant', 'bounce', ['karin@stadsmissionen.example'], base),
    ];
    for (const m of notices) {
      const all = JSON.stringify(m);
      for (const s of sensitive) expect(all).not.toContain(s);
      expect(m.text).toContain('SV-2026-0001');
      expect(m.text).toContain('https://stegvis.example/cases/abc123def456ghi7');
    }
  });

  it('tells the participant nothing of the referral or the case: no reference, no case link', () => {
    const own = meetingCopies.filter((x) => x.copy.copy === 'participant');
    expect(own.length).toBe(8);
    for (const { mail } of own) {
      const all = JSON.stringify(mail);
      expect(all).not.toContain('SV-2026-0001');
      expect(all).not.toContain('/cases/');
      expect(all).not.toMatch(/anvisning|referral/i);
      expect(mail.to).toEqual(['sara@example.se']);
    }
  });
});

describe('the record at its edges', () => {
  it('parses only whole execution names', () => {
    expect(parseExecutionName('case-abc123-12')).toEqual({ caseId: 'abc123', segment: 12 });
    expect(parseExecutionName('xcase-abc123-1')).toBeUndefined();
    expect(parseExecutionName('case-abc123-1x')).toBeUndefined();
    expect(parseExecutionName('case-abc-123-1')).toBeUndefined();
    expect(parseExecutionName('case--1')).toBeUndefined();
  });

  it('gives a new record empty collections', () => {
    expect(emptyCollections()).toEqual({
      meetings: [],
      talks: { count: 0 },
      followUps: [],
      workingTimeHistory: [],
      tasks: [],
      pauses: [],
      activities: [],
      afterClosing: {},
      notices: {},
      appliedForms: [],
    });
    // Each call its own: one record's list never shows up in another.
    const a = emptyCollections();
    a.tasks.push('x');
    expect(emptyCollections().tasks).toEqual([]);
  });

  it('fills in what an older record lacks and keeps what it has', () => {
    const full = sampleCase({
      meetings: [{ meetingId: 'startup-1' } as Meeting],
      talks: { count: 3 },
      followUps: [{ meetingId: 'followUp-1' } as CaseRecord['followUps'][number]],
      workingTimeHistory: [{ kind: 'start' } as CaseRecord['workingTimeHistory'][number]],
      tasks: ['sy'],
      pauses: [{ startedAt: 'x', reason: 'r' }],
      activities: [{ activityId: 'a' } as CaseRecord['activities'][number]],
      afterClosing: { fourWeeks: { outcome: 'jobSeeking', note: '', recordedAt: 'x', recordedBy: 'r' } },
      notices: { talk: { period: 1, reminders: 1 } },
      appliedForms: [{ formId: 'f', action: 'recordTalk', at: 'x' }],
    });
    expect(normalizeCase(structuredClone(full))).toEqual(full);
    const old = sampleCase() as Partial<CaseRecord>;
    for (const k of Object.keys(emptyCollections())) delete old[k as keyof CaseRecord];
    const filled = normalizeCase(old as CaseRecord);
    expect(filled).toMatchObject(emptyCollections());
  });

  it('reads an old accepted record as holding its place, and marks the migration', () => {
    const old = normalizeCase(
      sampleCase({
        intake: undefined,
        place: undefined,
        phase: 'studyVisitScheduling',
        notifiedCoordinatorsAt: 'x',
      }),
    );
    expect(old.intake).toEqual({ decision: 'accepted', decidedAt: old.createdAt, decidedBy: 'migration' });
    expect(old.place).toEqual({ assignedAt: old.createdAt });
    // Neither a visit nor a notice: nothing says it was ever accepted.
    const unknown = normalizeCase(
      sampleCase({ intake: undefined, place: undefined, phase: 'studyVisitScheduling' }),
    );
    expect(unknown.intake).toBeUndefined();
    expect(unknown.place).toBeUndefined();
    // A declined one holds no place.
    const declined = normalizeCase(
      sampleCase({ intake: { decision: 'declined', decidedAt: 'x', decidedBy: 'k' }, place: undefined }),
    );
    expect(declined.place).toBeUndefined();
  });

  it('finds the latest meeting of a kind that is not cancelled', () => {
    const m = (meetingId: string, kind: Meeting['kind'], cancelledAt?: string) =>
      ({ meetingId, kind, ...(cancelledAt ? { cancelledAt } : {}) }) as Meeting;
    const c = sampleCase({
      meetings: [
        m('followUp-1', 'followUp'),
        m('followUp-2', 'followUp'),
        m('followUp-3', 'followUp', 'x'),
        m('closing-1', 'closing'),
      ],
    });
    expect(meetingOf(c, 'followUp')?.meetingId).toBe('followUp-2');
    expect(meetingOf(c, 'closing')?.meetingId).toBe('closing-1');
    expect(meetingOf(c, 'startup')).toBeUndefined();
  });
});
