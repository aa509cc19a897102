import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, isValidLadder, type Unit, unitPolicy } from '#core/units';

const unit: Unit = {
  unitId: 'u',
  name: 'U',
  description: '',
  tasks: [],
  places: 1,
  address: '',
  coordinatorEmails: [],
};

describe('unitPolicy', () => {
  it('fills in the method’s defaults', () => {
    const defaults = {
      talkIntervalDays: 14,
      talkEscalationDays: 7,
      followUpIntervalDays: 56,
      ladder: [25, 40, 50, 75, 100],
      landingWeeks: 4,
      fullTimeHours: 40,
    };
    expect(unitPolicy(undefined)).toEqual(defaults);
    expect(unitPolicy(unit)).toEqual(defaults);
    expect(DEFAULT_LADDER).toEqual([25, 40, 50, 75, 100]);
    // A copy: a rule changing it cannot change the default.
    expect(unitPolicy(undefined).ladder).not.toBe(DEFAULT_LADDER);
  });

  it('takes the unit’s own rules', () => {
    expect(
      unitPolicy({
        ...unit,
        talkIntervalDays: 10,
        talkEscalationDays: 3,
        followUpIntervalDays: 42,
        ladder: [20, 30, 60, 100],
        landingWeeks: 6,
        fullTimeHours: 35,
      }),
    ).toEqual({
      talkIntervalDays: 10,
      talkEscalationDays: 3,
      followUpIntervalDays: 42,
      ladder: [20, 30, 60, 100],
      landingWeeks: 6,
      fullTimeHours: 35,
    });
  });

  it('ignores a ladder that breaks the method', () => {
    expect(unitPolicy({ ...unit, ladder: [50, 75, 100] }).ladder).toEqual([25, 40, 50, 75, 100]);
    expect(unitPolicy({ ...unit, ladder: [] }).ladder).toEqual([25, 40, 50, 75, 100]);
  });
});

describe('isValidLadder', () => {
  it('takes strictly rising whole percentages up to 100 whose first two steps are below 50', () => {
    expect(isValidLadder([25, 40, 50, 75, 100])).toBe(true);
    expect(isValidLadder([10, 49])).toBe(true);
    expect(isValidLadder([25])).toBe(false);
    expect(isValidLadder([25, 50, 75])).toBe(false);
    expect(isValidLadder([40, 25, 50])).toBe(false);
    expect(isValidLadder([25, 25, 50])).toBe(false);
    expect(isValidLadder([0, 25, 50])).toBe(false);
    expect(isValidLadder([25, 40, 101])).toBe(false);
    expect(isValidLadder([25, 40.5, 60])).toBe(false);
  });
});
