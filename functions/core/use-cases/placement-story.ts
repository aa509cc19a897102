import { isStaff, type Principal } from '../auth.ts';
import { type CaseRecord, executionName } from '../case.ts';
import { ForbiddenError } from '../errors.ts';
import { meetingViews } from '../meeting-view.ts';
import { type PlacementSummary, placementSummary, type StuckReason } from '../placements.ts';
import type { AuditEvent, Deps, RunEvent, RunStatus } from '../ports.ts';
import { unitPolicy } from '../units.ts';
import { ADMIN_ACTIONS, type AdminAction, mayTake, unavailable } from './admin-actions.ts';
import { unitOf } from './places.ts';
import { requireCase } from './update-case.ts';

/**
 * A placement's story for the console: one timeline joined from the case record, the audit log
 * and every execution's history, in codes the web catalogue words (never free text the record
 * holds about the participant); where the workflow is now, for its drawing; why it is stuck.
 */

/** Who did something: a staff member by name, or the platform itself. */
export type Actor = { name: string } | 'platform';

export interface TimelineItem {
  at: string;
  /** A code: `record.*`, `run.*`, `audit.*` (see console-texts.ts). */
  what: string;
  /** Values the text names: a step, a decision, a count (codes and numbers only). */
  params?: Record<string, string | number>;
  by: Actor;
}

export interface RunView {
  name: string;
  segment: number;
  status: RunStatus | 'NOT_FOUND';
  startDate?: string;
  stopDate?: string;
  events: RunEvent[];
}

export interface GraphMarks {
  current?: string;
  visited: string[];
  traversed: [string, string][];
  failed: string[];
}

export interface PlacementStory {
  case: CaseRecord;
  summary: PlacementSummary;
  runs: RunView[];
  /** Stuck reasons as of now, with the live one the summary cannot hold: no running execution. */
  stuck: (StuckReason | 'noExecution')[];
  timeline: TimelineItem[];
  audit: AuditEvent[];
  marks: GraphMarks;
  /** Each console action: allowed for this person, and why not when it is not available now. */
  actions: { action: AdminAction; allowed: boolean; unavailable?: string }[];
  currentVersion?: string;
}

const ENTERED = /StateEntered$/;
const EXITED = /StateExited$/;
const FAILED_EVENT = /(TaskFailed|TaskTimedOut|LambdaFunctionFailed|LambdaFunctionTimedOut|ExecutionFailed)$/;

/** The marks of the drawing: where the newest run is, where the runs have been, what failed. */
export function graphMarks(runs: readonly RunView[]): GraphMarks {
  const visited = new Set<string>();
  const traversed = new Map<string, [string, string]>();
  const failed = new Set<string>();
  let current: string | undefined;
  runs.forEach((run, i) => {
    let last: string | undefined;
    // A step whose failure was retried and then left normally did not fail.
    const pending = new Set<string>();
    for (const e of run.events) {
      if (ENTERED.test(e.type) && e.name) {
        visited.add(e.name);
        if (last && last !== e.name) traversed.set(`${last}>${e.name}`, [last, e.name]);
        last = e.name;
      } else if (EXITED.test(e.type) && e.name) pending.delete(e.name);
      else if (FAILED_EVENT.test(e.type) && last) pending.add(last);
    }
    if ((run.status === 'FAILED' || run.status === 'TIMED_OUT') && last) pending.add(last);
    for (const s of pending) failed.add(s);
    if (i === runs.length - 1 && run.status === 'RUNNING') current = last;
  });
  return { current, visited: [...visited], traversed: [...traversed.values()], failed: [...failed] };
}

