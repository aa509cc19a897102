import { randomBytes, randomUUID } from 'node:crypto';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  functionNameOf,
  isRecord,
  type PreparedDefinition,
  prepareDefinition,
  type TaskMeta,
  type WaitMeta,
} from './definition.ts';
import { runtimeError, SfnApiError, stateError, stoppedError } from './errors.ts';
import type {
  DeadlineKind,
  ExecutionRecord,
  ExecutionStatus,
  HistoryEvent,
  Schedule,
  StateStore,
} from './store.ts';
import { VirtualTimers, type WorkflowClock } from './timers.ts';

// aws-local-stepfunctions 3.x calls Promise.withResolvers (Node >= 22) when it runs a Task state.
type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
};
const promiseStatics = Promise as unknown as { withResolvers?: WithResolvers };
if (typeof promiseStatics.withResolvers !== 'function') {
  promiseStatics.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type LocalHandler = LocalHandlers[string];
type JsonValue = Parameters<LocalHandler>[0];
type EngineRun = ReturnType<StateMachine['run']>;
type EngineEvent = EngineRun['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type Log = (msg: string, data?: Record<string, unknown>) => void;

export interface RuntimeOptions {
  region: string;
  accountId: string;
  stateMachines: { name: string; definition: object }[];
  invokeFunction: (functionName: string, payload: unknown) => Promise<unknown>;
  clock: WorkflowClock;
  log: Log;
  timerRecheckMs?: number;
  /**
   * How many task invocations run at once (default 8); the others wait their turn, as Lambda's
   * concurrency limit throttles them on AWS. A restart resumes every running execution at once:
   * without a bound, a thousand tasks would reach DynamoDB Local in the same instant.
   */
  maxConcurrentInvocations?: number;
}

interface Machine {
  name: string;
  arn: string;
  definitionText: string;
  prepared: PreparedDefinition;
  creationDate: number;
}

interface ActiveRun {
  record: ExecutionRecord;
  machine: Machine;
  stopped: boolean;
  abort: () => void;
  /** Cancels this run's timers. */
  cancels: Set<() => void>;
  /** Rejects this run's pending task handlers (so the engine unwinds and clears its own timers). */
  pending: Set<(error: Error) => void>;
  /** Open task tokens. */
  tokens: Set<string>;
  /** State keys of the states currently open (a state name, `name#2`… for concurrent Map iterations). */
  keys: Set<string>;
}

interface OpenToken {
  run: ActiveRun;
  succeed: (output: unknown) => void;
  fail: (error: string, cause: string) => void;
  heartbeat: () => void;
}

/** AWS's default TimeoutSeconds of a Task state. */
const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
/** What `$$.Task.Token` resolves to inside the engine; replaced by the real token in the local handler. */
const TOKEN_SENTINEL = `stegvis-local-sfn-task-token-${randomUUID()}`;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{64}$/;
const RESTART_REASON = 'local host restarted';

/**
 * The engine tells States.Timeout apart from other task errors by `instanceof` its own (unexported)
 * StatesTimeoutError: `States.TaskFailed` must not catch a timeout. We obtain that class once from a
 * probe run whose Task times out after 1 ms.
 */
let makeEngineTimeoutError: (() => Error) | undefined;

export async function loadEngineTimeoutError() {
  if (makeEngineTimeoutError) return;
  const probe = new StateMachine(
    {
      StartAt: 'Probe',
      States: { Probe: { Type: 'Task', Resource: 'probe', TimeoutSeconds: 0.001, End: true } },
    } as unknown as StateMachineDefinition,
    { validationOptions: { noValidate: true } },
  );
  const run = probe.run(null, {
    overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<JsonValue>(() => {}) } },
  });
  try {
    await run.result;
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') {
      const EngineTimeoutError = cause.constructor as new () => Error;
      makeEngineTimeoutError = () => new EngineTimeoutError();
    }
  }
}

function timeoutError(): Error {
  return makeEngineTimeoutError?.() ?? stateError('States.Timeout', 'States.Timeout');
}

/** Lets the engine's event log (an async generator) catch up before a handler records its own events. */
function yieldToEventLog() {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

function text(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

function replaceDeep(value: unknown, search: string, replacement: string): unknown {
  if (typeof value === 'string')
    return value.includes(search) ? value.split(search).join(replacement) : value;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, search, replacement));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceDeep(v, search, replacement)]),
    );
  }
  return value;
}

