import { createHash } from 'node:crypto';
import { PHASES, STEP_NAMES, type StepName, TASKS, type TaskState } from './declaration.ts';
import { awaitState } from './derive.ts';

/**
 * The placement state machine, built from the process declaration, and the checks that hold the
 * committed ASL (workflows/placement.asl.json) to it. `npm run asl` writes the file; a test fails
 * when the file and the declaration disagree.
 *
 * Shape: every segment starts at LoadCase, which reads the record and answers the route; every
 * human step is a `.waitForTaskToken` Task whose timeout is the earliest clock of the record
 * (Catch States.Timeout → HandleDeadlines); every automatic Task retries transient errors and
 * records a failure for good on the case (RecordFailure), which the coordinator repairs.
 */

type Json = Record<string, unknown>;

const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
const retry = (extra: string[] = [], interval = 2): Json[] => [
  {
    ErrorEquals: [...LAMBDA_ERRORS, 'TransientError', 'ConflictError', ...extra],
    IntervalSeconds: interval,
    MaxAttempts: 6,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];
const toFailure = { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailure' };

/** Functions the state machine invokes: ASL substitution → task module in functions/tasks. */
export const WORKFLOW_FUNCTIONS = {
  LoadCaseFunction: 'load-case',
  AwaitStepFunction: 'await-step',
  HandleDeadlinesFunction: 'send-reminder',
  RecordFailureFunction: 'record-failure',
  ContinueSegmentFunction: 'continue-segment',
  ...Object.fromEntries(Object.entries(TASKS).map(([state, fn]) => [`${state}Function`, fn])),
} as Record<string, string>;

/** `${Name}`: replaced by each host with the function's ARN (CDK) or name (local host). */
const substitution = (name: string) => `\${${name}}`;

const invoke = (fn: string, payload: Json): Json => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: substitution(fn), Payload: payload },
});

export function routeStates(): string[] {
  const awaits = STEP_NAMES.map(awaitState);
  return [...awaits, ...Object.keys(TASKS), 'ContinueAsNew', 'CaseClosed'];
}

export function buildPlacementAsl(): Json {
  const states: Json = {};
  states.LoadCase = {
    ...invoke('LoadCaseFunction', { 'caseId.$': '$.caseId', 'loop.$': '$.load.loop', workflowVersion: '' }),
    Comment: 'Reads the record: the route to take, the step to wait on and how long, the record version.',
    ResultSelector: {
      'loop.$': '$.Payload.loop',
      'route.$': '$.Payload.route',
      'waitSeconds.$': '$.Payload.waitSeconds',
      'version.$': '$.Payload.version',
    },
    ResultPath: '$.load',
    Retry: retry(),
    Catch: [toFailure],
    Next: 'Route',
  };
  states.Route = {
    Type: 'Choice',
    Comment: 'One rule per route the declaration can answer.',
    Choices: routeStates().map((s) => ({ Variable: '$.load.route', StringEquals: s, Next: s })),
    Default: 'UnknownRoute',
  };
  for (const step of STEP_NAMES) {
    states[awaitState(step)] = {
      Type: 'Task',
      Comment: `Human step ${step}: waits for a person; the timeout is the earliest clock of the record.`,
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: substitution('AwaitStepFunction'),
        Payload: {
          'caseId.$': '$.caseId',
          step,
          'version.$': '$.load.version',
          'taskToken.$': '$$.Task.Token',
        },
      },
      TimeoutSecondsPath: '$.load.waitSeconds',
      ResultPath: null,
      Retry: retry(),
      Catch: [
        { ErrorEquals: ['StepAlreadyDone'], ResultPath: null, Next: 'LoadCase' },
        { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'HandleDeadlines' },
        toFailure,
      ],
      Next: 'LoadCase',
    };
  }
  states.HandleDeadlines = {
    ...invoke('HandleDeadlinesFunction', { 'caseId.$': '$.caseId' }),
    Comment: 'Sends the reminders and escalations that are due, once each, and records them.',
    ResultPath: null,
    Retry: retry(['MailDeliveryError'], 5),
    Catch: [toFailure],
    Next: 'LoadCase',
  };
  for (const task of Object.keys(TASKS) as TaskState[]) {
    states[task] = {
      ...invoke(`${task}Function`, { 'caseId.$': '$.caseId' }),
      ResultPath: null,
      Retry: retry(['MailDeliveryError'], 5),
      Catch: [toFailure],
      Next: 'LoadCase',
    };
  }
  states.RecordFailure = {
    ...invoke('RecordFailureFunction', {
      'caseId.$': '$.caseId',
      'state.$': '$.load.route',
      'error.$': '$.failure.Error',
    }),
    Comment:
      "A step failed for good: the case shows it on the coordinator's list, who repairs and continues.",
    ResultPath: null,
    Retry: retry(),
    Catch: [{ ErrorEquals: ['States.ALL'], Next: 'FailedForGood' }],
    Next: 'LoadCase',
  };
  states.ContinueAsNew = {
    ...invoke('ContinueSegmentFunction', { 'caseId.$': '$.caseId', 'execution.$': '$$.Execution.Name' }),
    Comment: 'Segment boundary: a new execution continues from the record under the next deterministic name.',
    ResultPath: null,
    Retry: retry(),
    Catch: [toFailure],
    Next: 'SegmentDone',
  };
  states.SegmentDone = { Type: 'Succeed' };
  states.CaseClosed = { Type: 'Succeed' };
  states.UnknownRoute = {
    Type: 'Fail',
    Error: 'UnknownRoute',
    Cause: 'The case record names a route this workflow version does not know.',
  };
  states.FailedForGood = {
    Type: 'Fail',
    Error: 'FailedForGood',
    Cause:
      'A failure could not even be recorded on the case; the console flags the run failed and an administrator redrives it.',
  };
  const def: Json = {
    Comment:
      'Stegvis placement (arbetsträning), generated from functions/core/process/declaration.ts by `npm run asl`. The case record in DynamoDB is the source of truth: every segment starts at Start/LoadCase, which reads the record and answers the route; every human step and deadline returns to LoadCase. Payloads carry only the case id and routing data.',
    StartAt: 'Start',
    States: {
      Start: {
        Type: 'Pass',
        Parameters: { 'caseId.$': '$.caseId', load: { loop: 0, route: 'LoadCase' } },
        Next: 'LoadCase',
      },
      ...states,
    },
  };
  // The definition's version, carried in LoadCase's payload: each run records the version it runs,
  // and the console shows which placements run on an older definition than the deployed one.
  (states.LoadCase as { Parameters: { Payload: Json } }).Parameters.Payload.workflowVersion =
    workflowVersionOf(def);
  return def;
}

