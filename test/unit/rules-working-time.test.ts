import { describe, expect, it } from 'vitest';
import type { CaseRecord, WorkingTimeChange } from '#core/case';
import {
  checkDecision,
  checkResume,
  checkStartPercent,
  type DecisionInput,
  hoursFor,
  ladderIndex,
  landingStart,
  workingTimeCap,
} from '#core/rules/working-time';
import { isValidLadder, unitPolicy } from '#core/units';
import { newCaseRecord } from '#test/support/records';

const policy = unitPolicy(undefined);
const DAY = 86_400_000;
const START = Date.parse('2027-01-04T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function change(kind: WorkingTimeChange['kind'], percent: number, sinceMs: number): WorkingTimeChange {
  return {
    kind,
    percent,
    hoursPerWeek: hoursFor(percent, policy),
    since: iso(sinceMs).slice(0, 10),
    decidedAt: iso(sinceMs),
    decidedBy: 'x',
  };
}

function training(
  percent: number,
  history: WorkingTimeChange[],
  extra: Partial<CaseRecord> = {},
): CaseRecord {
  return {
    ...newCaseRecord('rulecase00001', START),
    workingTime: {
      percent,
      hoursPerWeek: hoursFor(percent, policy),
      since: history.at(-1)?.since ?? '2027-01-04',
    },
    workingTimeHistory: history,
    tasks: ['sy'],
    ...extra,
  };
}

const increase = (over: Partial<DecisionInput> = {}): DecisionInput => ({
  decision: 'increase',
  newPercent: 40,
  participantPresent: true,
  caseOfficerPresent: true,
  tasks: ['sy'],
  meetingDate: iso(START + 28 * DAY),
  ...over,
});
const codes = (issues: { field: string; code: string }[]) => issues.map((i) => `${i.field}:${i.code}`).sort();

describe('working-time ladder', () => {
  it('has defaults whose first two steps are below 50 %', () => {
    expect(policy).toEqual({
      talkIntervalDays: 14,
      talkEscalationDays: 7,
      followUpIntervalDays: 56,
      ladder: [25, 40, 50, 75, 100],
      landingWeeks: 4,
      fullTimeHours: 40,
    });
  });
  it.each([
    [[25, 40, 50, 75, 100], true],
    [[20, 45], true],
    [[25, 50, 75], false],
    [[50, 60], false],
    [[25, 25, 50], false],
    [[40, 25, 50], false],
    [[25, 40, 101], false],
    [[25.5, 40, 100], false],
    [[25], false],
    [[0, 40, 100], false],
  ])('%j is a valid ladder: %s', (ladder, valid) => {
    expect(isValidLadder(ladder)).toBe(valid);
    expect(unitPolicy({ ladder } as never).ladder).toEqual(valid ? ladder : [25, 40, 50, 75, 100]);
  });
  it('finds the step at or below a percentage', () => {
    expect(ladderIndex(10, policy.ladder)).toBe(-1);
    expect(ladderIndex(25, policy.ladder)).toBe(0);
    expect(ladderIndex(39, policy.ladder)).toBe(0);
    expect(ladderIndex(40, policy.ladder)).toBe(1);
    expect(ladderIndex(100, policy.ladder)).toBe(4);
  });
  it('gives hours a week to the half hour', () => {
    expect(hoursFor(25, policy)).toBe(10);
    expect(hoursFor(33, policy)).toBe(13);
    expect(hoursFor(34, policy)).toBe(13.5);
    expect(hoursFor(100, { ...policy, fullTimeHours: 38.25 })).toBe(38.5);
  });
  it('starts on a step of the ladder, within the cap', () => {
    expect(checkStartPercent(25, policy)).toEqual([]);
    expect(codes(checkStartPercent(30, policy))).toEqual(['percent:notOnLadder']);
    expect(checkStartPercent(30, policy)[0]?.params).toEqual({ ladder: '25, 40, 50, 75, 100' });
    expect(codes(checkStartPercent(50, policy, 40))).toEqual(['percent:aboveCap']);
    expect(checkStartPercent(40, policy, 40)).toEqual([]);
  });
});