function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw runtimeError(`${what} must resolve to a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegativeInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw runtimeError(`${what} must resolve to a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function timestampMs(value: unknown, what: string): number {
  const ms = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw runtimeError(`${what} must be an RFC 3339 timestamp, got ${JSON.stringify(value)}`);
  return ms;
}

/** AWS naming rules for state machines and executions. */
export function isValidName(name: string): boolean {
  if (name.length < 1 || name.length > 80) return false;
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f) || /\s/.test(ch)) return false;
    if ('<>{}[]?*"#%\\^|~`$&,;:/'.includes(ch)) return false;
  }
  return true;
}

function functionErrorOf(error: unknown): { name: string; cause: string } {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { name, cause: JSON.stringify({ errorType: name, errorMessage: message }) };
}

/** History events of one Task state, in AWS's vocabulary for its resource type. */
function taskEvents(meta: TaskMeta, region: string) {
  if (meta.kind === 'lambda-function') {
    return {
      scheduled: (input: unknown, timeoutSeconds: number | undefined) =>
        [
          'LambdaFunctionScheduled',
          'lambdaFunctionScheduledEventDetails',
          {
            resource: meta.resource,
            input: text(input),
            inputDetails: { truncated: false },
            timeoutInSeconds: timeoutSeconds,
          },
        ] as const,
      started: () => ['LambdaFunctionStarted'] as const,
      submitted: (_output: unknown) => undefined,
      succeeded: (output: unknown) =>
        [
          'LambdaFunctionSucceeded',
          'lambdaFunctionSucceededEventDetails',
          { output: text(output), outputDetails: { truncated: false } },
        ] as const,
      failed: (error: string, cause: string) =>
        ['LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', { error, cause }] as const,
      timedOut: (cause: string) =>
        [
          'LambdaFunctionTimedOut',
          'lambdaFunctionTimedOutEventDetails',
          { error: 'States.Timeout', cause },
        ] as const,
    };
  }
  const resourceType = 'lambda';
  const resource = meta.kind === 'lambda-invoke-wait-token' ? 'invoke.waitForTaskToken' : 'invoke';
  return {
    scheduled: (parameters: unknown, timeoutSeconds: number | undefined, heartbeatSeconds?: number) =>
      [
        'TaskScheduled',
        'taskScheduledEventDetails',
        {
          resourceType,
          resource,
          region,
          parameters: text(parameters),
          timeoutInSeconds: timeoutSeconds,
          heartbeatInSeconds: heartbeatSeconds,
        },
      ] as const,
    started: () => ['TaskStarted', 'taskStartedEventDetails', { resourceType, resource }] as const,
    submitted: (output: unknown) =>
      [
        'TaskSubmitted',
        'taskSubmittedEventDetails',
        { resourceType, resource, output: text(output), outputDetails: { truncated: false } },
      ] as const,
    succeeded: (output: unknown) =>
      [
        'TaskSucceeded',
        'taskSucceededEventDetails',
        { resourceType, resource, output: text(output), outputDetails: { truncated: false } },
      ] as const,
    failed: (error: string, cause: string) =>
      ['TaskFailed', 'taskFailedEventDetails', { resourceType, resource, error, cause }] as const,
    timedOut: (cause: string) =>
      [
        'TaskTimedOut',
        'taskTimedOutEventDetails',
        { resourceType, resource, error: 'States.Timeout', cause },
      ] as const,
  };
}

type EventSpec = readonly [type: string, detailsKey?: string, details?: Record<string, unknown>];

export class Runtime {
  readonly machines = new Map<string, Machine>();
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly runs = new Map<string, ActiveRun>();
  private readonly openTokens = new Map<string, OpenToken>();
  private readonly closedTokens = new Set<string>();
  private readonly timers: VirtualTimers;
  private readonly schedule: Schedule;
  private seq = 0;
  private closed = false;

