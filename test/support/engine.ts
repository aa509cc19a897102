import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { SfnWorkflow } from '#adapters/sfn-workflow';
import type { CaseRecord } from '#core/case';
import { scaledClock } from '#core/clock';
import type { CaseRepository, Deps } from '#core/ports';
import type { StepName } from '#core/process/declaration';
import type { Unit } from '#core/units';
import * as steps from '#core/use-cases/workflow-steps';
import { TASKS } from '#functions/tasks/registry';
import { startLocalStepFunctions } from '#local/sfn/index';
import { pollUntil, ROOT } from './host.ts';
import { MemoryRepo, RecordingMail } from './memory-repo.ts';
import { newCaseRecord } from './records.ts';

export const STATE_MACHINE = 'arn:aws:states:eu-north-1:000000000000:stateMachine:stegvis-placement';
export const arnOf = (name: string) => `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;

/** What the engine did, counted the way AWS bills it. */
export interface Counters {
  lambdaInvocations: number;
  lambdaMs: number;
  writeUnits: number;
  readUnits: number;
  writes: number;
}

/**
 * A repository that counts DynamoDB request units as on-demand bills them: a write is one WRU
 * per started KB of the item (twice in a transaction), a strongly consistent read one RRU per
 * started 4 KB.
 */
function counting(repo: MemoryRepo, c: Counters): CaseRepository {
  const size = (x: unknown) => Buffer.byteLength(JSON.stringify(x));
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        const out = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (prop === 'saveCase') {
          const [next, opts] = args as [
            CaseRecord,
            { claimPlace?: unknown; releasePlace?: unknown; entries?: unknown[] }?,
          ];
          const tx = !!(opts?.claimPlace || opts?.releasePlace || opts?.entries?.length);
          const items = [
            next,
            ...(opts?.entries ?? []),
            ...(opts?.claimPlace || opts?.releasePlace ? [{ inUse: 1 }] : []),
          ];
          c.writes += 1;
          c.writeUnits += items.reduce<number>((n, i) => n + Math.ceil(size(i) / 1024), 0) * (tx ? 2 : 1);
        } else if (prop === 'createCase') {
          c.writes += 1;
          c.writeUnits += (Math.ceil(size(args[0]) / 1024) + 1) * 2;
        } else if (prop === 'getCase' && out) c.readUnits += Math.ceil(size(out) / 4096);
        else if (prop === 'listUnits' || prop === 'placesInUse') c.readUnits += 1;
        else if (prop === 'listActiveCases' || prop === 'listEntries') c.readUnits += 1;
        return out;
      };
    },
  }) as unknown as CaseRepository;
}

/**
 * The placement ASL on the local engine, every task backed by the real use case the task Lambda
 * calls, over an in-memory repository, with workflow time accelerated `scale` times.
 */
export async function startEngine(opts: {
  scale: number;
  units: Unit[];
  beforeAwait?: (step: StepName, deps: Deps) => Promise<void>;
}) {
  const anchor = { realAnchor: Date.now(), virtualAnchor: Date.now(), scale: opts.scale };
  const clock = scaledClock(anchor);
  const memory = new MemoryRepo(opts.units);
  const counters: Counters = { lambdaInvocations: 0, lambdaMs: 0, writeUnits: 0, readUnits: 0, writes: 0 };
  const repo = counting(memory, counters);
  const mail = new RecordingMail();
  const dir = mkdtempSync(join(tmpdir(), 'stegvis-wf-'));
  const substitutions = Object.fromEntries(TASKS.map((t) => [t.substitution, `stegvis-${t.name}`]));
  const asl = readFileSync(join(ROOT, 'workflows', 'placement.asl.json'), 'utf8').replace(
    /\$\{(\w+)\}/g,
    (_, k: string) => substitutions[k] ?? `missing-${k}`,
  );
  // deps.workflow is filled in once the endpoint listens; tasks only run after that.
  const deps = {
    repo,
    mail,
    clock,
    baseUrl: 'https://stegvis.example',
    newId: () => 'unused',
  } as unknown as Deps;
  const seen: string[] = [];
  const run = async (name: string, p: Record<string, unknown>) => {
    const caseId = String(p.caseId);
    switch (name) {
      case 'stegvis-load-case':
        return steps.loadCase(deps, caseId, Number(p.loop ?? 0));
      case 'stegvis-await-step':
        await opts.beforeAwait?.(p.step as StepName, deps);
        return steps.awaitStep(
          deps,
          caseId,
          p.step as StepName,
          String(p.taskToken),
          p.version as number | undefined,
        );
      case 'stegvis-notify-referral':
        return steps.notifyNewReferral(deps, caseId);
      case 'stegvis-send-invitation':
        return steps.sendInvitations(deps, caseId);
      case 'stegvis-send-reminder':
        return steps.handleDeadlines(deps, caseId);
      case 'stegvis-close-case':
        return steps.closeCase(deps, caseId);
      case 'stegvis-release-place':
        return steps.releasePlace(deps, caseId);
      case 'stegvis-record-failure':
        return steps.recordFailure(deps, caseId, String(p.state ?? ''), String(p.error ?? ''));
      case 'stegvis-continue-segment':
        return steps.continueSegment(deps, caseId, p.execution as string | undefined);
      default:
        throw new Error(`unknown function ${name}`);
    }
  };
  const sfn = await startLocalStepFunctions({
    port: 0,
    stateDir: dir,
    region: 'eu-north-1',
    accountId: '000000000000',
    stateMachines: [{ name: 'stegvis-placement', definition: JSON.parse(asl) as object }],
    clock: { now: clock.now, scale: opts.scale },
    invokeFunction: async (name, payload) => {
      seen.push(name);
      counters.lambdaInvocations++;
      const started = performance.now();
      try {
        return await run(name, payload as Record<string, unknown>);
      } finally {
        counters.lambdaMs += performance.now() - started;
      }
    },
  });
  const client = new SFNClient({
    region: 'eu-north-1',
    endpoint: sfn.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  deps.workflow = new SfnWorkflow(client, STATE_MACHINE);

  async function newCase(caseId: string, extra: Partial<CaseRecord> = {}) {
    const record = { ...newCaseRecord(caseId, clock.now()), ...extra };
    await repo.createCase(record, `submission-${caseId}`);
    await deps.workflow.startExecution(record.execution.name, { caseId });
    return record;
  }
  const waitingFor = (caseId: string, step: StepName, timeout = 20_000) =>
    pollUntil(
      `${caseId} waiting for ${step}`,
      async () => ((await memory.getCase(caseId))?.waiting?.step === step ? true : undefined),
      timeout,
    );
  const finished = (name: string) =>
    pollUntil(
      'execution to finish',
      async () => {
        const d = await client.send(new DescribeExecutionCommand({ executionArn: arnOf(name) }));
        return d.status !== 'RUNNING' ? d : undefined;
      },
      20_000,
    );
  const history = async (name: string) => {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetExecutionHistoryCommand({ executionArn: arnOf(name), maxResults: 1000, nextToken }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  };
  /** A meeting form on the day `days` workflow days ahead, 10–11 Stockholm time. */
  const at = (days: number, location = 'REMAKE') => {
    const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(
      new Date(clock.now() + days * 86_400_000),
    );
    return { date: day, startTime: '10:00', endTime: '11:00', location };
  };
  const passes = (iso: string, timeout = 60_000) =>
    pollUntil(`time to pass ${iso}`, async () => clock.now() > Date.parse(iso) || undefined, timeout);
  const close = async () => {
    await sfn.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    deps,
    repo,
    memory,
    mail,
    clock,
    newCase,
    waitingFor,
    finished,
    history,
    at,
    passes,
    seen,
    client,
    arnOf,
    counters,
    close,
  };
}

export type Engine = Awaited<ReturnType<typeof startEngine>>;