describe('an increase', () => {
  const c = training(25, [change('start', 25, START)]);
  it('is allowed one step up, with both present, after the landing period', () => {
    expect(checkDecision(c, increase(), policy)).toEqual([]);
  });
  it('needs the participant and the case officer present', () => {
    expect(codes(checkDecision(c, increase({ participantPresent: false }), policy))).toEqual([
      'decision:increaseNeedsBoth',
    ]);
    expect(codes(checkDecision(c, increase({ caseOfficerPresent: false }), policy))).toEqual([
      'decision:increaseNeedsBoth',
    ]);
  });
  it('goes one step at a time', () => {
    for (const p of [50, 25, 30, 100]) {
      const issues = checkDecision(c, increase({ newPercent: p }), policy);
      expect(codes(issues)).toEqual(['newPercent:oneStep']);
      expect(issues[0]?.params).toEqual({ next: 40, current: 25 });
    }
  });
  it('cannot go above the top of the ladder', () => {
    const top = training(100, [change('start', 100, START)]);
    expect(codes(checkDecision(top, increase({ newPercent: 100 }), policy))).toEqual([
      'newPercent:ladderTop',
    ]);
  });
  it('waits for the landing period: allowed at its end, refused a moment before', () => {
    const end = START + 28 * DAY;
    expect(checkDecision(c, increase({ meetingDate: iso(end) }), policy)).toEqual([]);
    const early = checkDecision(c, increase({ meetingDate: iso(end - 1) }), policy);
    expect(codes(early)).toEqual(['decision:landing']);
    expect(early[0]?.params).toEqual({ weeks: 4, from: '2027-02-01' });
    expect(checkDecision(c, increase({ meetingDate: iso(end - 1) }), { ...policy, landingWeeks: 2 })).toEqual(
      [],
    );
  });
  it('counts landing from the last increase or resume, not from a decrease', () => {
    const after = training(40, [
      change('start', 25, START),
      change('increase', 40, START + 30 * DAY),
      change('decrease', 25, START + 40 * DAY),
    ]);
    expect(landingStart(after)).toBe(iso(START + 30 * DAY).slice(0, 10));
    const resumed = training(25, [change('start', 25, START), change('resume', 25, START + 60 * DAY)]);
    expect(landingStart(resumed)).toBe(iso(START + 60 * DAY).slice(0, 10));
    expect(codes(checkDecision(resumed, increase({ meetingDate: iso(START + 70 * DAY) }), policy))).toEqual([
      'decision:landing',
    ]);
  });
  it('does not change tasks in the same decision', () => {
    expect(codes(checkDecision(c, increase({ tasks: ['sy', 'packa'] }), policy))).toEqual([
      'tasks:noTaskChangeWithIncrease',
    ]);
    expect(codes(checkDecision(c, increase({ tasks: ['packa'] }), policy))).toEqual([
      'tasks:noTaskChangeWithIncrease',
    ]);
    expect(codes(checkDecision(c, increase({ tasks: [] }), policy))).toEqual([
      'tasks:noTaskChangeWithIncrease',
    ]);
  });
  it("never goes above the cap of the doctor's statement after a pause", () => {
    const capped = training(25, [change('start', 25, START)], {
      pauses: [{ startedAt: iso(START), reason: 'x', resumedAt: iso(START + DAY), maxPercent: 25 }],
    });
    expect(workingTimeCap(capped)).toBe(25);
    expect(codes(checkDecision(capped, increase(), policy))).toEqual(['newPercent:aboveCap']);
  });
  it('is refused while paused, and with no working time set', () => {
    const paused = training(25, [change('start', 25, START)], {
      pauses: [{ startedAt: iso(START + DAY), reason: 'x' }],
    });
    expect(codes(checkDecision(paused, increase(), policy))).toEqual(['decision:paused']);
    const none = { ...training(25, []), workingTime: undefined };
    expect(codes(checkDecision(none, increase(), policy))).toEqual(['decision:noWorkingTime']);
  });
  it('reports every broken rule at once', () => {
    expect(
      codes(
        checkDecision(
          c,
          increase({
            participantPresent: false,
            newPercent: 50,
            tasks: ['packa'],
            meetingDate: iso(START + DAY),
          }),
          policy,
        ),
      ),
    ).toEqual([
      'decision:increaseNeedsBoth',
      'decision:landing',
      'newPercent:oneStep',
      'tasks:noTaskChangeWithIncrease',
    ]);
  });
});

describe('a decrease and a pause', () => {
  const c = training(50, [change('start', 25, START), change('increase', 50, START + 30 * DAY)]);
  it('decreases at any time with a reason, to below the current level', () => {
    const d = (newPercent: number | undefined, reason = 'Trött') =>
      codes(
        checkDecision(
          c,
          {
            ...increase(),
            decision: 'decrease',
            newPercent,
            reason,
            participantPresent: false,
            tasks: ['packa'],
            meetingDate: iso(START + 31 * DAY),
          },
          policy,
        ),
      );
    expect(d(25)).toEqual([]);
    expect(d(49)).toEqual([]);
    expect(d(50)).toEqual(['newPercent:decreaseBelow']);
    expect(d(60)).toEqual(['newPercent:decreaseBelow']);
    expect(d(0)).toEqual(['newPercent:decreaseBelow']);
    expect(d(undefined)).toEqual(['newPercent:decreaseBelow']);
    expect(d(25, '  ')).toEqual(['reason:required']);
  });
  it('pauses with a reason, once', () => {
    const p = (cc: CaseRecord, reason: string) =>
      codes(checkDecision(cc, { ...increase(), decision: 'pause', reason }, policy));
    expect(p(c, 'Vårdkontakt')).toEqual([]);
    expect(p(c, '')).toEqual(['reason:required']);
    expect(p({ ...c, pauses: [{ startedAt: iso(START), reason: 'x' }] }, 'igen')).toEqual([
      'decision:alreadyPaused',
    ]);
  });
  it('no change needs nothing', () => {
    expect(checkDecision(c, { ...increase(), decision: 'noChange', tasks: ['packa'] }, policy)).toEqual([]);
  });
  it('resumes within the statement', () => {
    expect(checkResume(40, 50)).toEqual([]);
    expect(checkResume(50, 50)).toEqual([]);
    expect(codes(checkResume(51, 50))).toEqual(['percent:aboveCap']);
    expect(checkResume(51, 50)[0]?.params).toEqual({ cap: 50 });
    expect(codes(checkResume(0, 50))).toEqual(['percent:range']);
  });
});

