import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_KINDS,
  EARLY_CLOSING_REASONS,
  EDUCATION_LEVELS,
  FOLLOW_UP_DECISIONS,
  FOREIGN_BACKGROUNDS,
  LABOUR_MARKET_STATUSES,
  MEETING_KINDS,
  OUTCOMES,
  TALK_POINTS,
  YES_NO_UNDISCLOSED,
} from '#core/case';
import type { FieldIssue } from '#core/errors';
import * as forms from '#core/forms/actions';
import { parseMeetingTime } from '#core/forms/meeting-time';
import { REFERRAL_FIELDS, validateReferral } from '#core/forms/referral';
import { buildPlacementAsl } from '#core/process/asl';
import { ACTION_NAMES, PHASE_NAMES } from '#core/process/declaration';
import { issueText } from '#web/issue-texts';
import { PROCESS_TEXTS, processText, REFUSAL_CODES, refusalText } from '#web/process-texts';

/** Every word the process shows a person exists in Swedish and English. */
describe('process texts', () => {
  const keys = [
    ...PHASE_NAMES.map((p) => `phase_${p}`),
    ...ACTION_NAMES.flatMap((a) => [`action_${a}`, `submit_${a}`, `done_${a}`]),
    ...Object.keys(buildPlacementAsl().States as object).map((s) => `state_${s}`),
    ...LABOUR_MARKET_STATUSES.map((v) => `lms_${v}`),
    ...EDUCATION_LEVELS.map((v) => `edu_${v}`),
    ...YES_NO_UNDISCLOSED.map((v) => `yn_${v}`),
    ...FOREIGN_BACKGROUNDS.map((v) => `fb_${v}`),
    ...FOLLOW_UP_DECISIONS.map((v) => `decision_${v}`),
    ...ACTIVITY_KINDS.map((v) => `activity_${v}`),
    ...EARLY_CLOSING_REASONS.map((v) => `early_${v}`),
    ...OUTCOMES.map((v) => `result_${v}`),
    ...TALK_POINTS.map((v) => `talk_${v}`),
    ...MEETING_KINDS.map((v) => `meeting_${v}`),
  ];
  it.each(keys)('%s has a Swedish and an English text', (key) => {
    const entry = PROCESS_TEXTS[key];
    expect(entry, key).toBeDefined();
    expect(entry?.sv.trim().length).toBeGreaterThan(1);
    expect(entry?.en.trim().length).toBeGreaterThan(1);
  });

  it('words every refusal in both languages, filling in its details', () => {
    for (const code of REFUSAL_CODES) {
      expect(refusalText('sv', code, {})).not.toBe(refusalText('en', code, {}));
    }
    expect(refusalText('sv', 'meetingNotHeld', { start: '2026-12-03T09:00:00.000Z' })).toContain(
      '3 dec. 2026 10:00',
    );
    expect(refusalText('en', 'sixMonthsNotYet', { from: '2027-06-01' })).toContain('2027-06-01');
    // An unknown code still says that nothing was saved.
    expect(refusalText('en', 'whatever', {})).toContain('Nothing was saved');
  });
});

/**
 * Every issue a form can raise is worded by the catalogue: the rules carry codes only, so a code
 * with no words would show a person the generic "wrong format". Each parser is fed an empty form
 * and a hostile one; every issue must have its own words, all placeholders filled, in both languages.
 */
describe('form issue texts', () => {
  const long = 'x'.repeat(5000);
  const hostile: Record<string, string> = new Proxy({} as Record<string, string>, {
    get: (_t, key) => (key === 'decision' ? 'declined' : key === 'outcome' ? 'noRealisticNextStep' : long),
  });
  const everyField = (names: readonly string[], value: string) =>
    Object.fromEntries(names.map((n) => [n, value]));
  const referralCtx = { today: new Date('2026-11-22T12:00:00Z'), unitIds: ['remake'] };
  const parsers: Record<string, (raw: Record<string, string>) => { ok: boolean; issues?: FieldIssue[] }> = {
    referral: (raw) => validateReferral(raw, referralCtx),
    meetingTime: (raw) => parseMeetingTime(raw, { now: Date.parse('2026-11-22T12:00:00Z') }),
    studyVisitOutcome: forms.parseStudyVisitOutcome,
    intake: forms.parseIntake,
    plan: forms.parsePlan,
    talk: forms.parseTalk,
    followUp: forms.parseFollowUp,
    resume: forms.parseResume,
    activity: forms.parseActivity,
    closeEarly: forms.parseCloseEarly,
    closing: forms.parseClosing,
    afterClosing: forms.parseAfterClosing,
  };
  const inputs: Record<string, string>[] = [
    {},
    everyField(REFERRAL_FIELDS, long),
    everyField(REFERRAL_FIELDS, '   '),
    { ...everyField(REFERRAL_FIELDS, 'x'), plannedStart: '2020-01-01', plannedEnd: '2019-01-01' },
    { date: '2026-11-01', startTime: '11:00', endTime: '10:00', location: long },
    { date: '2036-11-01', startTime: '10:00', endTime: '11:00', location: 'x' },
    { decision: 'accepted' },
    { decision: 'declined' },
    { decision: 'increase' },
    { outcome: 'declined' },
    { outcome: 'noRealisticNextStep' },
  ];

  it.each(Object.keys(parsers))('%s: every issue has its own words, placeholders filled', (name) => {
    const parser = parsers[name] as (typeof parsers)[string];
    const seen = new Set<string>();
    for (const raw of [...inputs, { ...hostile }]) {
      const r = parser(raw);
      for (const issue of r.issues ?? []) {
        seen.add(`${issue.field}:${issue.code}`);
        for (const lang of ['sv', 'en'] as const) {
          const words = issueText(lang, issue);
          expect(words, `${name} ${issue.field}:${issue.code}`).not.toMatch(/\{\w+\}|^\s*$|undefined/);
          if (issue.code !== 'format')
            expect(words, `${name} ${issue.field}:${issue.code} (${lang})`).not.toBe(
              processText(lang, 'issue_format'),
            );
        }
      }
    }
    expect(seen.size).toBeGreaterThan(0);
  });
});

describe('the resume form in one round', () => {
  it('names the cap beside a missing statement date', () => {
    const r = forms.parseResume({ statementDate: '', maxPercent: '40', percent: '50', avoidTasks: '' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues.map((i) => `${i.field}:${i.code}`)).toEqual(['statementDate:date', 'percent:aboveCap']);
    const fine = forms.parseResume({ statementDate: '', maxPercent: '40', percent: '40', avoidTasks: '' });
    if (!fine.ok) expect(fine.issues.map((i) => i.field)).toEqual(['statementDate']);
  });
});
