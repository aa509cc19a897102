import { createServer, type Server } from 'node:http';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSY_TEXT } from '#http/kit';

/**
 * A handler whose DynamoDB throttles or fails on its side (or does not answer in time) answers
 * 503 with Retry-After and a page that says, in Swedish and English, to try again shortly: not a
 * 500 "something went wrong". The table here is a server that answers every call with the error
 * under test, and counts the calls (the SDK has retried before the handler gives up).
 */
let server: Server;
let answer: { status: number; type: string } = { status: 500, type: 'InternalServerError' };
let calls = 0;

type Handler = (
  event: unknown,
  context: Context,
) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;
let referrals: Handler;

beforeAll(async () => {
  server = createServer((req, res) => {
    calls++;
    req.resume();
    res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${answer.type}`, message: 'no' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = 'http://localhost:3998';
  Object.assign(process.env, {
    TABLE_NAME: 'stegvis-unit',
    PLACEMENT_STATE_MACHINE_ARN: 'arn:aws:states:eu-north-1:000000000000:stateMachine:x',
    MAIL_FROM: 'Stegvis <no-reply@stegvis.local>',
    PUBLIC_BASE_URL: base,
    AUTH_ISSUER: `${base}/local-auth`,
    AUTH_JWKS_URI: `${base}/local-auth/.well-known/jwks.json`,
    AUTH_CLIENT_ID: 'stegvis-local',
    AUTH_DOMAIN: `${base}/local-auth`,
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  (await import('#adapters/config')).resetConfigCache();
  (await import('#adapters/deps')).resetDeps();
  referrals = (await import('#http/referrals')).handler as unknown as Handler;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const context = {
  functionName: 'unit',
  awsRequestId: 'req',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** A signed-in referrer's GET, as the authorizer passes it on. */
function get(path: string, query: Record<string, string> = {}) {
  return {
    version: '2.0',
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { host: 'localhost:3998' },
    queryStringParameters: query,
    requestContext: {
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'unit' },
      requestId: 'r',
      routeKey: `GET ${path}`,
      authorizer: {
        lambda: {
          authenticated: true,
          sub: 'local-referrer-anna',
          email: 'anna.handlaggare@malmo.example',
          name: 'Anna Handläggare',
          groups: 'referrer',
          organisationId: 'malmo-stad',
        },
      },
    },
    isBase64Encoded: false,
  };
}

const text = (body = '') => body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a table that throttles or fails answers 503 with Retry-After', () => {
  it('a page: both languages, the request’s first, and when to try again', async () => {
    answer = { status: 500, type: 'InternalServerError' };
    calls = 0;
    const r = await referrals(get('/referrals'), context);
    expect(r.statusCode).toBe(503);
    expect(r.headers?.['retry-after']).toMatch(/^\d+$/);
    expect(r.headers?.['content-type']).toMatch(/^text\/html/);
    expect(r.headers?.['cache-control']).toBe('no-store');
    const body = text(r.body);
    expect(body).toContain(BUSY_TEXT.sv.title);
    expect(body).toContain(BUSY_TEXT.en.title);
    expect(body.indexOf(BUSY_TEXT.sv.title)).toBeLessThan(body.indexOf(BUSY_TEXT.en.title));
    expect(body).toContain(`${r.headers?.['retry-after']} sekunder`);
    expect(r.body).toContain('lang="en"');
    // No table name, address or SDK error on the page.
    expect(r.body).not.toMatch(/stegvis-unit|127\.0\.0\.1|InternalServerError/);
    // The SDK tried more than once before the handler gave up.
    expect(calls).toBeGreaterThan(1);

    const en = await referrals(get('/referrals', { lang: 'en' }), context);
    expect(en.statusCode).toBe(503);
    const enBody = text(en.body);
    expect(enBody.indexOf(BUSY_TEXT.en.title)).toBeLessThan(enBody.indexOf(BUSY_TEXT.sv.title));
  });

  it('the JSON API: 503, Retry-After and the seconds in the body', async () => {
    answer = { status: 400, type: 'ProvisionedThroughputExceededException' };
    const r = await referrals(get('/api/referrals'), context);
    expect(r.statusCode).toBe(503);
    expect(r.headers?.['retry-after']).toMatch(/^\d+$/);
    const json = JSON.parse(r.body ?? '') as { error: string; retryAfterSeconds: number };
    expect(json.error).toBe('ServiceUnavailable');
    expect(String(json.retryAfterSeconds)).toBe(r.headers?.['retry-after']);
    expect(r.body).not.toMatch(/stegvis-unit|127\.0\.0\.1|Throughput/);
  }, 15_000);

  it('an error a retry cannot help stays a 500', async () => {
    answer = { status: 400, type: 'ValidationException' };
    const r = await referrals(get('/referrals'), context);
    expect(r.statusCode).toBe(500);
    expect(r.headers?.['retry-after']).toBeUndefined();
  });
});
