import type { StateMachineDefinition } from 'aws-local-stepfunctions';

/**
 * Reads an ASL definition into per-state metadata and rewrites it for aws-local-stepfunctions so
 * that the engine never decides about time itself:
 * - Task states lose TimeoutSeconds/TimeoutSecondsPath/HeartbeatSeconds(Path) and get a huge, still
 *   setTimeout-safe TimeoutSeconds; their Parameters are wrapped as `{ p, t, h }` so the local
 *   handler receives the effective input (`p`) and the values of the *Path fields (`t`, `h`).
 * - Wait states become Task states backed by a local handler (history keeps the original type).
 * - Retry intervals are divided by the clock scale (and capped below the overflow).
 * - The top-level TimeoutSeconds is removed (the runtime enforces it on workflow time).
 */

export type StateType = 'Task' | 'Parallel' | 'Map' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';
export type TaskKind = 'lambda-invoke' | 'lambda-invoke-wait-token' | 'lambda-function' | 'unsupported';

export interface TaskMeta {
  type: 'Task';
  name: string;
  resource: string;
  kind: TaskKind;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
  heartbeatSecondsPath?: string;
}

export interface WaitMeta {
  type: 'Wait';
  name: string;
  seconds?: number;
  timestamp?: string;
  secondsPath?: string;
  timestampPath?: string;
}

export interface OtherStateMeta {
  type: Exclude<StateType, 'Task' | 'Wait'>;
  name: string;
}

export type StateMeta = TaskMeta | WaitMeta | OtherStateMeta;

export interface PreparedDefinition {
  /** Every state, nested Parallel/Map states included, by name (ASL names are unique per machine). */
  states: ReadonlyMap<string, StateMeta>;
  /** The state machine's own TimeoutSeconds, if any. */
  executionTimeoutSeconds?: number;
  /** The definition handed to the engine, for the given clock scale. */
  engineDefinition(scale: number): StateMachineDefinition;
}

/** Longest engine-side timer (s) that still fits setTimeout: 2147483 s * 1000 < 2^31 - 1 ms. */
export const ENGINE_SAFE_TIMEOUT_SECONDS = 2_147_483;

/** Resource of the Task states that stand in for Wait states (never called, a local handler runs). */
export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::stegvis.local:wait';

const STATE_TYPES = new Set<string>(['Task', 'Parallel', 'Map', 'Pass', 'Wait', 'Choice', 'Succeed', 'Fail']);

type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function taskKind(resource: string): TaskKind {
  if (/^arn:aws[a-z-]*:states:::lambda:invoke$/.test(resource)) return 'lambda-invoke';
  if (/^arn:aws[a-z-]*:states:::lambda:invoke\.waitForTaskToken$/.test(resource))
    return 'lambda-invoke-wait-token';
  if (/^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/.test(resource)) return 'lambda-function';
  return 'unsupported';
}

/**
 * The function name in a FunctionName / Resource value: a full or partial function ARN (possibly
 * qualified with a version or alias) or a plain name.
 */
export function functionNameOf(reference: string): string {
  const match = /(?:^|:)function:([^:]+)/.exec(reference);
  if (match?.[1]) return match[1];
  const parts = reference.split(':');
  return parts[parts.length - 1] ?? reference;
}

function optionalNumber(state: JsonObject, field: string, where: string): number | undefined {
  const value = state[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${where}: ${field} must be a non-negative number`);
  }
  return value;
}

function optionalString(state: JsonObject, field: string, where: string): string | undefined {
  const value = state[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${where}: ${field} must be a string`);
  return value;
}

function collect(machine: unknown, where: string, into: Map<string, StateMeta>) {
  if (!isRecord(machine) || !isRecord(machine.States) || typeof machine.StartAt !== 'string') {
    throw new Error(`${where}: a state machine needs StartAt and States`);
  }
  for (const [name, state] of Object.entries(machine.States)) {
    const at = `${where} state "${name}"`;
    if (!isRecord(state) || typeof state.Type !== 'string' || !STATE_TYPES.has(state.Type)) {
      throw new Error(`${at}: unknown or missing Type`);
    }
    if (into.has(name)) throw new Error(`${at}: state names must be unique within a state machine`);
    const type = state.Type as StateType;
    if (type === 'Task') {
      const resource = optionalString(state, 'Resource', at) ?? '';
      into.set(name, {
        type,
        name,
        resource,
        kind: taskKind(resource),
        timeoutSeconds: optionalNumber(state, 'TimeoutSeconds', at),
        timeoutSecondsPath: optionalString(state, 'TimeoutSecondsPath', at),
        heartbeatSeconds: optionalNumber(state, 'HeartbeatSeconds', at),
        heartbeatSecondsPath: optionalString(state, 'HeartbeatSecondsPath', at),
      });
    } else if (type === 'Wait') {
      into.set(name, {
        type,
        name,
        seconds: optionalNumber(state, 'Seconds', at),
        timestamp: optionalString(state, 'Timestamp', at),
        secondsPath: optionalString(state, 'SecondsPath', at),
        timestampPath: optionalString(state, 'TimestampPath', at),
      });
    } else {
      into.set(name, { type, name });
    }
    if (type === 'Parallel') {
      const branches = Array.isArray(state.Branches) ? state.Branches : [];
      branches.forEach((branch, i) => {
        collect(branch, `${at} branch ${i}`, into);
      });
    }
    if (type === 'Map') collect(state.ItemProcessor ?? state.Iterator, `${at} ItemProcessor`, into);
  }
}

