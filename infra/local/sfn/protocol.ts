import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SfnApiError } from './errors.ts';
import type { Log, Runtime } from './runtime.ts';
import type { ExecutionRecord, ExecutionStatus, HistoryEvent } from './store.ts';

/**
 * The Step Functions wire protocol (AWS JSON 1.0): POST /, `X-Amz-Target: AWSStepFunctions.<Op>`,
 * JSON in and out, errors as HTTP 400 `{"__type":"com.amazonaws.sfn#<Code>","message":…}`.
 * Timestamps go out as epoch seconds (numbers with a fraction), as the SDK expects.
 */

const TARGET_PREFIX = 'AWSStepFunctions.';
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const STATUSES = new Set<ExecutionStatus>(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

type Body = Record<string, unknown>;
type Operation = (runtime: Runtime, body: Body) => unknown;

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

function str(body: Body, field: string): string | undefined;
function str(body: Body, field: string, required: true): string;
function str(body: Body, field: string, required = false): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required)
      throw new SfnApiError('ValidationException', `Value null at '${field}' failed to satisfy constraint`);
    return undefined;
  }
  if (typeof value !== 'string') throw new SfnApiError('ValidationException', `'${field}' must be a string`);
  return value;
}

function int(body: Body, field: string, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new SfnApiError('ValidationException', `'${field}' must be an integer between 0 and ${max}`);
  }
  return value;
}

function bool(body: Body, field: string, fallback: boolean): boolean {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean')
    throw new SfnApiError('ValidationException', `'${field}' must be a boolean`);
  return value;
}

/** Offset-based pages; the token also names what it pages over so it cannot be replayed elsewhere. */
function page<T>(items: T[], body: Body, scope: string, defaultSize = 100) {
  const size = int(body, 'maxResults', 1000) || defaultSize;
  const token = str(body, 'nextToken');
  let offset = 0;
  if (token !== undefined) {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        o?: unknown;
        s?: unknown;
      };
      if (typeof parsed.o !== 'number' || parsed.s !== scope) throw new Error('foreign token');
      offset = parsed.o;
    } catch {
      throw new SfnApiError('InvalidToken', 'Invalid Token: nextToken');
    }
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? offset + size : undefined;
  const nextToken =
    next === undefined
      ? undefined
      : Buffer.from(JSON.stringify({ o: next, s: scope }), 'utf8').toString('base64url');
  return { slice, nextToken };
}

function executionListItem(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: seconds(record.startDate),
    stopDate: seconds(record.stopDate),
    redriveCount: record.redriveCount || undefined,
    redriveDate: seconds(record.redriveDate),
  };
}

const DATA_FIELDS = new Set(['input', 'output', 'parameters', 'inputDetails', 'outputDetails']);

function wireEvent(event: HistoryEvent, includeData: boolean) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'timestamp') out.timestamp = seconds(event.timestamp);
    else if (!includeData && key.endsWith('EventDetails') && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).filter(([k]) => !DATA_FIELDS.has(k)));
    } else out[key] = value;
  }
  return out;
}

