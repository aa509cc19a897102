import { describe, expect, it } from 'vitest';
import { NotFoundError } from '#core/errors';
import { continueCase, moveToCurrentWorkflow, startNextSegment } from '#core/use-cases/continue-case';
import { caseIn, iso, T0, waitingOn, world } from '#test/support/use-case-world';

const ID = 'case00000001';
const RUN1 = `case-${ID}-1`;
const RUN2 = `case-${ID}-2`;

describe('continueCase', () => {
  it('leaves a running execution alone', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(RUN1, 'RUNNING');
    expect(await continueCase(w.deps, ID)).toBe('running');
    expect(w.workflow.started).toEqual([]);
    expect((await w.get(ID)).version).toBe(1);
  });

  it('starts the execution the record names when it was never started', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    expect(await continueCase(w.deps, ID)).toBe('started');
    expect(w.workflow.started).toEqual([{ name: RUN1, input: { caseId: ID } }]);
    expect((await w.get(ID)).execution.segment).toBe(1);
  });

  it('names and starts the next segment after an execution ended', async () => {
    for (const status of ['FAILED', 'ABORTED', 'TIMED_OUT', 'SUCCEEDED'] as const) {
      const w = world();
      await w.seed(caseIn('training', ID, T0, waitingOn('training')));
      w.workflow.runs.set(RUN1, status);
      w.clock.set(T0 + 1000);
      expect(await continueCase(w.deps, ID)).toBe('started');
      const after = await w.get(ID);
      expect(after.execution).toEqual({ segment: 2, name: RUN2, startedAt: iso(T0 + 1000) });
      expect(after.waiting).toBeUndefined();
      expect(after.version).toBe(2);
      expect(w.workflow.started).toEqual([{ name: RUN2, input: { caseId: ID } }]);
    }
  });

  it('starts what another caller named when it moved the case on meanwhile', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(RUN1, 'FAILED');
    w.workflow.onDescribe = async () => {
      const c = await w.get(ID);
      await w.repo.saveCase({ ...c, execution: { segment: 2, name: RUN2 }, version: c.version + 1 });
    };
    expect(await continueCase(w.deps, ID)).toBe('started');
    expect((await w.get(ID)).execution).toEqual({ segment: 2, name: RUN2 });
    expect(w.workflow.started).toEqual([{ name: RUN2, input: { caseId: ID } }]);
  });

  it('does nothing for a closed case', async () => {
    const w = world();
    await w.seed(caseIn('closed', ID));
    expect(await continueCase(w.deps, ID)).toBe('closed');
    expect(w.workflow.described).toEqual([]);
    expect(w.workflow.started).toEqual([]);
  });

  it('refuses a case that does not exist', async () => {
    const w = world();
    await expect(continueCase(w.deps, ID)).rejects.toThrow(NotFoundError);
  });
});

describe('startNextSegment', () => {
  it('keeps the version of the record named so far and keeps other execution fields', async () => {
    const w = world();
    await w.seed(
      caseIn('training', ID, T0, {
        execution: { segment: 3, name: `case-${ID}-3`, startedAt: iso(T0 - 1), workflowVersion: 'v7' },
      }),
    );
    expect(await startNextSegment(w.deps, ID, () => true)).toBe(`case-${ID}-4`);
    expect((await w.get(ID)).execution).toEqual({
      segment: 4,
      name: `case-${ID}-4`,
      startedAt: iso(T0),
      workflowVersion: 'v7',
    });
  });

  it('starts what the record names when another caller has moved it on already', async () => {
    const w = world();
    await w.seed(caseIn('training', ID, T0, waitingOn('training')));
    expect(await startNextSegment(w.deps, ID, () => false)).toBe(RUN1);
    const after = await w.get(ID);
    expect(after.version).toBe(1);
    expect(after.waiting?.step).toBe('training');
    expect(w.workflow.started).toEqual([{ name: RUN1, input: { caseId: ID } }]);
  });
});

describe('moveToCurrentWorkflow', () => {
  it('stops the running execution and continues the case in the next segment', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(RUN1, 'RUNNING');
    expect(await moveToCurrentWorkflow(w.deps, ID)).toBe('started');
    expect(w.workflow.stopped).toEqual([
      {
        name: RUN1,
        error: 'MovedToNewVersion',
        cause: 'The case continues on the current workflow version.',
      },
    ]);
    expect(w.workflow.started).toEqual([{ name: RUN2, input: { caseId: ID } }]);
  });

  it('answers started even when the stopped execution still shows as running', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(RUN1, 'RUNNING');
    w.workflow.onStop = async (name) => {
      w.workflow.runs.set(name, 'RUNNING');
    };
    expect(await moveToCurrentWorkflow(w.deps, ID)).toBe('started');
    expect(w.workflow.started).toEqual([]);
  });

  it('answers closed when the case closed meanwhile', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.onStop = async () => {
      const c = await w.get(ID);
      await w.repo.saveCase({ ...c, status: 'closed', version: c.version + 1 });
    };
    expect(await moveToCurrentWorkflow(w.deps, ID)).toBe('closed');
  });

  it('leaves a closed case alone', async () => {
    const w = world();
    await w.seed(caseIn('closed', ID));
    expect(await moveToCurrentWorkflow(w.deps, ID)).toBe('closed');
    expect(w.workflow.stopped).toEqual([]);
  });
});
