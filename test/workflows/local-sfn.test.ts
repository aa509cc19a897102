import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { scaledClock } from '../../functions/core/clock.ts';
import { type LocalStepFunctions, startLocalStepFunctions } from '../../infra/local/sfn/index.ts';
import { MAX_TIMEOUT_MS, nextTimerDelayMs } from '../../infra/local/sfn/timers.ts';

const REGION = 'eu-north-1';
const ACCOUNT = '123456789012';
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const T0 = Date.parse('2030-01-07T08:00:00Z');

type Clock = { now(): number; scale: number };
type Fn = (payload: Record<string, unknown>) => unknown;
interface Call {
  name: string;
  payload: Record<string, unknown>;
  /** Virtual time of the call. */
  at: number;
}

/** A deterministic clock: virtual time only moves when the test sets it. */
function fakeClock(start = T0) {
  const clock = { virtual: start, scale: 1, now: () => clock.virtual };
  return clock;
}

/** A real clock running `scale` times faster than real time, starting at T0. */
function fastClock(scale: number): Clock {
  return { ...scaledClock({ realAnchor: Date.now(), virtualAnchor: T0, scale }), scale };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempStateDir() {
  const dir = await mkdtemp(join(tmpdir(), 'stegvis-local-sfn-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Host {
  sfn: LocalStepFunctions;
  client: SFNClient;
  calls: Call[];
  callsTo(name: string): Call[];
  machineArn(name: string): string;
}

async function startHost(o: {
  machines: Record<string, object>;
  functions: Record<string, Fn>;
  clock: Clock;
  stateDir?: string;
  timerRecheckMs?: number;
  maxConcurrentInvocations?: number;
  calls?: Call[];
}): Promise<Host> {
  const calls = o.calls ?? [];
  const stateDir = o.stateDir ?? (await tempStateDir());
  const sfn = await startLocalStepFunctions({
    port: 0,
    stateDir,
    region: REGION,
    accountId: ACCOUNT,
    stateMachines: Object.entries(o.machines).map(([name, definition]) => ({ name, definition })),
    clock: o.clock,
    timerRecheckMs: o.timerRecheckMs,
    maxConcurrentInvocations: o.maxConcurrentInvocations,
    invokeFunction: async (name, payload) => {
      calls.push({ name, payload: payload as Record<string, unknown>, at: o.clock.now() });
      const fn = o.functions[name];
      if (!fn) throw Object.assign(new Error(`no function ${name}`), { name: 'ResourceNotFoundException' });
      return fn(payload as Record<string, unknown>);
    },
  });
  const client = new SFNClient({
    endpoint: sfn.url,
    region: REGION,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    client.destroy();
    await sfn.close();
  };
  cleanups.push(close);
  return {
    sfn,
    client,
    calls,
    callsTo: (name) => calls.filter((c) => c.name === name),
    machineArn: (name) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`,
  };
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function describe_(host: Host, executionArn: string) {
  return host.client.send(new DescribeExecutionCommand({ executionArn }));
}

async function untilStatus(host: Host, executionArn: string, status: ExecutionStatus, timeoutMs?: number) {
  return until(
    `${executionArn} to be ${status}`,
    async () => {
      const d = await describe_(host, executionArn);
      if (d.status !== status && d.status !== 'RUNNING') {
        throw new Error(`${executionArn} ended ${d.status} (${d.error}: ${d.cause}), expected ${status}`);
      }
      return d.status === status ? d : undefined;
    },
    timeoutMs,
  );
}

async function history(host: Host, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await host.client.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

async function start(host: Host, machine: string, input: unknown, name?: string) {
  const out = await host.client.send(
    new StartExecutionCommand({
      stateMachineArn: host.machineArn(machine),
      name,
      input: JSON.stringify(input),
    }),
  );
  return out.executionArn!;
}

/**
 * Virtual time at which `state` was entered (its first entry). The state's deadline is taken after
 * this, so `event - enteredAt >= timeout` is a sound lower bound; the function call happens after
 * the deadline is taken, so `event - call.at < timeout + slack` is a sound upper bound.
 */
async function enteredAt(host: Host, executionArn: string, state: string) {
  const entered = (await history(host, executionArn)).find(
    (e) => e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name === state,
  );
  if (!entered?.timestamp) throw new Error(`${state} was not entered`);
  return entered.timestamp.getTime();
}

function output(d: { output?: string }) {
  return JSON.parse(d.output ?? 'null') as Record<string, unknown>;
}

const invoke = (fn: string, payload: object = { 'Payload.$': '$' }) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fn, ...payload },
});

const awaitToken = (extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: {
    FunctionName: 'await-step',
    Payload: { 'caseId.$': '$.caseId', 'taskToken.$': '$$.Task.Token' },
  },
  ...extra,
});

/** Waits on a task token; a timeout sends a reminder and waits again. */
const reminderLoop = (timeout: object) => ({
  StartAt: 'Load',
  States: {
    Load: { ...invoke('load-case'), ResultPath: null, Next: 'Await' },
    Await: awaitToken({
      ...timeout,
      ResultPath: '$.answer',
      Catch: [
        // States.TaskFailed must not catch a timeout (as on AWS).
        { ErrorEquals: ['States.TaskFailed'], Next: 'Broken' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Remind' },
      ],
      Next: 'Done',
    }),
    Remind: { ...invoke('send-reminder'), ResultPath: null, Next: 'Await' },
    Broken: { Type: 'Fail', Error: 'Broken' },
    Done: { Type: 'Succeed' },
  },
});

const noop: Fn = () => ({});
const loopFunctions = { 'load-case': noop, 'await-step': noop, 'send-reminder': noop };

const tokenOf = (call: Call | undefined) => String(call?.payload.taskToken);

describe('local Step Functions: tasks', () => {
  it('lambda:invoke yields { ExecutedVersion, Payload, StatusCode } for ResultSelector; a Lambda ARN yields the return value', async () => {
    const host = await startHost({
      clock: fakeClock(),
      functions: { double: (p) => ({ value: Number(p.n) * 2 }) },
      machines: {
        shapes: {
          StartAt: 'Raw',
          States: {
            Raw: {
              ...invoke(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:double`, { Payload: { 'n.$': '$.n' } }),
              ResultPath: '$.raw',
              Next: 'Selected',
            },
            Selected: {
              ...invoke('double', { Payload: { 'n.$': '$.n' } }),
              ResultSelector: { 'value.$': '$.Payload.value', 'code.$': '$.StatusCode' },
              ResultPath: '$.selected',
              Next: 'Plain',
            },
            Plain: {
              Type: 'Task',
              Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:double`,
              ResultPath: '$.plain',
              End: true,
            },
          },
        },
      },
    });
    const arn = await start(host, 'shapes', { n: 21 });
    const done = await untilStatus(host, arn, 'SUCCEEDED');
    expect(output(done)).toEqual({
      n: 21,
      raw: { ExecutedVersion: '$LATEST', Payload: { value: 42 }, StatusCode: 200 },
      selected: { value: 42, code: 200 },
      plain: { value: 42 },
    });
    expect(host.calls.map((c) => c.name)).toEqual(['double', 'double', 'double']);
    expect(host.calls[0]?.payload).toEqual({ n: 21 });
    // Parameters absent: the function gets the whole state input.
    expect(host.calls[2]?.payload).toMatchObject({ n: 21, selected: { value: 42 } });
    const types = (await history(host, arn)).map((e) => e.type);
    expect(types).toContain('LambdaFunctionSucceeded');
    expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(2);
  });

  it('runs at most maxConcurrentInvocations tasks at once; the others wait their turn and all finish', async () => {
    let running = 0;
    let most = 0;
    const host = await startHost({
      clock: fakeClock(),
      maxConcurrentInvocations: 3,
      functions: {
        slow: async (p) => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
          return { n: p.n };
        },
      },
      machines: {
        one: { StartAt: 'Slow', States: { Slow: { ...invoke('slow', { 'Payload.$': '$' }), End: true } } },
      },
    });
    const arns = await Promise.all(Array.from({ length: 20 }, (_, n) => start(host, 'one', { n })));
    const done = await Promise.all(arns.map((arn) => untilStatus(host, arn, 'SUCCEEDED')));
    expect(done).toHaveLength(20);
    expect(host.callsTo('slow')).toHaveLength(20);
    expect(most).toBe(3);
  });

  it('a function error is caught by its name', async () => {
    const host = await startHost({
      clock: fakeClock(),
      functions: {
        'load-case': () => {
          throw Object.assign(new Error('no case 7'), { name: 'CaseNotFound' });
        },
      },
      machines: {
        catching: {
          StartAt: 'Load',
          States: {
            Load: {
              ...invoke('load-case'),
              Catch: [
                { ErrorEquals: ['SomethingElse'], Next: 'Wrong' },
                { ErrorEquals: ['CaseNotFound'], ResultPath: '$.error', Next: 'Handled' },
              ],
              End: true,
            },
            Handled: { Type: 'Pass', End: true },
            Wrong: { Type: 'Fail', Error: 'Wrong' },
          },
        },
      },
    });
    const arn = await start(host, 'catching', { caseId: 7 });
    const done = await untilStatus(host, arn, 'SUCCEEDED');
    const error = output(done).error as { Error: string; Cause: string };
    expect(error.Error).toBe('CaseNotFound');
    expect(JSON.parse(error.Cause)).toMatchObject({ errorType: 'CaseNotFound', errorMessage: 'no case 7' });
    const failed = (await history(host, arn)).find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails?.error).toBe('CaseNotFound');
  });

  it('retries a failing function, with retry intervals on workflow time', async () => {
    let attempts = 0;
    const host = await startHost({
      // 60 virtual seconds = 1 real ms: the 60 s + 120 s backoff passes at once.
      clock: fastClock(60_000),
      functions: {
        flaky: () => {
          attempts += 1;
          if (attempts < 3) throw Object.assign(new Error(`attempt ${attempts}`), { name: 'Flaky' });
          return { ok: attempts };
        },
      },
      machines: {
        retrying: {
          StartAt: 'Flaky',
          States: {
            Flaky: {
              ...invoke('flaky'),
              ResultSelector: { 'ok.$': '$.Payload.ok' },
              Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 60, MaxAttempts: 3, BackoffRate: 2 }],
              End: true,
            },
          },
        },
      },
    });
    const arn = await start(host, 'retrying', {});
    const done = await untilStatus(host, arn, 'SUCCEEDED', 5000);
    expect(output(done)).toEqual({ ok: 3 });
    expect(host.callsTo('flaky')).toHaveLength(3);
    const types = (await history(host, arn)).map((e) => e.type);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(3);
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(2);
  });
});

describe('local Step Functions: task tokens', () => {
  const machines = {
    approval: {
      StartAt: 'Await',
      States: {
        Await: awaitToken({
          ResultPath: '$.answer',
          Catch: [{ ErrorEquals: ['Declined'], ResultPath: '$.failure', Next: 'Declined' }],
          End: true,
        }),
        Declined: { Type: 'Pass', End: true },
      },
    },
  };

  it('waitForTaskToken: the function gets a fresh token; SendTaskSuccess completes the state with its output', async () => {
    const host = await startHost({ clock: fakeClock(), functions: { 'await-step': noop }, machines });
    const arn = await start(host, 'approval', { caseId: 'c-1' });
    const call = await until('await-step', () => host.callsTo('await-step')[0]);
    const token = tokenOf(call);
    expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(call.payload.caseId).toBe('c-1');

    expect((await describe_(host, arn)).status).toBe('RUNNING');
    const open = await history(host, arn);
    expect(open.filter((e) => e.type?.endsWith('StateEntered')).at(-1)?.stateEnteredEventDetails?.name).toBe(
      'Await',
    );
    const submitted = await until('TaskSubmitted', async () =>
      (await history(host, arn)).find((e) => e.type === 'TaskSubmitted'),
    );
    expect(submitted.taskSubmittedEventDetails?.resource).toBe('invoke.waitForTaskToken');

    await host.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await host.client.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
    );
    const done = await untilStatus(host, arn, 'SUCCEEDED');
    expect(output(done)).toEqual({ caseId: 'c-1', answer: { approved: true } });

    await expect(
      host.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(
      host.client.send(new SendTaskSuccessCommand({ taskToken: 'not a token', output: '{}' })),
    ).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it('SendTaskFailure fails the state with the given error, caught by name', async () => {
    const host = await startHost({ clock: fakeClock(), functions: { 'await-step': noop }, machines });
    const arn = await start(host, 'approval', { caseId: 'c-2' });
    const token = tokenOf(await until('await-step', () => host.callsTo('await-step')[0]));
    await host.client.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'Declined', cause: 'coordinator said no' }),
    );
    const done = await untilStatus(host, arn, 'SUCCEEDED');
    expect(output(done).failure).toEqual({ Error: 'Declined', Cause: 'coordinator said no' });
    const failed = (await history(host, arn)).find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'Declined', cause: 'coordinator said no' });
  });
});

describe('local Step Functions: workflow time', () => {
  it('TimeoutSeconds → States.Timeout is caught, a reminder is sent and the task waits again (scaled real clock)', async () => {
    const clock = fastClock(DAY / SECOND); // one day per real second
    const host = await startHost({
      clock,
      functions: loopFunctions,
      machines: { loop: reminderLoop({ TimeoutSeconds: 2 * 86_400 }) },
    });
    const arn = await start(host, 'loop', { caseId: 'c-3' });
    const reminder = await until('a reminder', () => host.callsTo('send-reminder')[0], 10_000);
    const firstAwait = host.callsTo('await-step')[0]!;
    expect(reminder.at - (await enteredAt(host, arn, 'Await'))).toBeGreaterThanOrEqual(2 * DAY);
    expect(reminder.at - firstAwait.at).toBeLessThan(2.5 * DAY);
    expect(reminder.payload.timeout).toMatchObject({ Error: 'States.Timeout' });

    const secondAwait = await until('waiting again', () => host.callsTo('await-step')[1]);
    expect(tokenOf(secondAwait)).not.toBe(tokenOf(firstAwait));
    await expect(
      host.client.send(new SendTaskSuccessCommand({ taskToken: tokenOf(firstAwait), output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });

    const latest = host.callsTo('await-step').at(-1);
    await host.client.send(new SendTaskSuccessCommand({ taskToken: tokenOf(latest), output: '{"ok":true}' }));
    const done = await untilStatus(host, arn, 'SUCCEEDED');
    expect(output(done).answer).toEqual({ ok: true });
    const timedOut = (await history(host, arn)).find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.Timeout');
  });

  it('a 40-day TimeoutSeconds does not fire at once (setTimeout overflow) but at its virtual deadline', async () => {
    const fortyDays = 40 * DAY;
    // Without a guard a 40-day setTimeout (> 2^31-1 ms) fires immediately.
    expect(nextTimerDelayMs(T0 + fortyDays, T0, 1)).toBe(MAX_TIMEOUT_MS);
    expect(nextTimerDelayMs(T0 + fortyDays, T0, fortyDays / 1500)).toBe(1500);
    expect(nextTimerDelayMs(T0, T0 + 1, 1)).toBe(0);

    const clock = fastClock(fortyDays / 1500); // 40 days in 1.5 real seconds
    const host = await startHost({
      clock,
      functions: loopFunctions,
      machines: { loop: reminderLoop({ TimeoutSeconds: 40 * 86_400 }) },
    });
    const arn = await start(host, 'loop', { caseId: 'c-4' });
    const reminder = await until('the 40-day reminder', () => host.callsTo('send-reminder')[0], 10_000);
    expect(reminder.at - (await enteredAt(host, arn, 'Await'))).toBeGreaterThanOrEqual(fortyDays);
    // 0.5 real seconds of slack for a loaded machine.
    expect(reminder.at - host.callsTo('await-step')[0]!.at).toBeLessThan(fortyDays * (1 + 0.5 / 1.5));
  });

  it('TimeoutSecondsPath takes the timeout from the state input', async () => {
    const clock = fastClock(HOUR / SECOND); // one hour per real second
    const host = await startHost({
      clock,
      functions: { 'await-step': noop, mark: noop },
      machines: {
        pathTimeout: {
          StartAt: 'Await',
          States: {
            Await: awaitToken({
              TimeoutSecondsPath: '$.timeoutSeconds',
              Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Mark' }],
              End: true,
            }),
            Mark: { ...invoke('mark'), End: true },
          },
        },
      },
    });
    const arn = await start(host, 'pathTimeout', { caseId: 'c-5', timeoutSeconds: 3600 });
    await untilStatus(host, arn, 'SUCCEEDED', 10_000);
    const marked = host.callsTo('mark')[0]!.at;
    expect(marked - (await enteredAt(host, arn, 'Await'))).toBeGreaterThanOrEqual(HOUR);
    expect(marked - host.callsTo('await-step')[0]!.at).toBeLessThan(1.5 * HOUR);
    const scheduled = (await history(host, arn)).find((e) => e.type === 'TaskScheduled');
    expect(scheduled?.taskScheduledEventDetails?.timeoutInSeconds).toBe(3600);
  });

  it('Wait states (Seconds, TimestampPath) run on workflow time and keep their type in the history', async () => {
    const clock = fastClock(DAY / SECOND);
    const host = await startHost({
      clock,
      functions: { mark: noop },
      machines: {
        waits: {
          StartAt: 'Mark1',
          States: {
            Mark1: { ...invoke('mark'), ResultPath: null, Next: 'WaitADay' },
            WaitADay: { Type: 'Wait', Seconds: 86_400, Next: 'Mark2' },
            Mark2: { ...invoke('mark'), ResultPath: null, Next: 'WaitUntil' },
            WaitUntil: { Type: 'Wait', TimestampPath: '$.until', Next: 'Mark3' },
            Mark3: { ...invoke('mark'), ResultPath: null, End: true },
          },
        },
      },
    });
    const until_ = clock.now() + 2.5 * DAY;
    const arn = await start(host, 'waits', { until: new Date(until_).toISOString() });
    await untilStatus(host, arn, 'SUCCEEDED', 10_000);
    const [m1, m2, m3] = host.callsTo('mark');
    expect(m2!.at - m1!.at).toBeGreaterThanOrEqual(DAY);
    expect(m2!.at - m1!.at).toBeLessThan(1.5 * DAY);
    expect(m3!.at).toBeGreaterThanOrEqual(until_);
    expect(m3!.at - until_).toBeLessThan(0.5 * DAY);
    const entered = (await history(host, arn))
      .filter((e) => e.type?.endsWith('StateEntered'))
      .map((e) => `${e.type}:${e.stateEnteredEventDetails?.name}`);
    expect(entered).toEqual([
      'TaskStateEntered:Mark1',
      'WaitStateEntered:WaitADay',
      'TaskStateEntered:Mark2',
      'WaitStateEntered:WaitUntil',
      'TaskStateEntered:Mark3',
    ]);
  });

  it('Wait states inside Map iterations run concurrently on workflow time', async () => {
    const clock = fastClock(HOUR / SECOND);
    const host = await startHost({
      clock,
      functions: { mark: (p) => p },
      machines: {
        mapped: {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              ItemProcessor: {
                StartAt: 'Pause',
                States: {
                  Pause: { Type: 'Wait', Seconds: 3600, Next: 'MarkItem' },
                  MarkItem: { ...invoke('mark'), ResultSelector: { 'item.$': '$.Payload.item' }, End: true },
                },
              },
              End: true,
            },
          },
        },
      },
    });
    const startedAt = clock.now();
    const arn = await start(host, 'mapped', { items: [{ item: 1 }, { item: 2 }, { item: 3 }] });
    const done = await untilStatus(host, arn, 'SUCCEEDED', 10_000);
    expect(output(done)).toEqual([{ item: 1 }, { item: 2 }, { item: 3 }]);
    expect(host.callsTo('mark')).toHaveLength(3);
    for (const call of host.callsTo('mark')) {
      expect(call.at - startedAt).toBeGreaterThanOrEqual(HOUR);
      expect(call.at - startedAt).toBeLessThan(1.5 * HOUR);
    }
  });
});

describe('local Step Functions: API', () => {
  const machines = {
    approval: { StartAt: 'Await', States: { Await: awaitToken({ End: true }) } },
    simple: {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: { caseId: 'c-9' }, Next: 'Load' },
        Load: { ...invoke('load-case'), ResultSelector: { 'loaded.$': '$.Payload.loaded' }, Next: 'Check' },
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.loaded', BooleanEquals: true, Next: 'Done' }],
          Default: 'Bad',
        },
        Bad: { Type: 'Fail', Error: 'Bad' },
        Done: { Type: 'Succeed' },
      },
    },
  };
  const functions = { 'await-step': noop, 'load-case': () => ({ loaded: true }) };

  it('StartExecution is idempotent for the same name and input; another input is ExecutionAlreadyExists', async () => {
    const host = await startHost({ clock: fakeClock(), functions, machines });
    const first = await host.client.send(
      new StartExecutionCommand({
        stateMachineArn: host.machineArn('approval'),
        name: 'case-1',
        input: '{"caseId":1}',
      }),
    );
    expect(first.executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:approval:case-1`);
    expect(first.startDate).toEqual(new Date(T0));
    const again = await host.client.send(
      new StartExecutionCommand({
        stateMachineArn: host.machineArn('approval'),
        name: 'case-1',
        input: '{"caseId":1}',
      }),
    );
    expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    await expect(
      host.client.send(
        new StartExecutionCommand({
          stateMachineArn: host.machineArn('approval'),
          name: 'case-1',
          input: '{"caseId":2}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await until('await-step', () => host.callsTo('await-step')[0]);
    expect(host.callsTo('await-step')).toHaveLength(1);
    await expect(
      host.client.send(new StartExecutionCommand({ stateMachineArn: host.machineArn('nope'), input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });

  it('rejects invalid execution names with InvalidName', async () => {
    const host = await startHost({ clock: fakeClock(), functions, machines });
    for (const name of ['has space', 'a/b', 'colon:name', 'brace{', 'x'.repeat(81)]) {
      await expect(
        host.client.send(
          new StartExecutionCommand({ stateMachineArn: host.machineArn('simple'), name, input: '{}' }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidName' });
    }
    const ok = await start(host, 'simple', {}, 'x'.repeat(80));
    await untilStatus(host, ok, 'SUCCEEDED');
  });

  it('ListExecutions lists newest first, filters by status and pages', async () => {
    const clock = fakeClock();
    const host = await startHost({ clock, functions, machines });
    const arns: string[] = [];
    for (const caseId of [1, 2, 3]) {
      arns.push(await start(host, 'approval', { caseId }, `case-${caseId}`));
      clock.virtual += SECOND;
    }
    const [e1, e2, e3] = arns;
    const token2 = tokenOf(
      await until('case 2 waits', () => host.callsTo('await-step').find((c) => c.payload.caseId === 2)),
    );
    await host.client.send(new SendTaskSuccessCommand({ taskToken: token2, output: '{}' }));
    await untilStatus(host, e2!, 'SUCCEEDED');
    await host.client.send(new StopExecutionCommand({ executionArn: e3 }));

    const list = async (statusFilter?: ExecutionStatus) =>
      (
        await host.client.send(
          new ListExecutionsCommand({ stateMachineArn: host.machineArn('approval'), statusFilter }),
        )
      ).executions?.map((e) => e.executionArn);
    expect(await list()).toEqual([e3, e2, e1]);
    expect(await list('RUNNING')).toEqual([e1]);
    expect(await list('SUCCEEDED')).toEqual([e2]);
    expect(await list('ABORTED')).toEqual([e3]);
    expect(await list('FAILED')).toEqual([]);

    const page1 = await host.client.send(
      new ListExecutionsCommand({ stateMachineArn: host.machineArn('approval'), maxResults: 2 }),
    );
    expect(page1.executions?.map((e) => e.executionArn)).toEqual([e3, e2]);
    expect(page1.executions?.[0]).toMatchObject({
      name: 'case-3',
      status: 'ABORTED',
      startDate: new Date(T0 + 2 * SECOND),
    });
    const page2 = await host.client.send(
      new ListExecutionsCommand({
        stateMachineArn: host.machineArn('approval'),
        maxResults: 2,
        nextToken: page1.nextToken,
      }),
    );
    expect(page2.executions?.map((e) => e.executionArn)).toEqual([e1]);
    expect(page2.nextToken).toBeUndefined();
  });

  it('GetExecutionHistory returns AWS-shaped events in order, reversed and paged on request', async () => {
    const clock = fakeClock();
    const host = await startHost({ clock, functions, machines });
    const arn = await start(host, 'simple', {}, 'history-1');
    const done = await untilStatus(host, arn, 'SUCCEEDED');
    expect(output(done)).toEqual({ loaded: true });
    const events = await history(host, arn);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    events.forEach((e, i) => {
      expect(e.id).toBe(i + 1);
      expect(e.previousEventId).toBe(i);
      expect(e.timestamp).toEqual(new Date(T0));
    });
    const [started, passEntered, , , scheduled, , succeeded] = events;
    expect(started?.executionStartedEventDetails).toMatchObject({ input: '{}' });
    expect(started?.executionStartedEventDetails?.roleArn).toMatch(/^arn:aws:iam::123456789012:role\//);
    expect(passEntered?.stateEnteredEventDetails).toMatchObject({ name: 'Prepare', input: '{}' });
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      region: REGION,
    });
    expect(JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '')).toEqual({
      FunctionName: 'load-case',
      Payload: { caseId: 'c-9' },
    });
    expect(JSON.parse(succeeded?.taskSucceededEventDetails?.output ?? '')).toMatchObject({
      Payload: { loaded: true },
    });
    expect(events.at(-1)?.executionSucceededEventDetails?.output).toBe('{"loaded":true}');

    const reversed = await host.client.send(
      new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 5 }),
    );
    expect(reversed.events?.map((e) => e.id)).toEqual([13, 12, 11, 10, 9]);
    expect(reversed.nextToken).toBeTruthy();
    const rest = await host.client.send(
      new GetExecutionHistoryCommand({
        executionArn: arn,
        reverseOrder: true,
        nextToken: reversed.nextToken,
      }),
    );
    expect(rest.events?.map((e) => e.id)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);

    const lean = await host.client.send(
      new GetExecutionHistoryCommand({ executionArn: arn, includeExecutionData: false }),
    );
    expect(lean.events?.[1]?.stateEnteredEventDetails).toEqual({ name: 'Prepare' });

    await expect(
      host.client.send(
        new GetExecutionHistoryCommand({
          executionArn: `${host.machineArn('simple').replace('stateMachine', 'execution')}:nope`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('StopExecution aborts a running execution and closes its task token', async () => {
    const clock = fakeClock();
    const host = await startHost({ clock, functions, machines });
    const arn = await start(host, 'approval', { caseId: 'c-6' });
    const token = tokenOf(await until('await-step', () => host.callsTo('await-step')[0]));
    clock.virtual += HOUR;
    const stopped = await host.client.send(
      new StopExecutionCommand({ executionArn: arn, error: 'Cancelled', cause: 'case withdrawn' }),
    );
    expect(stopped.stopDate).toEqual(new Date(T0 + HOUR));
    const d = await describe_(host, arn);
    expect(d).toMatchObject({
      status: 'ABORTED',
      error: 'Cancelled',
      cause: 'case withdrawn',
      stopDate: new Date(T0 + HOUR),
    });
    const last = (await history(host, arn)).at(-1);
    expect(last?.type).toBe('ExecutionAborted');
    expect(last?.executionAbortedEventDetails).toEqual({ error: 'Cancelled', cause: 'case withdrawn' });
    await expect(
      host.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(
      host.client.send(new StopExecutionCommand({ executionArn: `${arn}-missing` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('DescribeStateMachine and ListStateMachines describe the configured machines', async () => {
    const host = await startHost({ clock: fakeClock(), functions, machines });
    const d = await host.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: host.machineArn('simple') }),
    );
    expect(d).toMatchObject({
      stateMachineArn: host.machineArn('simple'),
      name: 'simple',
      status: 'ACTIVE',
      type: 'STANDARD',
      creationDate: new Date(T0),
    });
    expect(JSON.parse(d.definition ?? '')).toEqual(machines.simple);
    const list = await host.client.send(new ListStateMachinesCommand({}));
    expect(list.stateMachines?.map((m) => m.name)).toEqual(['approval', 'simple']);
    await expect(
      host.client.send(new DescribeStateMachineCommand({ stateMachineArn: host.machineArn('missing') })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });
});

describe('local Step Functions: restart durability', () => {
  const machines = { loop: reminderLoop({ TimeoutSeconds: 2 * 86_400 }) };

  it('resumes a RUNNING execution from StartAt with a new token; the timeout keeps its original deadline', async () => {
    const clock = fakeClock();
    const stateDir = await tempStateDir();
    const calls: Call[] = [];
    const options = { clock, stateDir, calls, machines, functions: loopFunctions, timerRecheckMs: 10 };
    const first = await startHost(options);
    const arn = await start(first, 'loop', { caseId: 'c-7' }, 'case-7');
    const oldToken = tokenOf(await until('await-step', () => first.callsTo('await-step')[0]));
    await first.sfn.close();

    clock.virtual = T0 + DAY; // the host was down for a day
    const second = await startHost(options);
    await second.sfn.ready;
    expect((await describe_(second, arn)).status).toBe('RUNNING');
    const reentered = await until('re-entry', () => second.callsTo('await-step')[1]);
    expect(second.callsTo('load-case')).toHaveLength(2);
    expect(tokenOf(reentered)).not.toBe(oldToken);
    expect(second.callsTo('send-reminder')).toHaveLength(0);
    const events = await history(second, arn);
    const redriven = events.find((e) => e.type === 'ExecutionRedriven');
    expect(redriven?.executionRedrivenEventDetails?.redriveCount).toBe(1);
    expect(redriven?.timestamp).toEqual(new Date(T0 + DAY));
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    await expect(
      second.client.send(new SendTaskSuccessCommand({ taskToken: oldToken, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });

    // The original deadline is T0 + 2 days; a reset one would be T0 + 3 days.
    clock.virtual = T0 + 2 * DAY + SECOND;
    const reminder = await until(
      'the reminder at the original deadline',
      () => second.callsTo('send-reminder')[0],
    );
    expect(reminder.at).toBe(T0 + 2 * DAY + SECOND);

    const waitingAgain = await until('waiting after the reminder', () => second.callsTo('await-step')[2]);
    await second.client.send(
      new SendTaskSuccessCommand({ taskToken: tokenOf(waitingAgain), output: '{"proposal":"2030-01-10"}' }),
    );
    const done = await untilStatus(second, arn, 'SUCCEEDED');
    expect(output(done).answer).toEqual({ proposal: '2030-01-10' });
    expect(done.redriveCount).toBe(1);
  });

  it('a deadline that passed while the host was down fires as soon as the state is re-entered', async () => {
    const clock = fakeClock();
    const stateDir = await tempStateDir();
    const calls: Call[] = [];
    const options = { clock, stateDir, calls, machines, functions: loopFunctions, timerRecheckMs: 10 };
    const first = await startHost(options);
    const arn = await start(first, 'loop', { caseId: 'c-8' });
    await until('await-step', () => first.callsTo('await-step')[0]);
    await first.sfn.close();

    clock.virtual = T0 + 5 * DAY;
    const second = await startHost(options);
    await second.sfn.ready;
    const reminder = await until('the overdue reminder', () => second.callsTo('send-reminder')[0]);
    expect(reminder.at).toBe(T0 + 5 * DAY);
    const waitingAgain = await until('waiting after the reminder', () => second.callsTo('await-step')[2]);
    expect(second.callsTo('send-reminder')).toHaveLength(1); // the new wait has a new deadline
    await second.client.send(new SendTaskSuccessCommand({ taskToken: tokenOf(waitingAgain), output: '{}' }));
    await untilStatus(second, arn, 'SUCCEEDED');
  });
});