describe('the working-time rules at their edges', () => {
  const resumed = (maxPercent: number | undefined, at: number) => ({
    startedAt: iso(at - 10 * DAY),
    reason: 'r',
    resumedAt: iso(at),
    ...(maxPercent === undefined ? {} : { maxPercent }),
  });

  it('takes the cap of the latest statement that set one', () => {
    const c = (pauses: CaseRecord['pauses']) => training(25, [], { pauses });
    expect(workingTimeCap(c([resumed(50, START), resumed(75, START + 20 * DAY)]))).toBe(75);
    expect(workingTimeCap(c([resumed(50, START), resumed(undefined, START + 20 * DAY)]))).toBe(50);
    expect(workingTimeCap(c([resumed(50, START), { startedAt: iso(START + 30 * DAY), reason: 'r' }]))).toBe(
      50,
    );
    expect(workingTimeCap(c([{ startedAt: iso(START), reason: 'r' }]))).toBeUndefined();
    expect(workingTimeCap(c([]))).toBeUndefined();
  });

  it('names the ladder when a start is off it, and the cap when above it', () => {
    expect(checkStartPercent(30, policy)).toEqual([
      { field: 'percent', code: 'notOnLadder', params: { ladder: '25, 40, 50, 75, 100' } },
    ]);
    expect(checkStartPercent(50, policy, 40)).toEqual([
      { field: 'percent', code: 'aboveCap', params: { cap: 40 } },
    ]);
    expect(checkStartPercent(40, policy, 40)).toEqual([]);
  });

  it('finds no landing start in a history of decreases only', () => {
    expect(landingStart(training(25, []))).toBeUndefined();
    expect(landingStart(training(25, [change('decrease', 25, START)]))).toBeUndefined();
  });

  it('counts one task swapped for another as a change of tasks', () => {
    const c = training(25, [change('start', 25, START)], { tasks: ['sy', 'packa'] });
    expect(codes(checkDecision(c, increase({ tasks: ['sy', 'dansa'] }), policy))).toEqual([
      'tasks:noTaskChangeWithIncrease',
    ]);
    expect(checkDecision(c, increase({ tasks: ['packa', 'sy'] }), policy)).toEqual([]);
  });

  it('lets an increase reach the cap but not pass it, naming the cap', () => {
    const under = (cap: number) =>
      training(25, [change('resume', 25, START)], { pauses: [resumed(cap, START)] });
    expect(checkDecision(under(40), increase(), policy)).toEqual([]);
    expect(checkDecision(under(50), increase(), policy)).toEqual([]);
    expect(checkDecision(under(30), increase(), policy)).toEqual([
      { field: 'newPercent', code: 'aboveCap', params: { cap: 30 } },
    ]);
  });

  it('needs a working time and a real reason to decrease, naming the current level', () => {
    const none = { ...training(25, []), workingTime: undefined };
    expect(
      checkDecision(none, { ...increase(), decision: 'decrease', newPercent: 10, reason: 'x' }, policy),
    ).toEqual([{ field: 'decision', code: 'noWorkingTime' }]);
    const c = training(25, [change('start', 25, START)]);
    expect(
      checkDecision(c, { ...increase(), decision: 'decrease', newPercent: 25, reason: undefined }, policy),
    ).toEqual([
      { field: 'newPercent', code: 'decreaseBelow', params: { current: 25 } },
      { field: 'reason', code: 'required' },
    ]);
    expect(
      codes(checkDecision(c, { ...increase(), decision: 'decrease', newPercent: 10, reason: '  ' }, policy)),
    ).toEqual(['reason:required']);
  });

  it('needs a real reason to pause', () => {
    const c = training(25, [change('start', 25, START)]);
    for (const reason of [undefined, '', '   '])
      expect(
        checkDecision(c, { ...increase(), decision: 'pause', newPercent: undefined, reason }, policy),
      ).toEqual([{ field: 'reason', code: 'required' }]);
    expect(checkDecision(c, { ...increase(), decision: 'pause', reason: 'Vård' }, policy)).toEqual([]);
  });
});
