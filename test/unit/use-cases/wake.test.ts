import { describe, expect, it } from 'vitest';
import { TransientError } from '#core/errors';
import { wakeWorkflow } from '#core/use-cases/wake';
import { caseIn, T0, waitingOn, world } from '#test/support/use-case-world';

const ID = 'case00000001';
const RUN1 = `case-${ID}-1`;
const RUN2 = `case-${ID}-2`;

describe('wakeWorkflow', () => {
  it('completes the waiting task, and that is all', async () => {
    const w = world();
    const c = caseIn('training', ID, T0, waitingOn('training', 'tok-1'));
    await w.seed(c);
    await wakeWorkflow(w.deps, c);
    expect(w.workflow.tokens).toEqual([{ token: 'tok-1', output: { caseId: ID } }]);
    expect(w.workflow.described).toEqual([]);
  });

  it('makes sure an execution runs when the token is stale', async () => {
    const w = world();
    const c = caseIn('training', ID, T0, waitingOn('training', 'tok-1'));
    await w.seed(c);
    w.workflow.taskResult = 'stale';
    await wakeWorkflow(w.deps, c);
    expect(w.workflow.described).toEqual([RUN1]);
    expect(w.workflow.started).toEqual([{ name: RUN1, input: { caseId: ID } }]);
  });

  it('makes sure an execution runs when nothing waits', async () => {
    const w = world();
    const c = caseIn('training', ID);
    await w.seed(c);
    w.workflow.runs.set(RUN1, 'FAILED');
    await wakeWorkflow(w.deps, c);
    expect(w.workflow.tokens).toEqual([]);
    expect(w.workflow.started).toEqual([{ name: RUN2, input: { caseId: ID } }]);
  });

  it('asks for a retry when the workflow cannot be reached', async () => {
    const w = world();
    const c = caseIn('training', ID, T0, waitingOn('training', 'tok-1'));
    await w.seed(c);
    const cause = new Error('network');
    w.workflow.taskResult = cause;
    const err = await wakeWorkflow(w.deps, c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({
      message: 'The workflow could not be told; the action is recorded, try again',
      cause,
    });
    expect(w.workflow.described).toEqual([]);
  });
});