/** What the record tells, in order of time. */
export function recordTimeline(c: CaseRecord, names: (sub: string | undefined) => Actor): TimelineItem[] {
  const out: TimelineItem[] = [];
  const add = (at: string | undefined, what: string, by: Actor, params?: TimelineItem['params']) => {
    if (at) out.push({ at, what, by, ...(params ? { params } : {}) });
  };
  add(c.createdAt, 'record.referral', { name: c.caseOfficer.name });
  if (c.notifiedCoordinatorsAt) add(c.notifiedCoordinatorsAt, 'record.coordinatorsTold', 'platform');
  if (c.intake) add(c.intake.decidedAt, `record.intake_${c.intake.decision}`, names(c.intake.decidedBy));
  if (c.place?.queuedAt) add(c.place.queuedAt, 'record.queued', 'platform');
  if (c.place?.assignedAt) add(c.place.assignedAt, 'record.placeAssigned', 'platform');
  for (const m of meetingViews(c)) {
    const kind = m.kind;
    add(m.bookedAt, m.moved ? 'record.meetingMoved' : 'record.meetingBooked', 'platform', { kind });
  }
  for (const v of [...(c.cancelledStudyVisits ?? []), ...(c.studyVisit ? [c.studyVisit] : [])]) {
    if (v.cancelledAt)
      add(v.cancelledAt, 'record.meetingCancelled', names(v.cancelledBy), { kind: 'studyVisit' });
    if (v.participantAnswer)
      add(v.participantAnswer.at, `record.answer_${v.participantAnswer.answer}`, 'platform', {
        kind: 'studyVisit',
      });
    if (v.outcome) add(v.outcomeRecordedAt, `record.studyVisit_${v.outcome}`, names(v.outcomeRecordedBy));
  }
  for (const m of c.meetings) {
    if (m.cancelledAt) add(m.cancelledAt, 'record.meetingCancelled', names(m.cancelledBy), { kind: m.kind });
    if (m.participantAnswer)
      add(m.participantAnswer.at, `record.answer_${m.participantAnswer.answer}`, 'platform', {
        kind: m.kind,
      });
    if (m.recordedAt) add(m.recordedAt, 'record.meetingRecorded', 'platform', { kind: m.kind });
  }
  if (c.plan) add(c.plan.recordedAt, 'record.plan', names(c.plan.recordedBy), { percent: c.plan.percent });
  for (const f of c.followUps)
    add(f.recordedAt, `record.followUp_${f.decision}`, names(f.recordedBy), {
      percent: f.newPercent ?? c.workingTime?.percent ?? '',
    });
  for (const w of c.workingTimeHistory)
    if (w.kind !== 'start')
      add(w.decidedAt, `record.workingTime_${w.kind}`, names(w.decidedBy), { percent: w.percent });
  for (const p of c.pauses) {
    add(p.startedAt, 'record.paused', 'platform');
    if (p.resumedAt) add(p.resumedAt, 'record.resumed', 'platform');
  }
  for (const a of c.activities) add(a.recordedAt, 'record.activity', names(a.recordedBy), { kind: a.kind });
  if (c.closing?.early)
    add(c.closing.early.at, `record.closingEarly`, names(c.closing.early.by), {
      kind: c.closing.early.reason,
    });
  if (c.closing?.record)
    add(c.closing.record.recordedAt, 'record.closing', names(c.closing.record.recordedBy), {
      kind: c.closing.record.outcome,
    });
  for (const [when, answer] of [
    ['FourWeeks', c.afterClosing.fourWeeks],
    ['SixMonths', c.afterClosing.sixMonths],
  ] as const)
    if (answer)
      add(answer.recordedAt, `record.afterClosing${when}`, names(answer.recordedBy), {
        kind: answer.outcome,
      });
  for (const [clock, n] of Object.entries(c.notices)) {
    if (n.lastReminderAt)
      add(new Date(n.lastReminderAt).toISOString(), 'record.reminder', 'platform', { clock, n: n.reminders });
    if (n.escalatedAt) add(new Date(n.escalatedAt).toISOString(), 'record.escalation', 'platform', { clock });
  }
  for (const p of c.mailProblems ?? []) {
    add(p.at, `record.mail_${p.kind}`, 'platform', { who: p.who });
    if (p.resolvedAt) add(p.resolvedAt, 'record.mailResolved', names(p.resolvedBy), { who: p.who });
  }
  if (c.problem)
    add(c.problem.at, 'record.stepFailed', 'platform', { state: c.problem.state, error: c.problem.error });
  if (c.execution.failure)
    add(c.execution.failure.at, 'record.runFailed', 'platform', { status: c.execution.failure.status });
  if (c.execution.stopped) add(c.execution.stopped.at, 'record.runStopped', names(c.execution.stopped.by));
  if (c.closure) add(c.closure.closedAt, `record.closed_${c.closure.category}`, 'platform');
  return out;
}

