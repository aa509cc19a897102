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
import { buildPlacementAsl } from '#core/process/asl';
import { ACTION_NAMES, PHASE_NAMES } from '#core/process/declaration';
import { PROCESS_TEXTS, REFUSAL_CODES, refusalText } from '#web/process-texts';

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
