import type { CaseRecord } from '../case.ts';
import { TransientError } from '../errors.ts';
import type { Deps } from '../ports.ts';
import { continueCase } from './continue-case.ts';

/**
 * After a person's action is recorded: completes the workflow's waiting task so it re-reads the
 * record at once. The token is the one the record held before the action (`before`):
 * - a stale token (the task timed out into a reminder, the local host restarted) needs nothing
 *   but a running execution, which re-reads the record at LoadCase;
 * - no running execution (failed, stopped, never started): one is continued from the record.
 */
export async function wakeWorkflow(deps: Deps, before: CaseRecord): Promise<void> {
  let result: 'ok' | 'stale' = 'stale';
  const token = before.waiting?.token;
  if (token) {
    try {
      result = await deps.workflow.sendTaskSuccess(token, { caseId: before.caseId });
    } catch (err) {
      throw new TransientError('The workflow could not be told; the action is recorded, try again', {
        cause: err,
      });
    }
  }
  if (result === 'ok') return;
  await continueCase(deps, before.caseId);
}