/** What the executions tell: each run's start and end, the steps it waited on, tasks it ran. */
export function runTimeline(runs: readonly RunView[]): TimelineItem[] {
  const out: TimelineItem[] = [];
  for (const run of runs) {
    if (run.startDate)
      out.push({ at: run.startDate, what: 'run.started', params: { segment: run.segment }, by: 'platform' });
    let last: string | undefined;
    for (const e of run.events) {
      if (!ENTERED.test(e.type) || !e.name) {
        if (FAILED_EVENT.test(e.type) && last && e.type !== 'ExecutionFailed')
          out.push({
            at: e.timestamp.toISOString(),
            what: 'run.stepFailed',
            params: { state: last, error: e.error ?? '' },
            by: 'platform',
          });
        continue;
      }
      const interesting =
        /^(Await|NotifyCoordinators|SendInvitation|ReleasePlace|CloseCase|RecordFailure|ContinueAsNew)/.test(
          e.name,
        );
      // A step waited on again after a reminder is the same wait: once.
      if (interesting && e.name !== last)
        out.push({
          at: e.timestamp.toISOString(),
          what: 'run.entered',
          params: { state: e.name },
          by: 'platform',
        });
      if (e.name !== 'LoadCase' && e.name !== 'Route' && e.name !== 'HandleDeadlines') last = e.name;
    }
    if (run.stopDate && run.status !== 'RUNNING')
      out.push({
        at: run.stopDate,
        what: `run.ended_${run.status}`,
        params: { segment: run.segment },
        by: 'platform',
      });
  }
  return out;
}

export function auditTimeline(events: readonly AuditEvent[]): TimelineItem[] {
  return events.map((e) => ({
    at: e.at,
    what: `audit.${e.action}`,
    params: { outcome: e.outcome, ...(e.refusal ? { refusal: e.refusal } : {}) },
    by: { name: e.by.name },
  }));
}

/** Reads the case, its runs (history of each segment) and its audit log, and tells the story. */
export async function placementStory(
  deps: Deps,
  p: Principal,
  caseId: string,
  currentVersion?: string,
): Promise<PlacementStory> {
  if (!isStaff(p)) throw new ForbiddenError('Only staff see the console');
  const c = await requireCase(deps.repo, caseId);
  const now = deps.clock.now();
  const unit = await unitOf(deps, c.unitId);
  const runs: RunView[] = await Promise.all(
    Array.from({ length: c.execution.segment }, async (_, i): Promise<RunView> => {
      const name = executionName(caseId, i + 1);
      const run = await deps.workflow.describeExecution(name);
      if (!run) return { name, segment: i + 1, status: 'NOT_FOUND', events: [] };
      const events = await deps.workflow.history(name, { newestFirst: false, limit: 1000 });
      return {
        name,
        segment: i + 1,
        status: run.status,
        startDate: run.startDate.toISOString(),
        ...(run.stopDate ? { stopDate: run.stopDate.toISOString() } : {}),
        events,
      };
    }),
  );
  const audit = (await deps.repo.listAudit({ caseId }, { limit: 100 })).items;
  const known = new Map<string, string>(Object.entries(c.staff ?? {}));
  known.set(c.caseOfficer.sub, c.caseOfficer.name);
  if (c.supervisor?.sub) known.set(c.supervisor.sub, c.supervisor.name);
  for (const e of audit) known.set(e.by.sub, e.by.name);
  known.set(p.sub, p.name);
  const names = (sub: string | undefined): Actor => {
    if (!sub || sub === 'migration') return 'platform';
    return { name: known.get(sub) ?? '–' };
  };
  const summary = placementSummary(c, unitPolicy(unit), now);
  const newest = runs.at(-1);
  const stuck: PlacementStory['stuck'] = [...summary.stuck];
  if (c.status === 'active' && newest?.status !== 'RUNNING' && !stuck.includes('runStopped'))
    stuck.push('noExecution');
  const facts = {
    run: newest && newest.status !== 'NOT_FOUND' ? { status: newest.status } : undefined,
    currentVersion,
    now,
  };
  const timeline = [...recordTimeline(c, names), ...runTimeline(runs), ...auditTimeline(audit)].sort(
    (a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0),
  );
  return {
    case: c,
    summary,
    runs,
    stuck,
    timeline,
    audit,
    marks: graphMarks(runs),
    actions: ADMIN_ACTIONS.map((action) => {
      const why = unavailable(action, c, facts);
      return { action, allowed: mayTake(p, action), ...(why ? { unavailable: why } : {}) };
    }),
    ...(currentVersion ? { currentVersion } : {}),
  };
}
