import { isStaff, type Principal } from '../auth.ts';
import type { Attendee, CaseRecord } from '../case.ts';
import { type FieldIssue, ForbiddenError, StepNotWaitingError, ValidationError } from '../errors.ts';
import { meetingView, meetingViews } from '../meeting-view.ts';
import { clockNotice } from '../messages.ts';
import { nextDue } from '../placements.ts';
import type { AuditEvent, Deps, RunSummary } from '../ports.ts';
import { CLOCKS, type ClockDecl } from '../process/declaration.ts';
import { unitPolicy } from '../units.ts';
import { continueCase, moveToCurrentWorkflow, startNextSegment } from './continue-case.ts';
import { sendOnce } from './outbox.ts';
import { fillQueue, unitOf } from './places.ts';
import { requireCase, updateCase } from './update-case.ts';
import { recipientsOf, sendInvitations } from './workflow-steps.ts';

/**
 * What an administrator (and, for the first two, a coordinator) can do to steer a placement from
 * the console. Each is confirmed on a page, written to the audit log (who, when, what, why) and
 * done once per confirmation form: the form's id is the audit event's id, so a double click, a
 * reload or a retry finds the event and does nothing more.
 */
export const ADMIN_ACTIONS = [
  'resendInvitation',
  'remindNow',
  'stopRun',
  'redriveRun',
  'continueRun',
  'moveToCurrentVersion',
  'closeAdministratively',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];
export const isAdminAction = (x: string): x is AdminAction =>
  (ADMIN_ACTIONS as readonly string[]).includes(x);

/** Actions a coordinator may take too; the others steer the workflow and are for admins. */
const COORDINATOR_ACTIONS: readonly AdminAction[] = ['resendInvitation', 'remindNow'];
/** Actions that need a reason typed by the person. */
export const NEEDS_REASON: readonly AdminAction[] = ['stopRun', 'closeAdministratively'];

export function mayTake(p: Principal, action: AdminAction): boolean {
  if (p.groups.includes('admin')) return true;
  return p.groups.includes('coordinator') && COORDINATOR_ACTIONS.includes(action);
}

/** The facts availability is judged on: the record, its execution as the service reports it. */
export interface RunFacts {
  /** The execution the record names, or undefined when the service has none by that name. */
  run?: Pick<RunSummary, 'status'>;
  /** The version of the deployed definition. */
  currentVersion?: string;
  now: number;
}

/** Meetings an invitation can be sent again for: booked, not cancelled or done, still to come. */
export function resendableMeetings(c: CaseRecord, now: number) {
  return meetingViews(c).filter(
    (m) => !m.cancelled && !m.done && Date.parse(m.start) > now && m.invitationSentForSequence === m.sequence,
  );
}

/** Why an action cannot be taken now (a code the console words), or undefined when it can. */
export function unavailable(action: AdminAction, c: CaseRecord, f: RunFacts): string | undefined {
  if (c.status !== 'active') return 'caseClosed';
  const status = f.run?.status;
  switch (action) {
    case 'resendInvitation':
      return resendableMeetings(c, f.now).length > 0 ? undefined : 'noComingMeeting';
    case 'remindNow':
      return nextDue(c, unitPolicy(undefined), f.now) ? undefined : 'nothingDue';
    case 'stopRun':
      return status === 'RUNNING' ? undefined : 'noRunningRun';
    case 'redriveRun':
      return status === 'FAILED' || status === 'TIMED_OUT' ? undefined : 'runNotFailed';
    case 'continueRun':
      if (status === 'RUNNING') return 'runRunning';
      if (status === 'FAILED' || status === 'TIMED_OUT') return 'useRedrive';
      return undefined;
    case 'moveToCurrentVersion':
      if (status !== 'RUNNING') return 'noRunningRun';
      if (!f.currentVersion || c.execution.workflowVersion === f.currentVersion) return 'onCurrentVersion';
      return undefined;
    case 'closeAdministratively':
      return undefined;
  }
}