/** A short hash of a definition with its version left blank. */
export function workflowVersionOf(def: Json): string {
  const copy = structuredClone(def) as { States: Record<string, { Parameters?: { Payload?: Json } }> };
  const payload = copy.States.LoadCase?.Parameters?.Payload;
  if (payload) payload.workflowVersion = '';
  return createHash('sha256').update(JSON.stringify(copy)).digest('hex').slice(0, 12);
}

/** The version a definition says it is (LoadCase's payload). */
export function declaredWorkflowVersion(def: { States: Record<string, unknown> }): string | undefined {
  const load = def.States.LoadCase as
    | { Parameters?: { Payload?: { workflowVersion?: unknown } } }
    | undefined;
  const v = load?.Parameters?.Payload?.workflowVersion;
  return typeof v === 'string' && v ? v : undefined;
}

/**
 * Checks an ASL definition against the declaration: a route with no rule or state, a human step
 * without its `.waitForTaskToken` Task, a timeout without its Catch, a task without its function,
 * an unreachable state, a Next to nowhere.
 */
export function checkAsl(def: Json): string[] {
  const problems: string[] = [];
  const states = (def.States ?? {}) as Record<string, Json>;
  const names = new Set(Object.keys(states));
  const route = states.Route as { Choices?: { StringEquals?: string; Next?: string }[] } | undefined;
  const rules = new Map((route?.Choices ?? []).map((c) => [c.StringEquals, c.Next]));
  for (const s of routeStates()) {
    if (rules.get(s) !== s) problems.push(`route ${s} has no Choice rule to its state`);
    if (!names.has(s)) problems.push(`route ${s} has no state`);
  }
  for (const [phase, decl] of Object.entries(PHASES)) {
    const d = decl as { step?: StepName; task?: string };
    if (d.step && !names.has(awaitState(d.step)))
      problems.push(`phase ${phase} waits on ${d.step} with no Task`);
    if (d.task && !names.has(d.task)) problems.push(`phase ${phase} runs ${d.task} with no Task`);
  }
  for (const step of STEP_NAMES) {
    const s = states[awaitState(step)] as Json | undefined;
    if (!s) continue;
    if (s.Resource !== 'arn:aws:states:::lambda:invoke.waitForTaskToken')
      problems.push(`step ${step}: not a .waitForTaskToken Task`);
    if (!s.TimeoutSecondsPath && !s.TimeoutSeconds)
      problems.push(`step ${step}: no timeout (the reminder clock)`);
    const catches = (s.Catch ?? []) as { ErrorEquals: string[]; Next: string }[];
    if (!catches.some((c) => c.ErrorEquals.includes('States.Timeout') && c.Next === 'HandleDeadlines'))
      problems.push(`step ${step}: timeout without its Catch to HandleDeadlines`);
    if (!catches.some((c) => c.ErrorEquals.includes('StepAlreadyDone') && c.Next === 'LoadCase'))
      problems.push(`step ${step}: no Catch of StepAlreadyDone back to LoadCase`);
    const payload = ((s.Parameters as Json)?.Payload ?? {}) as Json;
    if (payload.step !== step) problems.push(`step ${step}: payload names step ${String(payload.step)}`);
  }
  const functions = new Set(Object.keys(WORKFLOW_FUNCTIONS).map((k) => `\${${k}}`));
  for (const [name, s] of Object.entries(states)) {
    if (s.Type === 'Task') {
      const fn = (s.Parameters as Json | undefined)?.FunctionName;
      if (typeof fn !== 'string' || !functions.has(fn))
        problems.push(`state ${name}: unknown function ${String(fn)}`);
      if (!(s.Catch as unknown[] | undefined)?.length) problems.push(`state ${name}: a Task without a Catch`);
    }
    for (const next of nextsOf(s))
      if (!names.has(next)) problems.push(`state ${name}: Next ${next} does not exist`);
  }
  // Reachability from StartAt.
  const seen = new Set<string>();
  const queue = [String(def.StartAt)];
  while (queue.length) {
    const n = queue.pop() as string;
    if (seen.has(n) || !states[n]) continue;
    seen.add(n);
    queue.push(...nextsOf(states[n] as Json));
  }
  for (const n of names) if (!seen.has(n)) problems.push(`state ${n} is unreachable`);
  return problems;
}

function nextsOf(s: Json): string[] {
  const out: string[] = [];
  if (typeof s.Next === 'string') out.push(s.Next);
  if (typeof s.Default === 'string') out.push(s.Default);
  for (const c of (s.Choices ?? []) as { Next?: string }[]) if (c.Next) out.push(c.Next);
  for (const c of (s.Catch ?? []) as { Next?: string }[]) if (c.Next) out.push(c.Next);
  return out;
}
