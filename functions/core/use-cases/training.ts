import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth.ts';
import {
  type ActivityKind,
  type EarlyClosingReason,
  FOLLOW_UP_DECISIONS,
  type FollowUpDecision,
  meetingOf,
  openPause,
  TALK_POINTS,
  type TalkPoint,
} from '../case.ts';
import { type FieldIssue, ValidationError } from '../errors.ts';
import type { Deps } from '../ports.ts';
import { checkDecision, checkResume, hoursFor } from '../rules/working-time.ts';
import { unitPolicy } from '../units.ts';
import { act, mayAct } from './act.ts';
import { heldMeeting } from './meetings.ts';
import { unitOf } from './places.ts';
import { requireCase } from './update-case.ts';

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface TalkValues {
  formId?: string;
  date: string;
  points: Record<TalkPoint, string>;
  capacityDeclined: boolean;
}

/**
 * The supervisor records a supervision talk on the seven agenda points. The texts are kept as an
 * entry beside the record; a flagged decline in work capacity asks for a follow-up meeting.
 */
export function recordTalk(deps: Deps, p: Principal, caseId: string, v: TalkValues) {
  const talkId = randomUUID();
  return act(deps, p, caseId, 'recordTalk', {
    formId: v.formId,
    apply: (c, ctx) => {
      const issues: FieldIssue[] = [];
      if (v.date > isoDay(ctx.now)) issues.push({ field: 'date', code: 'future' });
      if (c.plan && v.date < c.plan.startDate) issues.push({ field: 'date', code: 'beforeStart' });
      if (issues.length) throw new ValidationError(issues);
      const at = new Date(ctx.now).toISOString();
      c.talks = {
        ...c.talks,
        count: c.talks.count + 1,
        lastDate: !c.talks.lastDate || v.date > c.talks.lastDate ? v.date : c.talks.lastDate,
        lastCapacityDeclined: v.capacityDeclined,
        ...(v.capacityDeclined ? { followUpRequestedAt: at } : {}),
      };
    },
    saveOptions: () => ({
      entries: [
        {
          kind: 'talk',
          entryId: talkId,
          data: {
            date: v.date,
            capacityDeclined: v.capacityDeclined,
            recordedBy: p.sub,
            points: pick(v.points),
          },
        },
      ],
    }),
  });
}

const pick = (points: Record<TalkPoint, string>) =>
  Object.fromEntries(TALK_POINTS.map((k) => [k, points[k] ?? '']));

export interface FollowUpValues {
  participantPresent: boolean;
  caseOfficerPresent: boolean;
  summary: string;
  decision: FollowUpDecision;
  newPercent?: number;
  reason?: string;
  tasks: string[];
}

/**
 * What the follow-up meeting decided, under the working-time rules: an increase only with the
 * participant and case officer present, one ladder step, after the landing period, not together
 * with a change of tasks, within the doctor's cap; a decrease any time with a reason; a pause.
 */
export function recordFollowUp(deps: Deps, p: Principal, caseId: string, v: FollowUpValues) {
  return act(deps, p, caseId, 'recordFollowUp', {
    same: (c) => {
      const last = c.followUps.at(-1);
      return (
        !!last &&
        last.summary === v.summary &&
        last.decision === v.decision &&
        last.newPercent === v.newPercent
      );
    },
    apply: (c, ctx) => {
      // The same record posted again (a double click) once its meeting is recorded: nothing to do.
      const latest = meetingOf(c, 'followUp');
      const last = c.followUps.at(-1);
      if (
        latest?.recordedAt &&
        last?.meetingId === latest.meetingId &&
        last.summary === v.summary &&
        last.decision === v.decision &&
        last.newPercent === v.newPercent
      )
        return;
      const m = heldMeeting(c, 'followUp', ctx.now, 'recordFollowUp');
      const issues = checkDecision(c, { ...v, meetingDate: m.start }, ctx.policy);
      const unknown = v.tasks.filter((t) => !(ctx.unit?.tasks ?? []).includes(t));
      if (unknown.length) issues.push({ field: 'tasks', code: 'unknownTask' });
      if (issues.length) throw new ValidationError(issues);
      const at = new Date(ctx.now).toISOString();
      const day = m.start.slice(0, 10);
      if ((v.decision === 'increase' || v.decision === 'decrease') && v.newPercent !== undefined) {
        const hoursPerWeek = hoursFor(v.newPercent, ctx.policy);
        c.workingTime = { percent: v.newPercent, hoursPerWeek, since: day };
        c.workingTimeHistory.push({
          ...c.workingTime,
          kind: v.decision,
          meetingId: m.meetingId,
          ...(v.reason ? { reason: v.reason } : {}),
          decidedAt: at,
          decidedBy: p.sub,
        });
      }
      if (v.decision === 'pause')
        c.pauses.push({ startedAt: at, meetingId: m.meetingId, reason: v.reason ?? '' });
      if (v.decision !== 'increase') c.tasks = [...v.tasks];
      c.followUps.push({
        meetingId: m.meetingId,
        participantPresent: v.participantPresent,
        caseOfficerPresent: v.caseOfficerPresent,
        summary: v.summary,
        decision: v.decision,
        ...(v.newPercent !== undefined
          ? { newPercent: v.newPercent, newHoursPerWeek: hoursFor(v.newPercent, ctx.policy) }
          : {}),
        ...(v.reason ? { reason: v.reason } : {}),
        tasks: [...v.tasks],
        recordedAt: at,
        recordedBy: p.sub,
      });
      m.recordedAt = at;
      // The follow-up asked for by a talk has been held.
      delete c.talks.followUpRequestedAt;
    },
  });
}