function scaleRetrier(retrier: unknown, scale: number): unknown {
  if (!isRecord(retrier)) return retrier;
  const interval = typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1;
  const maxDelay = typeof retrier.MaxDelaySeconds === 'number' ? retrier.MaxDelaySeconds / scale : undefined;
  return {
    ...retrier,
    IntervalSeconds: Math.min(interval / scale, ENGINE_SAFE_TIMEOUT_SECONDS),
    MaxDelaySeconds: Math.min(maxDelay ?? ENGINE_SAFE_TIMEOUT_SECONDS, ENGINE_SAFE_TIMEOUT_SECONDS),
  };
}

function rewriteState(state: JsonObject, scale: number): JsonObject {
  let out: JsonObject = { ...state };
  if (Array.isArray(state.Retry)) out.Retry = state.Retry.map((r) => scaleRetrier(r, scale));
  switch (state.Type) {
    case 'Task': {
      const {
        TimeoutSeconds,
        TimeoutSecondsPath,
        HeartbeatSeconds,
        HeartbeatSecondsPath,
        Parameters,
        ...rest
      } = out;
      const wrapped: JsonObject = 'Parameters' in state ? { p: Parameters } : { 'p.$': '$' };
      if (typeof TimeoutSecondsPath === 'string') wrapped['t.$'] = TimeoutSecondsPath;
      if (typeof HeartbeatSecondsPath === 'string') wrapped['h.$'] = HeartbeatSecondsPath;
      out = { ...rest, Parameters: wrapped, TimeoutSeconds: ENGINE_SAFE_TIMEOUT_SECONDS };
      break;
    }
    case 'Wait': {
      const wrapped: JsonObject = { 'p.$': '$' };
      if (typeof state.SecondsPath === 'string') wrapped['s.$'] = state.SecondsPath;
      if (typeof state.TimestampPath === 'string') wrapped['ts.$'] = state.TimestampPath;
      out = { Type: 'Task', Resource: LOCAL_WAIT_RESOURCE, Parameters: wrapped };
      for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
        if (field in state) out[field] = state[field];
      }
      out.TimeoutSeconds = ENGINE_SAFE_TIMEOUT_SECONDS;
      break;
    }
    case 'Parallel':
      if (Array.isArray(state.Branches)) out.Branches = state.Branches.map((b) => rewriteMachine(b, scale));
      break;
    case 'Map':
      if (state.ItemProcessor !== undefined) out.ItemProcessor = rewriteMachine(state.ItemProcessor, scale);
      if (state.Iterator !== undefined) out.Iterator = rewriteMachine(state.Iterator, scale);
      break;
  }
  return out;
}

function rewriteMachine(machine: unknown, scale: number): JsonObject {
  if (!isRecord(machine) || !isRecord(machine.States)) return {};
  const { TimeoutSeconds: _engineMustNotTimeTheExecution, ...rest } = machine;
  const states: JsonObject = {};
  for (const [name, state] of Object.entries(machine.States)) {
    states[name] = isRecord(state) ? rewriteState(state, scale) : state;
  }
  return { ...rest, States: states };
}

export function prepareDefinition(definition: object, where: string): PreparedDefinition {
  const states = new Map<string, StateMeta>();
  collect(definition, where, states);
  const root = definition as JsonObject;
  const executionTimeoutSeconds = typeof root.TimeoutSeconds === 'number' ? root.TimeoutSeconds : undefined;
  const frozen = JSON.parse(JSON.stringify(definition)) as unknown;
  return {
    states,
    executionTimeoutSeconds,
    engineDefinition: (scale) =>
      rewriteMachine(
        frozen,
        Number.isFinite(scale) && scale > 0 ? scale : 1,
      ) as unknown as StateMachineDefinition,
  };
}
