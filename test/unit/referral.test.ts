import { describe, expect, it } from 'vitest';
import { stockholmToInstant, validateReferral, validateStudyVisit } from '#core/referral';
import { issueText } from '#web/issue-texts';

const today = new Date('2026-11-22T10:00:00Z');
const units = ['remake', 'matmissionen'];
const valid = {
  participantName: '  Sara   Test ',
  identityNumber: '811218-9876',
  email: 'Sara@Example.se',
  phone: '070-123 45 67',
  gender: 'undisclosed',
  placementAgreementRef: 'PÖ-2026-1',
  unitId: 'remake',
  adaptationNeeds: '',
  languageSupport: 'no',
  language: '',
  plannedStart: '2026-12-01',
  plannedEnd: '2027-06-01',
  submissionId: '0f8fad5b-d9cb-469f-a165-70867728950e',
};

describe('validateReferral', () => {
  it('accepts a complete referral and normalizes it', () => {
    const r = validateReferral(valid, { today, unitIds: units });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.participantName).toBe('Sara Test');
    expect(r.value.email).toBe('sara@example.se');
    expect(r.value.identity.normalized).toBe('198112189876');
    expect(r.value.languageSupport).toBe(false);
  });

  it('reports every problem at once, each with Swedish and English text', () => {
    const r = validateReferral({}, { today, unitIds: units });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const fields = r.issues.map((i) => i.field).sort();
    expect(fields).toEqual(
      [
        'email',
        'gender',
        'identityNumber',
        'languageSupport',
        'participantName',
        'phone',
        'placementAgreementRef',
        'plannedEnd',
        'plannedStart',
        'submissionId',
        'unitId',
      ].sort(),
    );
    for (const i of r.issues) {
      expect(issueText('sv', i).length).toBeGreaterThan(5);
      expect(issueText('en', i).length).toBeGreaterThan(5);
      expect(issueText('sv', i)).not.toBe(issueText('en', i));
    }
  });

  it.each([
    ['identityNumber', '811218-9875', 'checksum'],
    ['email', 'sara@', 'format'],
    ['phone', 'call me', 'format'],
    ['gender', 'unknown', 'required'],
    ['unitId', 'nowhere', 'required'],
    ['plannedStart', '2026-02-30', 'date'],
    ['plannedStart', '2026-09-01', 'past'],
    ['plannedEnd', '2026-11-30', 'order'],
    ['plannedEnd', '2029-01-01', 'tooLong'],
    ['submissionId', 'short', 'format'],
  ])('%s = %j gives %s', (field, value, code) => {
    const r = validateReferral({ ...valid, [field]: value }, { today, unitIds: units });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([expect.objectContaining({ field, code })]);
  });

  it('needs a language when language support is wanted', () => {
    const r = validateReferral({ ...valid, languageSupport: 'yes' }, { today, unitIds: units });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.field)).toEqual(['language']);
    const ok = validateReferral(
      { ...valid, languageSupport: 'yes', language: 'arabiska' },
      { today, unitIds: units },
    );
    expect(ok.ok && ok.value.language).toBe('arabiska');
  });

  it('never echoes the identity number in an error', () => {
    const r = validateReferral({ ...valid, identityNumber: '811218-9875' }, { today, unitIds: units });
    if (r.ok) throw new Error('expected invalid');
    for (const i of r.issues) expect(`${i.sv} ${i.en}`).not.toContain('811218');
  });
});

describe('Stockholm time', () => {
  it('converts winter and summer wall-clock times to instants', () => {
    expect(stockholmToInstant('2026-12-03', '10:00').toISOString()).toBe('2026-12-03T09:00:00.000Z');
    expect(stockholmToInstant('2026-06-03', '10:00').toISOString()).toBe('2026-06-03T08:00:00.000Z');
    // The day clocks go forward (29 March 2026): 03:30 is CEST.
    expect(stockholmToInstant('2026-03-29', '03:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('validateStudyVisit', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  it('accepts a future visit', () => {
    const r = validateStudyVisit(
      { date: '2026-12-03', startTime: '10:00', endTime: '11:30', location: 'REMAKE' },
      { now },
    );
    expect(r.ok && r.value.start.toISOString()).toBe('2026-12-03T09:00:00.000Z');
  });
  it('rejects a visit more than six months ahead (a mistyped year)', () => {
    const r = validateStudyVisit(
      { date: '2036-12-03', startTime: '10:00', endTime: '11:30', location: 'REMAKE' },
      { now },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => `${i.field}:${i.code}`)).toEqual(['date:tooFar']);
  });
  it('rejects past visits, reversed times and missing place, all in one round', () => {
    const r = validateStudyVisit(
      { date: '2026-11-01', startTime: '11:00', endTime: '10:00', location: '' },
      { now },
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues.map((i) => `${i.field}:${i.code}`).sort()).toEqual([
        'date:past',
        'endTime:order',
        'location:required',
      ]);
    const r2 = validateStudyVisit(
      { date: '2026-11-01', startTime: '11:00', endTime: '10:00', location: 'x' },
      { now },
    );
    if (!r2.ok)
      expect(r2.issues.map((i) => `${i.field}:${i.code}`).sort()).toEqual(['date:past', 'endTime:order']);
    const r3 = validateStudyVisit(
      { date: '2026-12-01', startTime: '25:00', endTime: '9', location: 'x' },
      { now },
    );
    if (!r3.ok) expect(r3.issues.map((i) => i.field).sort()).toEqual(['endTime', 'startTime']);
    expect(r2.ok || r3.ok).toBe(false);
  });
});