/**
 * The working-time rules a follow-up form breaks, read from what was posted even when other
 * fields are missing, so that a person learns every problem in one round (the form's field errors
 * and these together). Changes nothing; empty when the decision cannot be read yet.
 */
export async function followUpRuleIssues(
  deps: Deps,
  p: Principal,
  caseId: string,
  raw: Record<string, string | undefined>,
): Promise<FieldIssue[]> {
  const decision = raw.decision?.trim() as FollowUpDecision | undefined;
  if (!decision || !(FOLLOW_UP_DECISIONS as readonly string[]).includes(decision)) return [];
  const c = await requireCase(deps.repo, caseId);
  // Only someone who may record the meeting learns what its rules say about the case.
  if (!mayAct(p, c, 'recordFollowUp')) return [];
  const m = meetingOf(c, 'followUp');
  if (!m || m.recordedAt) return [];
  const percent = raw.newPercent?.trim();
  const unit = await unitOf(deps, c.unitId);
  return checkDecision(
    c,
    {
      decision,
      ...(percent && /^\d{1,3}$/.test(percent) ? { newPercent: Number(percent) } : {}),
      participantPresent: raw.participantPresent === 'yes',
      caseOfficerPresent: raw.caseOfficerPresent === 'yes',
      reason: raw.reason?.trim() || undefined,
      tasks: (raw.tasks ?? '')
        .split('\n')
        .map((t) => t.trim())
        .filter(Boolean),
      meetingDate: m.start,
    },
    unitPolicy(unit),
  ).filter((i) => i.field !== 'newPercent' || !!percent);
}

export interface ResumeValues {
  statementDate: string;
  maxPercent: number;
  avoidTasks: string;
  percent: number;
}

/** Training resumes after a pause under the limits of the doctor's statement. */
export function resumeTraining(deps: Deps, p: Principal, caseId: string, v: ResumeValues) {
  return act(deps, p, caseId, 'resume', {
    same: (c) => {
      const last = c.pauses.at(-1);
      return !!last?.resumedAt && last.statementDate === v.statementDate && last.maxPercent === v.maxPercent;
    },
    apply: (c, ctx) => {
      const pause = openPause(c);
      if (!pause) return;
      const issues = checkResume(v.percent, v.maxPercent);
      if (v.statementDate > isoDay(ctx.now)) issues.push({ field: 'statementDate', code: 'future' });
      if (issues.length) throw new ValidationError(issues);
      const at = new Date(ctx.now).toISOString();
      Object.assign(pause, {
        resumedAt: at,
        statementDate: v.statementDate,
        maxPercent: v.maxPercent,
        avoidTasks: v.avoidTasks,
      });
      const hoursPerWeek = hoursFor(v.percent, ctx.policy);
      c.workingTime = { percent: v.percent, hoursPerWeek, since: isoDay(ctx.now) };
      c.workingTimeHistory.push({ ...c.workingTime, kind: 'resume', decidedAt: at, decidedBy: p.sub });
    },
  });
}

export interface ActivityValues {
  formId?: string;
  kind: ActivityKind;
  date: string;
  note: string;
}

/** CV help, a job fair, a language café…: logged on the case with a date. */
export function logActivity(deps: Deps, p: Principal, caseId: string, v: ActivityValues) {
  const activityId = randomUUID();
  return act(deps, p, caseId, 'logActivity', {
    formId: v.formId,
    apply: (c, ctx) => {
      if (c.activities.length >= 500)
        throw new ValidationError([{ field: 'kind', code: 'tooMany', params: { max: 500 } }]);
      c.activities.push({
        activityId,
        kind: v.kind,
        date: v.date,
        note: v.note,
        recordedAt: new Date(ctx.now).toISOString(),
        recordedBy: p.sub,
      });
    },
  });
}

/** Closing starts early: got a job, moved on to studies, left, moved away, other. */
export function closeEarly(
  deps: Deps,
  p: Principal,
  caseId: string,
  v: { reason: EarlyClosingReason; note: string },
) {
  return act(deps, p, caseId, 'closeEarly', {
    same: (c) => c.closing?.early?.reason === v.reason,
    apply: (c, ctx) => {
      c.closing = { ...c.closing, early: { ...v, at: new Date(ctx.now).toISOString(), by: p.sub } };
    },
  });
}
