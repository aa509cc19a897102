import type { CaseRecord, FollowUpDecision } from '../case.ts';
import { DAY_MS, openPause } from '../case.ts';
import type { FieldIssue } from '../errors.ts';
import type { UnitPolicy } from '../units.ts';

/**
 * The working-time rules of the method (server-enforced):
 * - an increase is decided only at a follow-up meeting where the participant and the case
 *   officer are recorded as present;
 * - one step at a time up the unit's ladder;
 * - after each increase (or start, or resume) a landing period before the next;
 * - no change of work tasks in the same decision as an increase;
 * - a decrease is allowed at any time, with a reason;
 * - after a pause, never above the cap of the doctor's statement.
 * Each refusal is a FieldIssue whose code names the rule; the web catalogue words it.
 */

export const hoursFor = (percent: number, policy: UnitPolicy) =>
  Math.round(((percent * policy.fullTimeHours) / 100) * 2) / 2;

/** The cap of the latest doctor's statement, if training resumed under one. */
export function workingTimeCap(c: CaseRecord): number | undefined {
  const resumed = [...c.pauses].reverse().find((p) => p.resumedAt && p.maxPercent !== undefined);
  return resumed?.maxPercent;
}

/** The ladder step at or just below a percentage (-1 below the first step). */
export function ladderIndex(percent: number, ladder: readonly number[]): number {
  let idx = -1;
  ladder.forEach((p, i) => {
    if (p <= percent) idx = i;
  });
  return idx;
}

/** The starting working time: a step of the ladder, within any cap. */
export function checkStartPercent(percent: number, policy: UnitPolicy, cap?: number): FieldIssue[] {
  if (!policy.ladder.includes(percent))
    return [{ field: 'percent', code: 'notOnLadder', params: { ladder: policy.ladder.join(', ') } }];
  if (cap !== undefined && percent > cap) return [{ field: 'percent', code: 'aboveCap', params: { cap } }];
  return [];
}

export interface DecisionInput {
  decision: FollowUpDecision;
  newPercent?: number;
  participantPresent: boolean;
  caseOfficerPresent: boolean;
  reason?: string;
  /** The work tasks after the meeting. */
  tasks: readonly string[];
  /** The meeting day (ISO date or instant). */
  meetingDate: string;
}

/** When the last change that starts a landing period took effect. */
export function landingStart(c: CaseRecord): string | undefined {
  return [...c.workingTimeHistory].reverse().find((h) => h.kind !== 'decrease')?.since;
}

/** Checks a follow-up meeting's decision against the rules; returns every broken rule. */
export function checkDecision(c: CaseRecord, d: DecisionInput, policy: UnitPolicy): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const current = c.workingTime?.percent;
  const tasksChanged = d.tasks.length !== c.tasks.length || d.tasks.some((t) => !c.tasks.includes(t));
  if (d.decision === 'increase') {
    if (!d.participantPresent || !d.caseOfficerPresent)
      issues.push({ field: 'decision', code: 'increaseNeedsBoth' });
    if (current === undefined) {
      issues.push({ field: 'decision', code: 'noWorkingTime' });
      return issues;
    }
    const next = policy.ladder[ladderIndex(current, policy.ladder) + 1];
    if (next === undefined) issues.push({ field: 'newPercent', code: 'ladderTop' });
    else if (d.newPercent !== next)
      issues.push({ field: 'newPercent', code: 'oneStep', params: { next, current } });
    const since = landingStart(c);
    if (since) {
      const ready = Date.parse(since) + policy.landingWeeks * 7 * DAY_MS;
      if (Date.parse(d.meetingDate) < ready)
        issues.push({
          field: 'decision',
          code: 'landing',
          params: { weeks: policy.landingWeeks, from: new Date(ready).toISOString().slice(0, 10) },
        });
    }
    const cap = workingTimeCap(c);
    if (cap !== undefined && d.newPercent !== undefined && d.newPercent > cap)
      issues.push({ field: 'newPercent', code: 'aboveCap', params: { cap } });
    if (tasksChanged) issues.push({ field: 'tasks', code: 'noTaskChangeWithIncrease' });
    if (openPause(c)) issues.push({ field: 'decision', code: 'paused' });
  }
  if (d.decision === 'decrease') {
    if (current === undefined) issues.push({ field: 'decision', code: 'noWorkingTime' });
    else if (d.newPercent === undefined || d.newPercent <= 0 || d.newPercent >= current)
      issues.push({ field: 'newPercent', code: 'decreaseBelow', params: { current } });
    if (!d.reason?.trim()) issues.push({ field: 'reason', code: 'required' });
  }
  if (d.decision === 'pause') {
    if (openPause(c)) issues.push({ field: 'decision', code: 'alreadyPaused' });
    if (!d.reason?.trim()) issues.push({ field: 'reason', code: 'required' });
  }
  return issues;
}

/** Resuming after a pause: the new level must respect the doctor's statement. */
export function checkResume(percent: number, maxPercent: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (percent > maxPercent) issues.push({ field: 'percent', code: 'aboveCap', params: { cap: maxPercent } });
  if (!(percent > 0)) issues.push({ field: 'percent', code: 'range', params: { min: 1, max: 100 } });
  return issues;
}
