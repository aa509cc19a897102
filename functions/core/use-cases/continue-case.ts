import { type CaseRecord, executionName } from '../case.ts';
import type { Deps } from '../ports.ts';
import { requireCase, updateCase } from './update-case.ts';

/**
 * Who asks a case to continue:
 * - `reconcile`: the platform on its own (start-up, schedule). A run that failed or timed out is
 *   recorded on the case (the console flags it "failed") and left for an administrator to redrive:
 *   a run that failed once would most likely fail again in a loop.
 * - `wake`: a person's action on the case was recorded; an ended run is continued from the record.
 * - `admin`: an administrator's continue or redrive; the only one that continues a stopped run.
 */
export type ContinueMode = 'reconcile' | 'wake' | 'admin';
export type ContinueResult = 'running' | 'started' | 'closed' | 'stopped' | 'failed';

/**
 * Makes sure an active case has a running execution. The record names the execution:
 * - running: nothing to do;
 * - never started (a crash between storing the case and starting it): that same name is
 *   started, idempotent with a concurrent start;
 * - stopped by an administrator: left stopped, unless an administrator continues it;
 * - ended (failed, aborted, timed out, or succeeded at a boundary the record has not moved
 *   past): the next segment is named in the record (optimistic locking) and started (a failed or
 *   timed-out run only when a person asks, see ContinueMode).
 */
export async function continueCase(
  deps: Deps,
  caseId: string,
  mode: ContinueMode = 'wake',
): Promise<ContinueResult> {
  const c = await requireCase(deps.repo, caseId);
  if (c.status === 'closed') return 'closed';
  if (c.execution.stopped && mode !== 'admin') return 'stopped';
  const run = await deps.workflow.describeExecution(c.execution.name);
  if (run?.status === 'RUNNING') return 'running';
  if (!run) {
    await deps.workflow.startExecution(c.execution.name, { caseId });
    return 'started';
  }
  if (mode === 'reconcile' && (run.status === 'FAILED' || run.status === 'TIMED_OUT')) {
    const status = run.status;
    await updateCase(deps.repo, caseId, deps.clock.now(), (x) => {
      if (x.execution.name !== c.execution.name || x.execution.failure) return undefined;
      // The error's name only: a cause could carry anything.
      const error = run.error && /^[\w.]{1,80}$/.test(run.error) ? run.error : undefined;
      x.execution.failure = {
        status,
        ...(error ? { error } : {}),
        at: (run.stopDate ?? new Date(deps.clock.now())).toISOString(),
      };
      return x;
    });
    return 'failed';
  }
  await startNextSegment(deps, caseId, (x) => x.execution.segment === c.execution.segment);
  return 'started';
}

/**
 * Names the next execution segment in the record (when `still` holds for the current record;
 * otherwise another caller moved it on already) and starts what the record names. Idempotent:
 * a retry starts the same deterministic name.
 */
export async function startNextSegment(deps: Deps, caseId: string, still: (c: CaseRecord) => boolean) {
  const now = deps.clock.now();
  const { after } = await updateCase(deps.repo, caseId, now, (x) => {
    if (!still(x)) return undefined;
    const segment = x.execution.segment + 1;
    // A new run: what was recorded about the one before (failed, stopped) no longer holds.
    const { failure: _failure, stopped: _stopped, ...kept } = x.execution;
    x.execution = {
      ...kept,
      segment,
      name: executionName(caseId, segment),
      startedAt: new Date(now).toISOString(),
    };
    delete x.waiting;
    return x;
  });
  await deps.workflow.startExecution(after.execution.name, { caseId });
  return after.execution.name;
}

/**
 * Moves a running case onto the state machine's current definition: the running execution
 * (which keeps the definition it started with) is stopped and the next segment starts from the
 * record. Waiting steps wait again, and clocks keep their original times, since both come from
 * the record.
 */
export async function moveToCurrentWorkflow(deps: Deps, caseId: string): Promise<'started' | 'closed'> {
  const c = await requireCase(deps.repo, caseId);
  if (c.status === 'closed') return 'closed';
  await deps.workflow.stopExecution(
    c.execution.name,
    'MovedToNewVersion',
    'The case continues on the current workflow version.',
  );
  const result = await continueCase(deps, caseId, 'admin');
  return result === 'closed' ? 'closed' : 'started';
}
