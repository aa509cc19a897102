import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '#core/case';
import type { Deps, RunStatus, WorkflowPort } from '#core/ports';
import { reconcile } from '#core/use-cases/reconcile';
import { MemoryRepo, RecordingMail } from '#test/support/memory-repo';
import { newCaseRecord } from '#test/support/records';

const NOW = Date.parse('2026-11-24T12:00:00Z');

function fakeWorkflow(runs: Record<string, RunStatus>) {
  const started: string[] = [];
  const workflow: WorkflowPort = {
    async startExecution(name) {
      if (!runs[name]) {
        runs[name] = 'RUNNING';
        started.push(name);
      }
    },
    async sendTaskSuccess() {
      return 'stale';
    },
    async stopExecution(name) {
      if (runs[name] === 'RUNNING') runs[name] = 'ABORTED';
    },
    async listExecutions() {
      return { runs: [] };
    },
    async describeExecution(name) {
      const status = runs[name];
      return status ? { name, status, startDate: new Date(NOW) } : undefined;
    },
    async history() {
      return [];
    },
  };
  return { workflow, started };
}

async function setup(cases: [string, Partial<CaseRecord>][], runs: Record<string, RunStatus>) {
  const repo = new MemoryRepo();
  for (const [id, extra] of cases)
    await repo.createCase({ ...newCaseRecord(id, NOW - 3_600_000), ...extra }, `s-${id}`);
  const { workflow, started } = fakeWorkflow(runs);
  const deps = {
    repo,
    workflow,
    mail: new RecordingMail(),
    clock: { now: () => NOW },
    baseUrl: '',
    newId: () => 'x',
  } as Deps;
  return { deps, repo, started };
}

describe('reconcile', () => {
  it('starts the named run of a case that never got one, continues ended runs, records failed ones, leaves the rest', async () => {
    const t = await setup(
      [
        ['orphan00001', {}],
        ['failed00001', {}],
        ['ended000001', {}],
        ['running0001', {}],
        ['closed00001', { status: 'closed' }],
        ['fresh000001', { updatedAt: new Date(NOW - 30_000).toISOString() }],
      ],
      { 'case-failed00001-1': 'FAILED', 'case-ended000001-1': 'SUCCEEDED', 'case-running0001-1': 'RUNNING' },
    );
    const result = await reconcile(t.deps, { olderThanMs: 120_000 });
    expect(result).toEqual({ checked: 4, continued: 2, failed: 0, runsFailed: 1 });
    expect(t.started.sort()).toEqual(['case-ended000001-2', 'case-orphan00001-1']);
    expect((await t.repo.getCase('ended000001'))?.execution).toMatchObject({
      segment: 2,
      name: 'case-ended000001-2',
    });
    expect((await t.repo.getCase('failed00001'))?.execution).toMatchObject({
      segment: 1,
      failure: { status: 'FAILED' },
    });
    // A second run finds everything running or recorded (the changed cases are not checked).
    expect(await reconcile(t.deps, { olderThanMs: 120_000 })).toEqual({
      checked: 2,
      continued: 0,
      failed: 0,
      runsFailed: 0,
    });
  });

  it('runs the grace-period case too when nothing else can be in flight (local start-up)', async () => {
    const t = await setup([['fresh000001', { updatedAt: new Date(NOW).toISOString() }]], {});
    expect(await reconcile(t.deps, { olderThanMs: 0 })).toMatchObject({ continued: 1 });
  });

  it('goes on past a case that fails and counts it', async () => {
    const t = await setup(
      [
        ['orphan00001', {}],
        ['orphan00002', {}],
      ],
      {},
    );
    const start = t.deps.workflow.startExecution.bind(t.deps.workflow);
    t.deps.workflow.startExecution = async (name, input) => {
      if (name.includes('orphan00001')) throw new Error('throttled');
      return start(name, input);
    };
    expect(await reconcile(t.deps, { olderThanMs: 0 })).toEqual({
      checked: 2,
      continued: 1,
      failed: 1,
      runsFailed: 0,
    });
  });
});
