import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransientAwsError, transientKind } from '#adapters/transient';
import { ConflictError, DomainError, TransientError, ValidationError } from '#core/errors';
import { asTaskError, CasePayload, taskHandler } from '#tasks/kit';

/**
 * A dependency that does not answer in time, throttles or fails on its side is worth trying
 * again: a task turns it into `TransientError`, which the state machine's Retry names; anything
 * else (a failed condition, a bad request, a domain error) keeps its own name.
 */

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A DynamoDB client as the functions build one, on `endpoint`, retrying `maxAttempts` times. */
const dynamo = (endpoint: string, o: { maxAttempts?: number; requestTimeout?: number } = {}) =>
  new DynamoDBClient({
    endpoint,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: o.maxAttempts ?? 1,
    requestHandler: {
      requestTimeout: o.requestTimeout ?? 2_000,
      connectionTimeout: 500,
      throwOnRequestTimeout: true,
    },
  });

/** What the SDK throws for a call answered with `status` and the DynamoDB error `type`. */
async function sdkErrorFor(status: number, type: string): Promise<unknown> {
  const url = await serve((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'no' }));
  });
  return dynamo(url)
    .send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }))
    .then(
      () => undefined,
      (err: unknown) => err,
    );
}

const meta = { httpStatusCode: 400, $metadata: {} };

describe('transientKind: which SDK failures a retry can get past', () => {
  it('a request that timed out (a real SDK client against a service that never answers)', async () => {
    const url = await serve(() => undefined);
    const err = await dynamo(url, { requestTimeout: 200 })
      .send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(transientKind(err)).toBe('timeout');
  });

  it('throttling and server errors as the service answers them', async () => {
    expect(transientKind(await sdkErrorFor(400, 'ProvisionedThroughputExceededException'))).toBe(
      'throttling',
    );
    expect(transientKind(await sdkErrorFor(400, 'ThrottlingException'))).toBe('throttling');
    expect(transientKind(await sdkErrorFor(500, 'InternalServerError'))).toBe('server');
    expect(transientKind(await sdkErrorFor(503, 'ServiceUnavailable'))).toBe('server');
  });

  it('not a failed condition, a bad request or a missing table', async () => {
    expect(transientKind(await sdkErrorFor(400, 'ConditionalCheckFailedException'))).toBeUndefined();
    expect(transientKind(await sdkErrorFor(400, 'ValidationException'))).toBeUndefined();
    expect(transientKind(await sdkErrorFor(400, 'ResourceNotFoundException'))).toBeUndefined();
  });

  it('a connection refused, reset or cut (Node error codes)', async () => {
    const refused = await dynamo('http://127.0.0.1:9')
      .send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } }))
      .catch((e: unknown) => e);
    expect(transientKind(refused)).toBe('network');
    for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'])
      expect(transientKind(Object.assign(new Error('x'), { code }))).toBe('network');
    expect(transientKind(new Error('socket hang up'))).toBe('network');
    expect(transientKind(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
  });

  it('the SDK’s own exception classes; a transaction only when every reason is transient', () => {
    expect(transientKind(new ProvisionedThroughputExceededException({ message: 'x', ...meta }))).toBe(
      'throttling',
    );
    expect(transientKind(new ConditionalCheckFailedException({ message: 'x', ...meta }))).toBeUndefined();
    const cancelled = (...codes: string[]) =>
      new TransactionCanceledException({
        message: 'x',
        ...meta,
        CancellationReasons: codes.map((Code) => ({ Code })),
      });
    expect(transientKind(cancelled('None', 'TransactionConflict'))).toBe('server');
    expect(transientKind(cancelled('ThrottlingError', 'None'))).toBe('throttling');
    expect(transientKind(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBeUndefined();
    expect(transientKind(cancelled())).toBeUndefined();
  });

  it('follows a cause; domain errors keep their own meaning', () => {
    const timeout = Object.assign(new Error('x'), { name: 'TimeoutError' });
    expect(transientKind(new Error('wrapped', { cause: timeout }))).toBe('timeout');
    expect(isTransientAwsError(new TransientError('busy'))).toBe(true);
    expect(isTransientAwsError(new ConflictError('x'))).toBe(false);
    expect(isTransientAwsError(new DomainError('x', { cause: timeout }))).toBe(false);
    expect(isTransientAwsError(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(false);
    expect(isTransientAwsError(new Error('boom'))).toBe(false);
    expect(isTransientAwsError(undefined)).toBe(false);
    expect(isTransientAwsError('TimeoutError')).toBe(false);
  });
});

describe('a task turns transient SDK failures into TransientError', () => {
  const context = {
    functionName: 'unit',
    awsRequestId: 'req',
    getRemainingTimeInMillis: () => 30_000,
  } as never;

  it('asTaskError: transient → TransientError (cause kept), everything else unchanged', () => {
    const timeout = Object.assign(new Error('GetItem on stegvis pk=CASE#abc'), { name: 'TimeoutError' });
    const mapped = asTaskError(timeout) as Error;
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped.name).toBe('TransientError');
    expect(mapped.cause).toBe(timeout);
    // The SDK's message may quote a key: only its name is kept.
    expect(mapped.message).not.toContain('CASE#');
    const conflict = new ConflictError('x');
    expect(asTaskError(conflict)).toBe(conflict);
    const invalid = new ValidationError([]);
    expect(asTaskError(invalid)).toBe(invalid);
    const bug = new TypeError('x is undefined');
    expect(asTaskError(bug)).toBe(bug);
  });

  it('a task handler whose DynamoDB call times out fails with the name the ASL retries', async () => {
    const url = await serve(() => undefined);
    const client = dynamo(url, { requestTimeout: 200 });
    const handler = taskHandler('unit-task', CasePayload, async () =>
      client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } })),
    );
    await expect(handler({ caseId: 'abcdefgh1234' }, context)).rejects.toMatchObject({
      name: 'TransientError',
    });
    const refusing = taskHandler('unit-task', CasePayload, async () => {
      throw new ConflictError('already');
    });
    await expect(refusing({ caseId: 'abcdefgh1234' }, context)).rejects.toMatchObject({
      name: 'ConflictError',
    });
  });

  it('every Task state of the placement workflow retries TransientError', () => {
    const asl = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../workflows/placement.asl.json'), 'utf8'),
    ) as {
      States: Record<string, { Type: string; Retry?: { ErrorEquals: string[] }[] }>;
    };
    const tasks = Object.entries(asl.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(5);
    for (const [name, s] of tasks)
      expect(
        (s.Retry ?? []).some((r) => r.ErrorEquals.includes('TransientError')),
        `${name} retries TransientError`,
      ).toBe(true);
  });
});