  constructor(
    private readonly o: RuntimeOptions,
    private readonly store: StateStore,
    loaded: { executions: ExecutionRecord[]; schedule: Schedule },
  ) {
    this.timers = new VirtualTimers(o.clock, o.timerRecheckMs);
    const now = o.clock.now();
    for (const { name, definition } of o.stateMachines) {
      if (!isValidName(name)) throw new Error(`local-sfn: invalid state machine name "${name}"`);
      const arn = this.stateMachineArn(name);
      if (this.machines.has(arn)) throw new Error(`local-sfn: state machine "${name}" is defined twice`);
      const prepared = prepareDefinition(definition, `state machine "${name}"`);
      // Validate the original ASL once (ARNs in Parameters are the host's business, not the validator's).
      try {
        new StateMachine(definition as StateMachineDefinition, { validationOptions: { checkArn: false } });
      } catch (error) {
        throw new Error(
          `local-sfn: state machine "${name}": ${error instanceof Error ? error.message : error}`,
        );
      }
      for (const meta of prepared.states.values()) {
        if (meta.type === 'Task' && meta.kind === 'unsupported') {
          o.log('local-sfn: Task resource not supported locally (the state will fail)', {
            stateMachine: name,
            state: meta.name,
            resource: meta.resource,
          });
        }
      }
      this.machines.set(arn, {
        name,
        arn,
        definitionText: JSON.stringify(definition),
        prepared,
        creationDate: now,
      });
    }
    for (const record of loaded.executions) {
      this.executions.set(record.executionArn, record);
      this.seq = Math.max(this.seq, record.seq ?? 0);
      // Tokens issued by an earlier host are closed: their tasks are re-entered with new tokens.
      for (const token of record.tokens) this.closedTokens.add(token);
    }
    this.schedule = {};
    for (const [arn, states] of Object.entries(loaded.schedule)) {
      if (this.executions.get(arn)?.status === 'RUNNING') this.schedule[arn] = states;
    }
  }

  get roleArn() {
    return `arn:aws:iam::${this.o.accountId}:role/stegvis-local-stepfunctions`;
  }

  stateMachineArn(name: string) {
    return `arn:aws:states:${this.o.region}:${this.o.accountId}:stateMachine:${name}`;
  }

  executionArn(machineName: string, name: string) {
    return `arn:aws:states:${this.o.region}:${this.o.accountId}:execution:${machineName}:${name}`;
  }

  // ---------------------------------------------------------------- API operations

  machine(stateMachineArn: string): Machine {
    if (!/^arn:aws[a-z-]*:states:[^:]+:[^:]+:stateMachine:[^:]+$/.test(stateMachineArn)) {
      throw new SfnApiError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    }
    const machine = this.machines.get(stateMachineArn);
    if (!machine)
      throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return machine;
  }