const operations: Record<string, Operation> = {
  StartExecution: (rt, b) =>
    rt
      .startExecution(str(b, 'stateMachineArn', true), str(b, 'name'), str(b, 'input'))
      .then(({ executionArn, startDate }) => ({ executionArn, startDate: seconds(startDate) })),

  DescribeExecution: (rt, b) => {
    const r = rt.execution(str(b, 'executionArn', true));
    return {
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: seconds(r.startDate),
      stopDate: seconds(r.stopDate),
      input: r.input,
      inputDetails: { included: true },
      output: r.output,
      outputDetails: r.output === undefined ? undefined : { included: true },
      error: r.error,
      cause: r.cause,
      redriveCount: r.redriveCount,
      redriveDate: seconds(r.redriveDate),
    };
  },

  DescribeStateMachineForExecution: (rt, b) => {
    const r = rt.execution(str(b, 'executionArn', true));
    const m = rt.machine(r.stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      definition: m.definitionText,
      roleArn: rt.roleArn,
      updateDate: seconds(m.creationDate),
    };
  },

  ListExecutions: (rt, b) => {
    const machine = rt.machine(str(b, 'stateMachineArn', true));
    const statusFilter = str(b, 'statusFilter');
    if (statusFilter !== undefined && !STATUSES.has(statusFilter as ExecutionStatus)) {
      throw new SfnApiError('ValidationException', `Invalid statusFilter '${statusFilter}'`);
    }
    const matching = [...rt.executions.values()]
      .filter(
        (r) => r.stateMachineArn === machine.arn && (statusFilter === undefined || r.status === statusFilter),
      )
      .sort((x, y) => y.startDate - x.startDate || y.seq - x.seq);
    const { slice, nextToken } = page(matching, b, `executions:${machine.arn}:${statusFilter ?? ''}`);
    return { executions: slice.map(executionListItem), nextToken };
  },

  GetExecutionHistory: (rt, b) => {
    const arn = str(b, 'executionArn', true);
    const record = rt.execution(arn);
    const reverse = bool(b, 'reverseOrder', false);
    const includeData = bool(b, 'includeExecutionData', true);
    const events = reverse ? [...record.history].reverse() : record.history;
    const { slice, nextToken } = page(events, b, `history:${arn}:${reverse}`);
    return { events: slice.map((e) => wireEvent(e, includeData)), nextToken };
  },

  StopExecution: (rt, b) => {
    const { stopDate } = rt.stopExecution(str(b, 'executionArn', true), str(b, 'error'), str(b, 'cause'));
    return { stopDate: seconds(stopDate) };
  },

  SendTaskSuccess: (rt, b) => {
    rt.sendTaskSuccess(str(b, 'taskToken', true), str(b, 'output', true));
    return {};
  },

  SendTaskFailure: (rt, b) => {
    rt.sendTaskFailure(str(b, 'taskToken', true), str(b, 'error'), str(b, 'cause'));
    return {};
  },

  SendTaskHeartbeat: (rt, b) => {
    rt.sendTaskHeartbeat(str(b, 'taskToken', true));
    return {};
  },

  DescribeStateMachine: (rt, b) => {
    const m = rt.machine(str(b, 'stateMachineArn', true));
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE',
      definition: m.definitionText,
      roleArn: rt.roleArn,
      type: 'STANDARD',
      creationDate: seconds(m.creationDate),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  },

  ListStateMachines: (rt, b) => {
    const machines = [...rt.machines.values()].sort((x, y) => x.name.localeCompare(y.name));
    const { slice, nextToken } = page(machines, b, 'stateMachines');
    return {
      stateMachines: slice.map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: 'STANDARD',
        creationDate: seconds(m.creationDate),
      })),
      nextToken,
    };
  },
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SfnApiError('ValidationException', 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, payload: unknown, errorType?: string) {
  const body = JSON.stringify(payload ?? {});
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  send(res, status, { __type: `com.amazonaws.sfn#${code}`, message }, code);
}

async function handle(runtime: Runtime, log: Log, req: IncomingMessage, res: ServerResponse) {
  const target = req.headers['x-amz-target'];
  const operationName =
    typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  try {
    const raw = await readBody(req);
    const operation = req.method === 'POST' ? operations[operationName] : undefined;
    if (!operation) {
      sendError(res, 400, 'UnknownOperationException', `Unknown operation '${String(target ?? req.method)}'`);
      return;
    }
    let body: Body = {};
    if (raw.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('not an object');
        body = parsed as Body;
      } catch {
        sendError(res, 400, 'SerializationException', 'Request body is not a JSON object');
        return;
      }
    }
    const result = await operation(runtime, body);
    // Drop undefined members (JSON.stringify does) so optional fields are absent, as on AWS.
    send(res, 200, result);
  } catch (error) {
    if (error instanceof SfnApiError) {
      sendError(res, 400, error.code, error.message);
      return;
    }
    log('local-sfn: internal error', { operation: operationName, error: String(error) });
    sendError(res, 500, 'InternalFailure', 'Internal failure of the local Step Functions host');
  }
}

export function createSfnServer(runtime: Runtime, log: Log): Server {
  return createServer((req, res) => {
    void handle(runtime, log, req, res);
  });
}