export interface AdminActionForm {
  formId?: string;
  reason?: string;
  meetingId?: string;
}

const FORM_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The form's issues: a reason where one is needed, a meeting that can be sent again. */
export function adminActionIssues(action: AdminAction, form: AdminActionForm, c: CaseRecord, now: number) {
  const issues: FieldIssue[] = [];
  const reason = form.reason?.trim() ?? '';
  if (NEEDS_REASON.includes(action)) {
    if (!reason) issues.push({ field: 'reason', code: 'required' });
    else if (reason.length < 5) issues.push({ field: 'reason', code: 'tooShort', params: { min: 5 } });
  }
  if (reason.length > 500) issues.push({ field: 'reason', code: 'length', params: { max: 500 } });
  if (
    action === 'resendInvitation' &&
    !resendableMeetings(c, now).some((m) => m.meetingId === form.meetingId)
  )
    issues.push({ field: 'meetingId', code: 'required' });
  return issues;
}

export interface AdminActionResult {
  /** done: this request did it; already: the same confirmation was done before (a double click). */
  outcome: 'done' | 'already';
  event: AuditEvent;
}

/**
 * Takes one action on a case: checks who asks and the form, claims the audit event (once per
 * form id), does it and records how it ended. A refusal (the case moved on meanwhile) is recorded
 * too and answered with its reason.
 */
export async function takeAdminAction(
  deps: Deps,
  p: Principal,
  caseId: string,
  action: AdminAction,
  form: AdminActionForm,
  currentVersion: string | undefined,
): Promise<AdminActionResult> {
  if (!isStaff(p) || !mayTake(p, action)) throw new ForbiddenError(`Not allowed to ${action}`);
  const c = await requireCase(deps.repo, caseId);
  if (!form.formId || !FORM_ID.test(form.formId))
    throw new ValidationError([{ field: 'formId', code: 'required' }]);
  const now = deps.clock.now();
  const event: AuditEvent = {
    auditId: form.formId,
    at: new Date(now).toISOString(),
    by: { sub: p.sub, name: p.name },
    action,
    caseId,
    reference: c.reference,
    outcome: 'pending',
  };
  // A repeat of a confirmed form is answered from the log before anything is checked again.
  const seen = await deps.repo.getAudit(form.formId);
  if (seen) return { outcome: 'already', event: seen };
  const issues = adminActionIssues(action, form, c, now);
  if (issues.length) throw new ValidationError(issues);
  const reason = form.reason?.trim();
  if (reason) event.reason = reason;
  if (action === 'resendInvitation' && form.meetingId) event.detail = meetingView(c, form.meetingId)?.kind;
  const run = await deps.workflow.describeExecution(c.execution.name);
  const why = unavailable(action, c, { run, currentVersion, now });
  const claim = await deps.repo.claimAudit(why ? { ...event, outcome: 'refused', refusal: why } : event);
  if (claim !== 'claimed') return { outcome: 'already', event: claim };
  if (why) throw new StepNotWaitingError(`${action} is not possible now: ${why}`, why);
  try {
    const detail = await perform(deps, p, c, action, event, form);
    await deps.repo.finishAudit(event.auditId, { outcome: 'done', ...(detail ? { detail } : {}) });
    return { outcome: 'done', event: { ...event, outcome: 'done', ...(detail ? { detail } : {}) } };
  } catch (err) {
    const code = err instanceof StepNotWaitingError ? err.code : 'failed';
    await deps.repo.finishAudit(event.auditId, { outcome: 'refused', refusal: code }).catch(() => undefined);
    throw err;
  }
}

