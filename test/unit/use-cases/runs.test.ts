import { describe, expect, it } from 'vitest';
import { NotFoundError } from '#core/errors';
import type { RunEvent } from '#core/ports';
import { currentStepOf, getRun, listRuns } from '#core/use-cases/runs';
import { caseIn, T0, world } from '#test/support/use-case-world';

const ev = (id: number, type: string, name?: string): RunEvent => ({
  id,
  timestamp: new Date(T0 + id),
  type,
  ...(name ? { name } : {}),
});

describe('currentStepOf', () => {
  it('is the first state entered in the events given (newest first)', () => {
    expect(
      currentStepOf([
        ev(5, 'TaskScheduled'),
        ev(4, 'TaskStateEntered', 'AwaitTraining'),
        ev(2, 'ChoiceStateEntered', 'Route'),
      ]),
    ).toBe('AwaitTraining');
    expect(
      currentStepOf([ev(1, 'TaskStateExited', 'LoadCase'), ev(0, 'StateEnteredLater', 'X')]),
    ).toBeUndefined();
    expect(currentStepOf([])).toBeUndefined();
  });
});

describe('listRuns', () => {
  it('lists runs with their case reference, and the current step of running ones', async () => {
    const w = world();
    const c = caseIn('training', 'case00000001');
    await w.seed(c);
    w.workflow.listPage = {
      runs: [
        { name: 'case-case00000001-2', status: 'RUNNING', startDate: new Date(T0) },
        {
          name: 'case-case00000001-1',
          status: 'SUCCEEDED',
          startDate: new Date(T0 - 1),
          stopDate: new Date(T0),
        },
        { name: 'case-gone00000001-1', status: 'FAILED', startDate: new Date(T0) },
        { name: 'manual-run', status: 'RUNNING', startDate: new Date(T0) },
      ],
      nextToken: 'more',
    };
    w.workflow.histories.set('case-case00000001-2', [ev(9, 'TaskStateEntered', 'AwaitTraining')]);
    const page = await listRuns(w.deps, { status: 'RUNNING', nextToken: 'tok' });
    expect(w.workflow.listed).toEqual([{ status: 'RUNNING', nextToken: 'tok', limit: 25 }]);
    expect(page).toEqual({
      nextToken: 'more',
      runs: [
        {
          name: 'case-case00000001-2',
          status: 'RUNNING',
          startDate: new Date(T0),
          caseId: 'case00000001',
          caseReference: c.reference,
          currentStep: 'AwaitTraining',
        },
        {
          name: 'case-case00000001-1',
          status: 'SUCCEEDED',
          startDate: new Date(T0 - 1),
          stopDate: new Date(T0),
          caseId: 'case00000001',
          caseReference: c.reference,
          currentStep: undefined,
        },
        {
          name: 'case-gone00000001-1',
          status: 'FAILED',
          startDate: new Date(T0),
          caseId: 'gone00000001',
          caseReference: undefined,
          currentStep: undefined,
        },
        {
          name: 'manual-run',
          status: 'RUNNING',
          startDate: new Date(T0),
          caseId: undefined,
          caseReference: undefined,
          currentStep: undefined,
        },
      ],
    });
    // History only for running runs, newest first.
    expect(w.workflow.historyCalls).toEqual([
      { name: 'case-case00000001-2', newestFirst: true, limit: 25 },
      { name: 'manual-run', newestFirst: true, limit: 25 },
    ]);
  });

  it('asks for the page size given, and reads each case once', async () => {
    const w = world();
    await w.seed(caseIn('training', 'case00000001'));
    let asked: readonly string[] = [];
    const getCases = w.repo.getCases.bind(w.repo);
    w.repo.getCases = async (ids) => {
      asked = ids;
      return getCases(ids);
    };
    w.workflow.listPage = {
      runs: [
        { name: 'case-case00000001-1', status: 'FAILED', startDate: new Date(T0) },
        { name: 'case-case00000001-2', status: 'FAILED', startDate: new Date(T0) },
        { name: 'manual-run', status: 'FAILED', startDate: new Date(T0) },
      ],
    };
    const page = await listRuns(w.deps, { limit: 5 });
    expect(w.workflow.listed[0]?.limit).toBe(5);
    expect(asked).toEqual(['case00000001']);
    expect(page.nextToken).toBeUndefined();
  });

  it('reads the histories of many running runs, four at a time', async () => {
    const w = world();
    w.workflow.listPage = {
      runs: Array.from({ length: 9 }, (_, i) => ({
        name: `case-case0000000${i}-1`,
        status: 'RUNNING' as const,
        startDate: new Date(T0),
      })),
    };
    let inFlight = 0;
    let most = 0;
    w.workflow.history = async (name) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return [ev(1, 'TaskStateEntered', name)];
    };
    const page = await listRuns(w.deps, {});
    expect(most).toBe(4);
    expect(page.runs.map((r) => r.currentStep)).toEqual(page.runs.map((r) => r.name));
  });
});

describe('getRun', () => {
  it('gives the run with its case, its whole history and the state it is in', async () => {
    const w = world();
    const c = caseIn('training', 'case00000001');
    await w.seed(c);
    w.workflow.runs.set('case-case00000001-1', 'RUNNING');
    const events = [
      ev(1, 'ExecutionStarted'),
      ev(2, 'TaskStateEntered', 'LoadCase'),
      ev(3, 'TaskStateEntered', 'AwaitTraining'),
    ];
    w.workflow.histories.set('case-case00000001-1', events);
    expect(await getRun(w.deps, 'case-case00000001-1')).toEqual({
      run: {
        name: 'case-case00000001-1',
        status: 'RUNNING',
        startDate: new Date(T0),
        caseId: 'case00000001',
        caseReference: c.reference,
        currentStep: 'AwaitTraining',
      },
      events,
    });
    expect(w.workflow.historyCalls).toEqual([
      { name: 'case-case00000001-1', newestFirst: false, limit: 1000 },
    ]);
    // The caller's events are left in their order.
    expect(events.map((e) => e.id)).toEqual([1, 2, 3]);
  });

  it('gives a run that is not a case’s without a case, and refuses a run that does not exist', async () => {
    const w = world();
    w.workflow.runs.set('manual-run', 'FAILED');
    expect((await getRun(w.deps, 'manual-run')).run).toMatchObject({
      caseId: undefined,
      caseReference: undefined,
    });
    await expect(getRun(w.deps, 'case-nosuchcase01-1')).rejects.toThrow(
      new NotFoundError('Run case-nosuchcase01-1 not found'),
    );
  });
});