  execution(executionArn: string): ExecutionRecord {
    if (!/^arn:aws[a-z-]*:states:[^:]+:[^:]+:execution:[^:]+:[^:]+$/.test(executionArn)) {
      throw new SfnApiError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    }
    const record = this.executions.get(executionArn);
    if (!record)
      throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  async startExecution(stateMachineArn: string, name: string | undefined, input: string | undefined) {
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!isValidName(executionName)) throw new SfnApiError('InvalidName', `Invalid Name: '${executionName}'`);
    const inputText = input ?? '{}';
    try {
      JSON.parse(inputText);
    } catch {
      throw new SfnApiError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: input is not JSON',
      );
    }
    const executionArn = this.executionArn(machine.name, executionName);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // As on AWS (STANDARD): idempotent for a RUNNING execution with the same input, else an error.
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name: executionName,
      seq: ++this.seq,
      input: inputText,
      status: 'RUNNING',
      startDate: this.o.clock.now(),
      redriveCount: 0,
      tokens: [],
      history: [],
    };
    this.executions.set(executionArn, record);
    this.addEvent(record, [
      'ExecutionStarted',
      'executionStartedEventDetails',
      { input: inputText, inputDetails: { truncated: false }, roleArn: this.roleArn },
    ]);
    this.launch(record, machine);
    await this.store.saveExecution(record);
    this.o.log('local-sfn: execution started', { executionArn });
    return { executionArn, startDate: record.startDate };
  }

  stopExecution(executionArn: string, error: string | undefined, cause: string | undefined) {
    const record = this.execution(executionArn);
    if (record.status === 'RUNNING') {
      this.finish(record, 'ABORTED', { error, cause });
      this.o.log('local-sfn: execution stopped', { executionArn });
    }
    return { stopDate: record.stopDate ?? this.o.clock.now() };
  }

  sendTaskSuccess(token: string, output: string) {
    const task = this.openToken(token);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid Output: output is not JSON');
    }
    task.succeed(parsed);
  }

  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined) {
    this.openToken(token).fail(error ?? '', cause ?? '');
  }

  sendTaskHeartbeat(token: string) {
    this.openToken(token).heartbeat();
  }

  private openToken(token: string): OpenToken {
    const open = this.openTokens.get(token);
    if (open) return open;
    if (this.closedTokens.has(token)) {
      throw new SfnApiError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    }
    if (TOKEN_PATTERN.test(token)) throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
    throw new SfnApiError('InvalidToken', 'Invalid Token: not a task token of this host');
  }

  // ---------------------------------------------------------------- lifecycle

  /** Resumes every persisted RUNNING execution: from StartAt, same ARN and input, history kept. */
  async resumeAll() {
    const running = [...this.executions.values()]
      .filter((r) => r.status === 'RUNNING')
      .sort((a, b) => a.seq - b.seq);
    for (const record of running) {
      if (this.closed) break;
      const machine = this.machines.get(record.stateMachineArn);
      if (!machine) {
        this.o.log('local-sfn: cannot resume, state machine not defined', {
          executionArn: record.executionArn,
        });
        continue;
      }
      record.redriveCount += 1;
      record.redriveDate = this.o.clock.now();
      this.addEvent(record, [
        'ExecutionRedriven',
        'executionRedrivenEventDetails',
        { redriveCount: record.redriveCount, reason: RESTART_REASON },
      ]);
      this.launch(record, machine);
      this.o.log('local-sfn: execution resumed', {
        executionArn: record.executionArn,
        reason: RESTART_REASON,
      });
    }
    await this.store.flush();
  }

  /** Stops every run and timer without changing any execution's status (they resume on the next start). */
  async close() {
    if (this.closed) return;
    this.closed = true;
    for (const run of this.runs.values()) this.stopRun(run);
    this.runs.clear();
    this.timers.cancelAll();
    this.openTokens.clear();
    await this.store.close();
  }

  // ---------------------------------------------------------------- running executions

  private launch(record: ExecutionRecord, machine: Machine) {
    if (this.closed) return;
    const run: ActiveRun = {
      record,
      machine,
      stopped: false,
      abort: () => {},
      cancels: new Set(),
      pending: new Set(),
      tokens: new Set(),
      keys: new Set(),
    };
    this.runs.set(record.executionArn, run);
    const handlers: LocalHandlers = {};
    for (const meta of machine.prepared.states.values()) {
      if (meta.type === 'Task') handlers[meta.name] = this.taskHandler(run, meta);
      else if (meta.type === 'Wait') handlers[meta.name] = this.waitHandler(run, meta);
    }
    let engineRun: EngineRun;
    try {
      const engine = new StateMachine(machine.prepared.engineDefinition(this.o.clock.scale), {
        validationOptions: { noValidate: true },
      });
      engineRun = engine.run(JSON.parse(record.input) as JsonValue, {
        overrides: { taskResourceLocalHandlers: handlers },
        noThrowOnAbort: true,
        context: {
          Execution: {
            Id: record.executionArn,
            Name: record.name,
            RoleArn: this.roleArn,
            StartTime: new Date(record.startDate).toISOString(),
          },
          StateMachine: { Id: machine.arn, Name: machine.name },
          Task: { Token: TOKEN_SENTINEL },
        },
      });
    } catch (error) {
      this.finish(record, 'FAILED', { error: 'States.Runtime', cause: String(error) });
      return;
    }
    run.abort = engineRun.abort;
    // Outcomes are read from the event log; the result promise only needs a handler.
    engineRun.result.catch(() => {});
    void this.consume(run, engineRun);
    const executionTimeout = machine.prepared.executionTimeoutSeconds;
    if (executionTimeout !== undefined) {
      const cancel = this.timers.at(record.startDate + executionTimeout * 1000, () => {
        run.cancels.delete(cancel);
        if (!run.stopped)
          this.finish(record, 'TIMED_OUT', { error: 'States.Timeout', cause: 'Execution timed out' });
      });
      run.cancels.add(cancel);
    }
  }

  private async consume(run: ActiveRun, engineRun: EngineRun) {
    try {
      for await (const event of engineRun.eventLogs) {
        if (!run.stopped) this.onEngineEvent(run, event);
      }
    } catch (error) {
      this.o.log('local-sfn: event log failed', {
        executionArn: run.record.executionArn,
        error: String(error),
      });
    }
    if (!run.stopped && run.record.status === 'RUNNING') {
      let cause = 'the engine ended without a result';
      try {
        await engineRun.result;
      } catch (error) {
        cause = String(error);
      }
      if (!run.stopped) this.finish(run.record, 'FAILED', { error: 'States.Runtime', cause });
    }
  }

  private originalType(run: ActiveRun, name: string, engineType: string): string {
    return run.machine.prepared.states.get(name)?.type ?? engineType;
  }

  private onEngineEvent(run: ActiveRun, event: EngineEvent) {
    const record = run.record;
    switch (event.type) {
      case 'StateEntered': {
        const type = this.originalType(run, event.state.name, event.state.type);
        this.addEvent(record, [
          `${type}StateEntered`,
          'stateEnteredEventDetails',
          { name: event.state.name, input: text(event.state.input), inputDetails: { truncated: false } },
        ]);
        break;
      }
      case 'StateExited': {
        const type = this.originalType(run, event.state.name, event.state.type);
        this.addEvent(record, [
          `${type}StateExited`,
          'stateExitedEventDetails',
          { name: event.state.name, output: text(event.state.output), outputDetails: { truncated: false } },
        ]);
        break;
      }
      case 'StateFailed': {
        // Task failures are recorded by the task handler (TaskFailed/TaskTimedOut…); AWS has
        // dedicated failure events only for Parallel and Map states.
        const type = this.originalType(run, event.state.name, event.state.type);
        if (type === 'Parallel' || type === 'Map') this.addEvent(record, [`${type}StateFailed`]);
        break;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const key = `mapIteration${event.type.slice('MapIteration'.length)}EventDetails`;
        this.addEvent(record, [event.type, key, { name: event.parentState.name, index: event.index }]);
        break;
      }
      case 'ExecutionSucceeded':
        this.finish(record, 'SUCCEEDED', { output: text(event.output) });
        break;
      case 'ExecutionFailed':
        this.finish(record, 'FAILED', {
          error: event.Error,
          cause: typeof event.Cause === 'string' ? event.Cause : text(event.Cause),
        });
        break;
      default:
        // ExecutionStarted is recorded by StartExecution (ExecutionRedriven on resumption);
        // StateRetried/StateCaught have no AWS event (the next TaskScheduled / StateExited shows
        // them); ExecutionAborted/Timeout come from StopExecution / our own timer.
        break;
    }
  }

  private finish(
    record: ExecutionRecord,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    fields: { output?: string; error?: string; cause?: string },
  ) {
    if (record.status !== 'RUNNING') return;
    record.status = status;
    record.stopDate = this.o.clock.now();
    if (fields.output !== undefined) record.output = fields.output;
    if (fields.error !== undefined) record.error = fields.error;
    if (fields.cause !== undefined) record.cause = fields.cause;
    const errorDetails = { error: fields.error, cause: fields.cause };
    switch (status) {
      case 'SUCCEEDED':
        this.addEvent(record, [
          'ExecutionSucceeded',
          'executionSucceededEventDetails',
          { output: fields.output, outputDetails: { truncated: false } },
        ]);
        break;
      case 'FAILED':
        this.addEvent(record, ['ExecutionFailed', 'executionFailedEventDetails', errorDetails]);
        break;
      case 'ABORTED':
        this.addEvent(record, ['ExecutionAborted', 'executionAbortedEventDetails', errorDetails]);
        break;
      case 'TIMED_OUT':
        this.addEvent(record, ['ExecutionTimedOut', 'executionTimedOutEventDetails', errorDetails]);
        break;
    }
    const run = this.runs.get(record.executionArn);
    if (run?.record === record) {
      this.stopRun(run);
      this.runs.delete(record.executionArn);
    }
    delete this.schedule[record.executionArn];
    void this.store.saveSchedule(this.schedule);
    this.o.log('local-sfn: execution finished', { executionArn: record.executionArn, status });
  }

  private stopRun(run: ActiveRun) {
    run.stopped = true;
    for (const cancel of run.cancels) cancel();
    run.cancels.clear();
    for (const token of run.tokens) {
      this.openTokens.delete(token);
      this.closedTokens.add(token);
    }
    run.tokens.clear();
    run.abort();
    const stopped = stoppedError();
    for (const reject of [...run.pending]) reject(stopped);
    run.pending.clear();
  }

  private addEvent(record: ExecutionRecord, [type, detailsKey, details]: EventSpec) {
    const id = record.history.length + 1;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: this.o.clock.now(), type };
    if (detailsKey) {
      event[detailsKey] = Object.fromEntries(
        Object.entries(details ?? {}).filter(([, v]) => v !== undefined),
      );
    }
    record.history.push(event);
    void this.store.saveExecution(record);
  }

  // ---------------------------------------------------------------- deadlines

  private acquireKey(run: ActiveRun, stateName: string): string {
    let key = stateName;
    for (let n = 2; run.keys.has(key); n++) key = `${stateName}#${n}`;
    run.keys.add(key);
    return key;
  }

  private persistedDeadline(run: ActiveRun, key: string, kind: DeadlineKind): number | undefined {
    return this.schedule[run.record.executionArn]?.[key]?.[kind];
  }

  private setDeadline(run: ActiveRun, key: string, kind: DeadlineKind, deadline: number) {
    const arn = run.record.executionArn;
    const forExecution = this.schedule[arn] ?? {};
    const forState = forExecution[key] ?? {};
    forState[kind] = deadline;
    forExecution[key] = forState;
    this.schedule[arn] = forExecution;
    void this.store.saveSchedule(this.schedule);
  }

  /** The state completed: its deadlines are gone, a later entry starts new ones. */
  private releaseKey(run: ActiveRun, key: string) {
    run.keys.delete(key);
    const forExecution = this.schedule[run.record.executionArn];
    if (forExecution?.[key]) {
      delete forExecution[key];
      void this.store.saveSchedule(this.schedule);
    }
  }

  private timer(run: ActiveRun, deadline: number, fire: () => void): () => void {
    const cancel = this.timers.at(deadline, () => {
      run.cancels.delete(cancel);
      fire();
    });
    run.cancels.add(cancel);
    return () => {
      run.cancels.delete(cancel);
      cancel();
    };
  }

  // ---------------------------------------------------------------- state handlers

  private waitHandler(run: ActiveRun, meta: WaitMeta): LocalHandler {
    return async (wrapped) => {
      await yieldToEventLog();
      if (run.stopped) throw stoppedError();
      const args = isRecord(wrapped) ? wrapped : {};
      const now = this.o.clock.now();
      let deadline = now;
      if (meta.seconds !== undefined) deadline = now + meta.seconds * 1000;
      else if (meta.timestamp !== undefined) deadline = timestampMs(meta.timestamp, 'Timestamp');
      else if (meta.secondsPath !== undefined) {
        deadline = now + nonNegativeInteger(args.s, `SecondsPath '${meta.secondsPath}'`) * 1000;
      } else if (meta.timestampPath !== undefined) {
        deadline = timestampMs(args.ts, `TimestampPath '${meta.timestampPath}'`);
      }
      const key = this.acquireKey(run, meta.name);
      deadline = this.persistedDeadline(run, key, 'wait') ?? deadline;
      this.setDeadline(run, key, 'wait', deadline);
      await new Promise<void>((resolve, reject) => {
        run.pending.add(reject);
        this.timer(run, deadline, () => {
          run.pending.delete(reject);
          resolve();
        });
      });
      if (run.stopped) throw stoppedError();
      this.releaseKey(run, key);
      return (args.p ?? null) as JsonValue;
    };
  }

  private taskHandler(run: ActiveRun, meta: TaskMeta): LocalHandler {
    return async (wrapped) => {
      await yieldToEventLog();
      if (run.stopped) throw stoppedError();
      const args = isRecord(wrapped) ? wrapped : {};
      const timeoutSeconds =
        meta.timeoutSecondsPath !== undefined
          ? positiveInteger(args.t, `TimeoutSecondsPath '${meta.timeoutSecondsPath}'`)
          : meta.timeoutSeconds;
      const heartbeatSeconds =
        meta.heartbeatSecondsPath !== undefined
          ? positiveInteger(args.h, `HeartbeatSecondsPath '${meta.heartbeatSecondsPath}'`)
          : meta.heartbeatSeconds;
      return this.runTask(run, meta, args.p ?? null, timeoutSeconds, heartbeatSeconds);
    };
  }

  private invoking = 0;
  private readonly invokeQueue: (() => void)[] = [];

  private async invoke(functionName: string, payload: unknown): Promise<JsonValue> {
    const limit = this.o.maxConcurrentInvocations ?? 8;
    // A finished invocation hands its slot to the next in line, so the bound holds exactly.
    if (this.invoking >= limit) await new Promise<void>((r) => this.invokeQueue.push(r));
    else this.invoking++;
    try {
      return toJson(await this.o.invokeFunction(functionName, toJson(payload)));
    } finally {
      const next = this.invokeQueue.shift();
      if (next) next();
      else this.invoking--;
    }
  }

  private runTask(
    run: ActiveRun,
    meta: TaskMeta,
    rawParameters: unknown,
    timeoutSeconds: number | undefined,
    heartbeatSeconds: number | undefined,
  ): Promise<JsonValue> {
    if (meta.kind === 'unsupported') {
      return Promise.reject(runtimeError(`Resource '${meta.resource}' is not supported by the local host`));
    }
    const token =
      meta.kind === 'lambda-invoke-wait-token' ? randomBytes(48).toString('base64url') : undefined;
    const parameters = token ? replaceDeep(rawParameters, TOKEN_SENTINEL, token) : rawParameters;
    let functionName: string;
    let payload: unknown;
    if (meta.kind === 'lambda-function') {
      functionName = functionNameOf(meta.resource);
      payload = parameters;
    } else {
      if (!isRecord(parameters) || typeof parameters.FunctionName !== 'string') {
        return Promise.reject(runtimeError(`Task '${meta.name}': Parameters.FunctionName is required`));
      }
      functionName = functionNameOf(parameters.FunctionName);
      payload = 'Payload' in parameters ? parameters.Payload : {};
    }

    const record = run.record;
    const events = taskEvents(meta, this.o.region);
    const key = this.acquireKey(run, meta.name);
    const now = this.o.clock.now();
    let timeoutDeadline = now + AWS_DEFAULT_TASK_TIMEOUT_SECONDS * 1000;
    if (timeoutSeconds !== undefined) {
      // After a restart the state continues with the deadline it had: a reminder still fires on time.
      timeoutDeadline = this.persistedDeadline(run, key, 'timeout') ?? now + timeoutSeconds * 1000;
      this.setDeadline(run, key, 'timeout', timeoutDeadline);
    }
    this.addEvent(record, events.scheduled(parameters, timeoutSeconds, heartbeatSeconds));
    this.addEvent(record, events.started());

    return new Promise<JsonValue>((resolve, reject) => {
      let settled = false;
      const cancels: Array<() => void> = [];
      const settle = (outcome: { value: JsonValue } | { error: Error }, event: EventSpec | undefined) => {
        if (settled || run.stopped) return;
        settled = true;
        for (const cancel of cancels) cancel();
        run.pending.delete(reject);
        if (token) {
          run.tokens.delete(token);
          this.openTokens.delete(token);
          this.closedTokens.add(token);
        }
        this.releaseKey(run, key);
        if (event) this.addEvent(record, event);
        if ('value' in outcome) resolve(outcome.value);
        else reject(outcome.error);
      };
      const timedOut = (cause: string) => settle({ error: timeoutError() }, events.timedOut(cause));
      run.pending.add(reject);

      cancels.push(this.timer(run, timeoutDeadline, () => timedOut('The task timed out (TimeoutSeconds).')));
      let cancelHeartbeat: (() => void) | undefined;
      const armHeartbeat = () => {
        if (heartbeatSeconds === undefined || settled) return;
        cancelHeartbeat?.();
        const deadline = this.o.clock.now() + heartbeatSeconds * 1000;
        this.setDeadline(run, key, 'heartbeat', deadline);
        cancelHeartbeat = this.timer(run, deadline, () => timedOut('No heartbeat within HeartbeatSeconds.'));
      };
      cancels.push(() => cancelHeartbeat?.());

      if (token) {
        run.tokens.add(token);
        record.tokens.push(token);
        this.openTokens.set(token, {
          run,
          succeed: (output) => settle({ value: toJson(output) }, events.succeeded(output)),
          fail: (error, cause) => settle({ error: stateError(error, cause) }, events.failed(error, cause)),
          heartbeat: armHeartbeat,
        });
        armHeartbeat();
      }

      this.invoke(functionName, payload).then(
        (returned) => {
          if (settled || run.stopped) return;
          if (meta.kind === 'lambda-function') {
            settle({ value: returned }, events.succeeded(returned));
            return;
          }
          const response = { ExecutedVersion: '$LATEST', Payload: returned, StatusCode: 200 };
          if (token) this.addEvent(record, events.submitted(response) as EventSpec);
          else settle({ value: response }, events.succeeded(response));
        },
        (thrown: unknown) => {
          const { name, cause } = functionErrorOf(thrown);
          settle({ error: stateError(name, cause) }, events.failed(name, cause));
        },
      );
    });
  }
}