async function perform(
  deps: Deps,
  p: Principal,
  c: CaseRecord,
  action: AdminAction,
  event: AuditEvent,
  form: AdminActionForm,
): Promise<string | undefined> {
  const caseId = c.caseId;
  const now = deps.clock.now();
  switch (action) {
    case 'resendInvitation': {
      const m = meetingView(c, form.meetingId ?? '');
      if (!m) throw new StepNotWaitingError('No such meeting', 'noComingMeeting');
      // The same UID and SEQUENCE to everyone in it: calendars keep the one event.
      await updateCase(deps.repo, caseId, now, (x) => {
        const resends = [...(x.resends ?? [])];
        for (const who of m.attendees as Attendee[])
          resends.push({ meetingId: m.meetingId, sequence: m.sequence, who, at: event.at });
        x.resends = resends.slice(-20);
        return x;
      });
      await sendInvitations(deps, caseId);
      return m.kind;
    }
    case 'remindNow': {
      const unit = await unitOf(deps, c.unitId);
      const next = nextDue(c, unitPolicy(unit), now);
      if (!next) throw new StepNotWaitingError('Nothing is due', 'nothingDue');
      const decl = CLOCKS[next.clock] as ClockDecl;
      const to = recipientsOf(c, unit, decl.remind, decl);
      if (!to.length) throw new StepNotWaitingError('Nobody to remind', 'nobodyToRemind');
      await sendOnce(deps, { caseId, key: `manual:${event.auditId}` }, () =>
        clockNotice(
          c,
          { clock: next.clock, kind: 'reminder', at: now, period: Date.parse(next.due) },
          to,
          deps.baseUrl,
        ),
      );
      return next.clock;
    }
    case 'stopRun': {
      await updateCase(deps.repo, caseId, now, (x) => {
        x.execution.stopped = { at: event.at, by: p.sub, reason: event.reason ?? '' };
        return x;
      });
      await deps.workflow.stopExecution(
        c.execution.name,
        'StoppedByAdministrator',
        'Stopped from the console.',
      );
      return c.execution.name;
    }
    case 'redriveRun': {
      const name = await startNextSegment(deps, caseId, (x) => x.execution.segment === c.execution.segment);
      return name;
    }
    case 'continueRun': {
      const result = await continueCase(deps, caseId, 'admin');
      if (result === 'closed') throw new StepNotWaitingError('The case is closed', 'caseClosed');
      return (await requireCase(deps.repo, caseId)).execution.name;
    }
    case 'moveToCurrentVersion': {
      await moveToCurrentWorkflow(deps, caseId);
      return (await requireCase(deps.repo, caseId)).execution.name;
    }
    case 'closeAdministratively': {
      await deps.workflow.stopExecution(
        c.execution.name,
        'ClosedAdministratively',
        'The case was closed from the console.',
      );
      const { after } = await updateCase(
        deps.repo,
        caseId,
        now,
        (x) => {
          if (x.status === 'closed') return undefined;
          const at = new Date(now).toISOString();
          // Coming meetings are cancelled: everyone gets a calendar CANCEL of the same event.
          for (const m of x.meetings)
            if (!m.cancelledAt && !m.recordedAt && Date.parse(m.start) > now) {
              m.cancelledAt = at;
              m.cancelledBy = p.sub;
              m.sequence += 1;
            }
          if (x.studyVisit && !x.studyVisit.outcome && Date.parse(x.studyVisit.start) > now) {
            x.studyVisit.cancelledAt = at;
            x.studyVisit.cancelledBy = p.sub;
            x.studyVisit.sequence += 1;
            x.cancelledStudyVisits = [...(x.cancelledStudyVisits ?? []), x.studyVisit];
            delete x.studyVisit;
          }
          x.status = 'closed';
          x.closure = { category: 'closedAdministratively', reason: event.reason ?? '', closedAt: at };
          if (x.place?.assignedAt && !x.place.releasedAt) x.place.releasedAt = at;
          delete x.waiting;
          return x;
        },
        (next, before) =>
          before.place?.assignedAt && !before.place.releasedAt
            ? { releasePlace: { unitId: next.unitId } }
            : {},
      );
      await sendInvitations(deps, caseId);
      await fillQueue(deps, after.unitId);
      return 'closedAdministratively';
    }
  }
}
