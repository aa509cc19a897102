import { type CaseRecord, executionName } from '../case.ts';
import type { Deps } from '../ports.ts';
import { requireCase, updateCase } from './update-case.ts';

/**
 * Makes sure an active case has a running execution. The record names the execution:
 * - running: nothing to do;
 * - never started (a crash between storing the case and starting it): that same name is
 *   started, idempotent with a concurrent start;
 * - ended (failed, stopped, timed out, or succeeded at a boundary the record has not moved
 *   past): the next segment is named in the record (optimistic locking) and started.
 */
export async function continueCase(deps: Deps, caseId: string): Promise<'running' | 'started' | 'closed'> {
  const c = await requireCase(deps.repo, caseId);
  if (c.status === 'closed') return 'closed';
  const run = await deps.workflow.describeExecution(c.execution.name);
  if (run?.status === 'RUNNING') return 'running';
  if (!run) {
    await deps.workflow.startExecution(c.execution.name, { caseId });
    return 'started';
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
    x.execution = {
      ...x.execution,
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
  const result = await continueCase(deps, caseId);
  return result === 'closed' ? 'closed' : 'started';
}
