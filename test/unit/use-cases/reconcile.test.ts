import { describe, expect, it } from 'vitest';
import { reconcile } from '#core/use-cases/reconcile';
import { caseIn, iso, T0, world } from '#test/support/use-case-world';

/** The reconciler over the in-memory repository; see also test/unit/reconcile.test.ts. */
describe('reconcile', () => {
  const at = (ms: number) => ({ updatedAt: iso(ms) });

  it('checks the cases left alone for the grace period, to the millisecond', async () => {
    const w = world();
    await w.seed(
      caseIn('training', 'edge00000001', T0, at(T0 - 120_000)),
      caseIn('training', 'fresh0000001', T0, at(T0 - 119_999)),
    );
    expect(await reconcile(w.deps, { olderThanMs: 120_000 })).toEqual({
      checked: 1,
      continued: 1,
      failed: 0,
      runsFailed: 0,
    });
    expect(w.workflow.started.map((s) => s.name)).toEqual(['case-edge00000001-1']);
  });

  it('goes through every page and counts only the runs it started', async () => {
    const w = world({ pageSize: 2 });
    await w.seed(
      caseIn('training', 'case00000001'),
      caseIn('training', 'case00000002'),
      caseIn('closed', 'case00000003'),
      caseIn('training', 'case00000004'),
      caseIn('training', 'case00000005'),
    );
    w.workflow.runs.set('case-case00000002-1', 'RUNNING');
    w.workflow.runs.set('case-case00000004-1', 'FAILED');
    w.workflow.runs.set('case-case00000005-1', 'ABORTED');
    expect(await reconcile(w.deps, { olderThanMs: 0 })).toEqual({
      checked: 4,
      continued: 2,
      failed: 0,
      runsFailed: 1,
    });
    // The failed run is recorded for an administrator to redrive, not started again in a loop.
    expect(w.workflow.started.map((s) => s.name).sort()).toEqual([
      'case-case00000001-1',
      'case-case00000005-2',
    ]);
    expect((await w.get('case00000004')).execution.failure).toMatchObject({ status: 'FAILED' });
  });

  it('works through a page with as many workers as asked, counting failures', async () => {
    const w = world();
    await w.seed(...Array.from({ length: 7 }, (_, i) => caseIn('training', `case0000000${i}`)));
    let inFlight = 0;
    let most = 0;
    w.deps.workflow.describeExecution = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return undefined;
    };
    const start = w.workflow.startExecution.bind(w.workflow);
    w.deps.workflow.startExecution = async (name, input) => {
      if (name === 'case-case00000003-1') throw new Error('throttled');
      return start(name, input);
    };
    expect(await reconcile(w.deps, { olderThanMs: 0, concurrency: 2 })).toEqual({
      checked: 7,
      continued: 6,
      failed: 1,
      runsFailed: 0,
    });
    expect(most).toBe(2);
    most = 0;
    await reconcile(w.deps, { olderThanMs: 0 });
    expect(most).toBe(4);
  });

  it('does nothing when nothing is active', async () => {
    const w = world();
    await w.seed(caseIn('closed', 'case00000001'));
    expect(await reconcile(w.deps, { olderThanMs: 0 })).toEqual({
      checked: 0,
      continued: 0,
      failed: 0,
      runsFailed: 0,
    });
  });
});
