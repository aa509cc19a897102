import { describe, expect, it } from 'vitest';
import { followUpRuleIssues } from '#core/use-cases/training';
import {
  CASE_OFFICER,
  COORDINATOR,
  caseIn,
  meeting,
  OTHER_SUPERVISOR,
  T0,
  world,
} from '#test/support/use-case-world';

/**
 * A follow-up form that comes back with field errors also names the working-time rules its
 * decision breaks, in the same round; it reads the case and changes nothing.
 */
describe('followUpRuleIssues', () => {
  const held = () =>
    caseIn('training', 'case00000001', T0, {
      meetings: [
        meeting('followUp', T0 - 2 * 3_600_000, { attendees: ['participant', 'supervisor', 'caseOfficer'] }),
      ],
    });

  it('names an increase without the case officer beside the missing summary', async () => {
    const w = world();
    await w.seed(held());
    const before = await w.get('case00000001');
    const issues = await followUpRuleIssues(w.deps, COORDINATOR, 'case00000001', {
      decision: 'increase',
      participantPresent: 'yes',
      caseOfficerPresent: 'no',
      newPercent: '40',
      summary: '',
      tasks: before.tasks.join('\n'),
    });
    expect(issues.map((i) => `${i.field}:${i.code}`)).toContain('decision:increaseNeedsBoth');
    expect(await w.get('case00000001')).toEqual(before);
  });

  it('says nothing when the decision cannot be read, there is no meeting, or the person may not record it', async () => {
    const w = world();
    await w.seed(held(), caseIn('training', 'case00000002', T0));
    const raw = {
      decision: 'increase',
      participantPresent: 'no',
      caseOfficerPresent: 'no',
      newPercent: '40',
    };
    expect(
      await followUpRuleIssues(w.deps, COORDINATOR, 'case00000001', { ...raw, decision: 'more' }),
    ).toEqual([]);
    expect(await followUpRuleIssues(w.deps, COORDINATOR, 'case00000002', raw)).toEqual([]);
    expect(await followUpRuleIssues(w.deps, OTHER_SUPERVISOR, 'case00000001', raw)).toEqual([]);
    expect(await followUpRuleIssues(w.deps, CASE_OFFICER, 'case00000001', raw)).toEqual([]);
    expect((await followUpRuleIssues(w.deps, COORDINATOR, 'case00000001', raw)).length).toBeGreaterThan(0);
  });
});
