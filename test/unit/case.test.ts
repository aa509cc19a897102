import { describe, expect, it } from 'vitest';
import {
  type CaseRecord,
  DAY_MS,
  derivePhase,
  executionName,
  firstReminderDue,
  parseExecutionName,
  stepForPhase,
} from '#core/case';
import { stepReminder, studyVisitInvitation } from '#core/messages';

function sampleCase(over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    caseId: 'abc123def456ghi7',
    reference: 'SV-2026-0001',
    organisationId: 'malmo-stad-ama',
    createdAt: '2026-11-22T10:00:00.000Z',
    createdBy: 'u1',
    updatedAt: '2026-11-22T10:00:00.000Z',
    status: 'active',
    phase: 'studyVisitScheduling',
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
    placementAgreementRef: 'PÖ-1',
    unitId: 'remake',
    needs: { adaptation: 'Utmattningssyndrom, behöver pauser', languageSupport: true, language: 'arabiska' },
    plannedStart: '2026-12-01',
    plannedEnd: '2027-06-01',
    reminders: {},
    execution: { segment: 1, name: 'case-abc123def456ghi7-1' },
    version: 1,
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
  it('follows the study-visit steps', () => {
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
      'startupMeeting',
    );
    expect(derivePhase(sampleCase({ status: 'closed', studyVisit: visit }))).toBe('closed');
  });

  it('maps waiting phases to their human steps', () => {
    expect(stepForPhase('studyVisitScheduling')).toBe('studyVisitProposal');
    expect(stepForPhase('studyVisitInvited')).toBe('studyVisitOutcome');
    expect(stepForPhase('studyVisitProposed')).toBeUndefined();
  });
});

describe('reminders', () => {
  it('reminds about a missing proposal two days after the referral', () => {
    const c = sampleCase();
    expect(firstReminderDue(c, 'studyVisitProposal', 0)).toBe(Date.parse(c.createdAt) + 2 * DAY_MS);
  });
  it('reminds about the outcome the day after the visit', () => {
    const c = sampleCase({ studyVisit: visit });
    expect(firstReminderDue(c, 'studyVisitOutcome', 0)).toBe(Date.parse(visit.end) + DAY_MS);
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
  const c = sampleCase({ studyVisit: visit });
  const sensitive = ['198112189876', '811218', 'Sara Hemlig', 'Utmattningssyndrom', 'arabiska', '0701234567'];
  it('study-visit invitation', () => {
    const [m] = studyVisitInvitation(c, undefined, visit.organizer);
    if (!m?.calendar) throw new Error('expected a calendar invite');
    const all = JSON.stringify(m);
    for (const s of sensitive) expect(all).not.toContain(s);
    expect(m.to).toEqual(['sara@example.se', 'anna@malmo.example']);
    expect(m.calendar.method).toBe('REQUEST');
    expect(m.calendar.start.toISOString()).toBe(visit.start);
    expect(m.calendar.attendees.map((a) => a.email)).toEqual(['sara@example.se', 'anna@malmo.example']);
  });
  it('reminders', () => {
    const m = stepReminder(
      c,
      'studyVisitOutcome',
      ['karin@stadsmissionen.example'],
      'https://stegvis.example',
    );
    const all = JSON.stringify(m);
    for (const s of sensitive) expect(all).not.toContain(s);
    expect(m.text).toContain('SV-2026-0001');
    expect(m.text).toContain('https://stegvis.example/cases/abc123def456ghi7');
  });
});
