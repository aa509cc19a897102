import type { Principal } from '../auth.ts';
import { meetingOf } from '../case.ts';
import { type FieldIssue, ValidationError } from '../errors.ts';
import type { Deps } from '../ports.ts';
import { checkStartPercent, hoursFor, workingTimeCap } from '../rules/working-time.ts';
import { act } from './act.ts';
import { heldMeeting, type MeetingForm, newMeeting, readMeetingTime, refuseClash } from './meetings.ts';
import { unitOf } from './places.ts';

/**
 * The coordinator assigns a supervisor and books the start-up meeting: the invitation goes to
 * the participant and the supervisor, and to the case officer when asked.
 */
export async function scheduleStartup(
  deps: Deps,
  p: Principal,
  caseId: string,
  form: MeetingForm & { supervisorEmail?: string; inviteCaseOfficer?: string },
) {
  const c0 = await deps.repo.getCase(caseId);
  const unit = c0 ? await unitOf(deps, c0.unitId) : undefined;
  const email = (form.supervisorEmail ?? '').trim().toLowerCase();
  const supervisor = unit?.supervisors?.find((s) => s.email.toLowerCase() === email);
  const issues: FieldIssue[] = [];
  if (!supervisor) issues.push({ field: 'supervisorEmail', code: 'required' });
  let time: ReturnType<typeof readMeetingTime> | undefined;
  try {
    time = readMeetingTime(deps, form);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    issues.push(...err.issues);
  }
  if (issues.length || !time || !supervisor) throw new ValidationError(issues);
  await refuseClash(deps, caseId, time, {
    principal: p,
    action: 'scheduleStartup',
    repeatOf: 'startup',
    supervisorEmail: supervisor.email,
  });
  const t = time;
  const withOfficer = form.inviteCaseOfficer === 'yes';
  return act(deps, p, caseId, 'scheduleStartup', {
    same: (c) => {
      const m = meetingOf(c, 'startup');
      return !!m && m.start === t.start && m.end === t.end && c.supervisor?.email === supervisor.email;
    },
    apply: (c, ctx) => {
      c.supervisor = { name: supervisor.name, email: supervisor.email };
      c.meetings.push(
        newMeeting(
          c,
          'startup',
          t,
          p,
          withOfficer ? ['participant', 'supervisor', 'caseOfficer'] : ['participant', 'supervisor'],
          ctx.now,
        ),
      );
    },
  });
}

export interface PlanValues {
  goals: string;
  tasks: string[];
  percent: number;
  adaptations: string;
  startDate: string;
}

/**
 * After the start-up meeting: the individual plan (goals, work tasks chosen with the participant,
 * starting working time, adaptations, start date). Training starts from it.
 */
export function recordPlan(deps: Deps, p: Principal, caseId: string, v: PlanValues) {
  return act(deps, p, caseId, 'recordPlan', {
    same: (c) =>
      !!c.plan &&
      c.plan.goals === v.goals &&
      c.plan.percent === v.percent &&
      c.plan.startDate === v.startDate,
    apply: (c, ctx) => {
      const m = heldMeeting(c, 'startup', ctx.now, 'recordPlan');
      const issues: FieldIssue[] = [];
      const known = ctx.unit?.tasks ?? [];
      const unknown = v.tasks.filter((t) => !known.includes(t));
      if (!v.tasks.length) issues.push({ field: 'tasks', code: 'required' });
      else if (unknown.length) issues.push({ field: 'tasks', code: 'unknownTask' });
      issues.push(...checkStartPercent(v.percent, ctx.policy, workingTimeCap(c)));
      if (v.startDate < m.start.slice(0, 10)) issues.push({ field: 'startDate', code: 'beforeMeeting' });
      if (issues.length) throw new ValidationError(issues);
      const at = new Date(ctx.now).toISOString();
      const hoursPerWeek = hoursFor(v.percent, ctx.policy);
      c.plan = { ...v, hoursPerWeek, recordedAt: at, recordedBy: p.sub };
      c.tasks = [...v.tasks];
      c.workingTime = { percent: v.percent, hoursPerWeek, since: v.startDate };
      c.workingTimeHistory.push({ ...c.workingTime, kind: 'start', decidedAt: at, decidedBy: p.sub });
      m.recordedAt = at;
    },
  });
}
