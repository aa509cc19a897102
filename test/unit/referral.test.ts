import { describe, expect, it } from 'vitest';
import type { FieldIssue } from '#core/errors';
import { isRealDate } from '#core/forms/fields';
import { stockholmToInstant, parseMeetingTime as validateStudyVisit } from '#core/forms/meeting-time';
import { validateReferral } from '#core/forms/referral';
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

  it('reports every problem at once, each worded by the catalogue in Swedish and English', () => {
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
    for (const i of r.issues) {
      expect(JSON.stringify(i)).not.toContain('811218');
      for (const lang of ['sv', 'en'] as const) expect(issueText(lang, i)).not.toContain('811218');
    }
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

describe('validateReferral at the edges of its rules', () => {
  const codes = (form: Record<string, string>, at = today) => {
    const r = validateReferral({ ...valid, ...form }, { today: at, unitIds: units });
    return r.ok ? [] : r.issues.map((i) => `${i.field}:${i.code}`);
  };

  it.each([
    ['participantName', 'A', ['participantName:length']],
    ['participantName', 'Al', []],
    ['participantName', 'x'.repeat(200), []],
    ['participantName', 'x'.repeat(201), ['participantName:length']],
    ['participantName', '   ', ['participantName:required']],
    ['placementAgreementRef', 'x'.repeat(100), []],
    ['placementAgreementRef', 'x'.repeat(101), ['placementAgreementRef:length']],
    ['adaptationNeeds', 'x'.repeat(2000), []],
    ['adaptationNeeds', 'x'.repeat(2001), ['adaptationNeeds:length']],
    ['phone', '12345', ['phone:format']],
    ['phone', '123456', []],
    ['phone', '+46 (0)70-123 45 67', []],
    ['phone', '------', ['phone:format']],
    ['phone', `1${' '.repeat(19)}2`, ['phone:format']],
    ['phone', '070 123 45 67 890 12', []],
    ['phone', 'a070123456', ['phone:format']],
    ['email', 'a,b@example.se', ['email:format']],
    ['email', '', ['email:required']],
    ['submissionId', 'x'.repeat(15), ['submissionId:format']],
    ['submissionId', 'x'.repeat(16), []],
    ['submissionId', 'x'.repeat(64), []],
    ['submissionId', 'x'.repeat(65), ['submissionId:format']],
    ['languageSupport', '', ['languageSupport:required']],
  ])('%s = %j → %j', (field, value, expected) => {
    expect(codes({ [field]: value })).toEqual(expected);
  });

  it('collapses the spaces of a name and lower-cases the address', () => {
    const r = validateReferral(
      { ...valid, participantName: ' Sara \t  Maria  Test ', email: ' SARA@EXAMPLE.SE ' },
      { today, unitIds: units },
    );
    expect(r.ok && [r.value.participantName, r.value.email]).toEqual(['Sara Maria Test', 'sara@example.se']);
  });

  it('names the limit it broke, in both languages', () => {
    const r = validateReferral(
      { ...valid, placementAgreementRef: 'x'.repeat(101) },
      { today, unitIds: units },
    );
    if (r.ok) throw new Error('expected a refusal');
    expect(r.issues[0]?.params).toEqual({ max: 100 });
    expect(issueText('sv', r.issues[0] as FieldIssue)).toContain('100');
    expect(issueText('en', r.issues[0] as FieldIssue)).toContain('100');
  });

  it('lets a planned start lie one month back and no further, counted on the Swedish calendar', () => {
    expect(codes({ plannedStart: '2026-10-22' })).toEqual([]);
    expect(codes({ plannedStart: '2026-10-21' })).toEqual(['plannedStart:past']);
    // 23:30 UTC on 22 November is already 23 November in Stockholm.
    const lateEvening = new Date('2026-11-22T23:30:00Z');
    expect(codes({ plannedStart: '2026-10-23' }, lateEvening)).toEqual([]);
    expect(codes({ plannedStart: '2026-10-22' }, lateEvening)).toEqual(['plannedStart:past']);
  });

  it('ends after the start and at most 24 months after it', () => {
    expect(codes({ plannedStart: '2026-12-01', plannedEnd: '2026-12-01' })).toEqual(['plannedEnd:order']);
    expect(codes({ plannedStart: '2026-12-01', plannedEnd: '2026-12-02' })).toEqual([]);
    expect(codes({ plannedStart: '2026-12-01', plannedEnd: '2028-12-01' })).toEqual([]);
    expect(codes({ plannedStart: '2026-12-01', plannedEnd: '2028-12-02' })).toEqual(['plannedEnd:tooLong']);
  });

  it('checks the end against the start only when both can be read', () => {
    expect(codes({ plannedStart: 'soon', plannedEnd: '2026-01-01' })).toEqual(['plannedStart:date']);
    expect(codes({ plannedStart: '2026-12-01', plannedEnd: '2026-13-01' })).toEqual(['plannedEnd:date']);
  });

  it('keeps no language when none is needed', () => {
    const r = validateReferral(
      { ...valid, languageSupport: 'no', language: 'arabiska' },
      { today, unitIds: units },
    );
    expect(r.ok && r.value.language).toBe('');
  });
});

describe('the meeting-time form at the edges of its rules', () => {
  const now = Date.parse('2026-11-22T10:00:00Z'); // 11:00 in Stockholm
  const base = { date: '2026-12-03', startTime: '10:00', endTime: '11:00', location: 'REMAKE' };
  const codes = (form: Record<string, string>) => {
    const r = validateStudyVisit({ ...base, ...form }, { now });
    return r.ok ? [] : r.issues.map((i) => `${i.field}:${i.code}`);
  };

  it.each([
    [{ date: '2026-11-22', startTime: '11:00', endTime: '12:00' }, []],
    [{ date: '2026-11-22', startTime: '10:59', endTime: '12:00' }, ['date:past']],
    [{ startTime: '10:00', endTime: '10:00' }, ['endTime:order']],
    [{ startTime: '10:00', endTime: '10:01' }, []],
    [{ startTime: '9:00' }, ['startTime:time']],
    [{ startTime: '24:00' }, ['startTime:time']],
    [{ startTime: '00:00', endTime: '23:59' }, []],
    [{ endTime: '12:60' }, ['endTime:time']],
    [{ location: '   ' }, ['location:required']],
    [{ location: 'x'.repeat(300) }, []],
    [{ location: 'x'.repeat(301) }, ['location:length']],
    [{ date: '2026-02-29' }, ['date:date']],
  ])('%j → %j', (form, expected) => {
    expect(codes(form as Record<string, string>)).toEqual(expected);
  });

  it('books at most 180 days ahead', () => {
    // 180 days after 11:00 on 22 November (CET) is 21 May, 12:00 in CEST.
    expect(codes({ date: '2027-05-21', startTime: '12:00', endTime: '13:00' })).toEqual([]);
    expect(codes({ date: '2027-05-21', startTime: '12:01', endTime: '13:00' })).toEqual(['date:tooFar']);
  });

  it('reads Swedish wall-clock times on both sides of the daylight-saving changes', () => {
    const at = (date: string, time: string) => stockholmToInstant(date, time).toISOString();
    expect(at('2026-03-29', '01:59')).toBe('2026-03-29T00:59:00.000Z');
    expect(at('2026-03-29', '03:00')).toBe('2026-03-29T01:00:00.000Z');
    expect(at('2026-10-25', '01:59')).toBe('2026-10-24T23:59:00.000Z');
    expect(at('2026-10-25', '03:00')).toBe('2026-10-25T02:00:00.000Z');
    expect(at('2026-12-31', '23:30')).toBe('2026-12-31T22:30:00.000Z');
  });
});

describe('isRealDate', () => {
  it.each([
    ['2026-12-01', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-12-32', false],
    ['2026-00-10', false],
    ['2026-1-01', false],
    [' 2026-12-01', false],
  ])('%j → %s', (s, ok) => expect(isRealDate(s)).toBe(ok));
});
