import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, isSameOriginRequest, securityHeaders } from '#http/security';

/**
 * The web's security rules on the handlers' own results (the middy stack of functions/http/kit.ts):
 * headers on pages, JSON, redirects, scripts and every kind of error; the same-origin rule for
 * posts; the body limit (413) checked after sign-in.
 */
const BASE = 'http://localhost:3999';
const ENV = {
  TABLE_NAME: 'stegvis-unit',
  PLACEMENT_STATE_MACHINE_ARN: 'arn:aws:states:eu-north-1:000000000000:stateMachine:x',
  MAIL_FROM: 'Stegvis <no-reply@stegvis.local>',
  PUBLIC_BASE_URL: BASE,
  AUTH_ISSUER: `${BASE}/local-auth`,
  AUTH_JWKS_URI: `${BASE}/local-auth/.well-known/jwks.json`,
  AUTH_CLIENT_ID: 'stegvis-local',
  AUTH_DOMAIN: `${BASE}/local-auth`,
  // Nothing listens here: a test that reached the table would fail, not pass.
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
  AWS_REGION: 'eu-north-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

type Handler = (
  event: unknown,
  context: Context,
) => Promise<{
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}>;
let handlers: Record<'auth' | 'home' | 'referrals' | 'admin' | 'answers' | 'cases', Handler>;

beforeAll(async () => {
  Object.assign(process.env, ENV);
  const { resetConfigCache } = await import('#adapters/config');
  resetConfigCache();
  handlers = {
    auth: (await import('#http/auth')).handler as unknown as Handler,
    home: (await import('#http/home')).handler as unknown as Handler,
    referrals: (await import('#http/referrals')).handler as unknown as Handler,
    admin: (await import('#http/admin')).handler as unknown as Handler,
    answers: (await import('#http/answers')).handler as unknown as Handler,
    cases: (await import('#http/cases')).handler as unknown as Handler,
  };
});

const context = {
  functionName: 'unit',
  awsRequestId: 'req',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function event(
  method: 'GET' | 'POST',
  routePath: string,
  rawPath: string,
  o: {
    headers?: Record<string, string>;
    body?: string;
    params?: Record<string, string>;
    query?: Record<string, string>;
  } = {},
) {
  return {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath,
    rawQueryString: '',
    headers: { host: 'localhost:3999', ...o.headers },
    ...(o.query ? { queryStringParameters: o.query } : {}),
    ...(o.params ? { pathParameters: o.params } : {}),
    requestContext: {
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'unit' },
      requestId: 'r',
      routeKey: `${method} ${routePath}`,
      authorizer: { lambda: { authenticated: false } },
    },
    ...(o.body !== undefined ? { body: o.body, isBase64Encoded: false } : {}),
    isBase64Encoded: false,
  };
}

function expectCommonHeaders(h: Record<string, string> | undefined) {
  expect(h?.['x-content-type-options']).toBe('nosniff');
  expect(h?.['referrer-policy']).toBe('same-origin');
  // Plain-HTTP host: no HSTS.
  expect(h?.['strict-transport-security']).toBeUndefined();
  // One spelling per header (the handler's own lower-case names and the library's never both).
  expect(Object.keys(h ?? {}).every((k) => k === k.toLowerCase())).toBe(true);
}

function expectPageHeaders(h: Record<string, string> | undefined) {
  expectCommonHeaders(h);
  const csp = h?.['content-security-policy'] ?? '';
  for (const d of [
    "default-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
  ])
    expect(csp).toContain(d);
  expect(csp).not.toContain('upgrade-insecure-requests');
  expect(csp).not.toContain('sandbox');
  expect(h?.['x-frame-options']).toBe('DENY');
}

const big = `answer=${'x'.repeat(BODY_LIMIT_BYTES + 1)}`;

describe('security headers on every handler result', () => {
  it('a page (the sign-in-again page, 400)', async () => {
    const r = await handlers.auth(event('GET', '/auth/callback', '/auth/callback'), context);
    expect(r.statusCode).toBe(400);
    expect(r.headers?.['content-type']).toMatch(/text\/html/);
    expectPageHeaders(r.headers);
  });

  it('a redirect (sign-in, 303) and the sign-in redirect of a page without a session (302, onError)', async () => {
    const login = await handlers.auth(event('GET', '/auth/login', '/auth/login'), context);
    expect(login.statusCode).toBe(303);
    expectCommonHeaders(login.headers);
    const home = await handlers.home(event('GET', '/', '/'), context);
    expect(home.statusCode).toBe(302);
    expect(home.headers?.location).toBe('/auth/login?returnTo=%2F');
    expectCommonHeaders(home.headers);
  });

  it('JSON (401 from the API without a session, onError)', async () => {
    const r = await handlers.referrals(event('GET', '/api/referrals', '/api/referrals'), context);
    expect(r.statusCode).toBe(401);
    expect(r.headers?.['content-type']).toBe('application/json');
    expectCommonHeaders(r.headers);
  });

  it('a same-origin script', async () => {
    const r = await handlers.admin(event('GET', '/assets/live.js', '/assets/live.js'), context);
    expect(r.statusCode).toBe(200);
    expectCommonHeaders(r.headers);
  });

  it('a 404 page (bad path parameter) and the CSRF refusal page (403)', async () => {
    const nf = await handlers.cases(
      event('GET', '/cases/{caseId}', '/cases/BAD!', { params: { caseId: 'BAD!' } }),
      context,
    );
    expect(nf.statusCode).toBe(404);
    expectPageHeaders(nf.headers);
    const r = await handlers.answers(
      event('POST', '/m/{token}', '/m/x', { params: { token: 'x' }, body: 'answer=coming' }),
      context,
    );
    expect(r.statusCode).toBe(403);
    expectPageHeaders(r.headers);
  });
});

describe('CSRF: a post needs the app origin', () => {
  const post = (headers: Record<string, string>, body = 'x=1') =>
    handlers.auth(event('POST', '/auth/logout', '/auth/logout', { headers, body }), context);

  it('refuses a post with neither Origin nor Referer, with a page in the person’s language', async () => {
    const r = await post({});
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('Formuläret skickades inte från Stegvis egna sidor');
    const en = await handlers.auth(
      event('POST', '/auth/logout', '/auth/logout', { query: { lang: 'en' } }),
      context,
    );
    expect(en.body).toContain('The form was not sent from Stegvis');
  });

  it('refuses a foreign origin, another port, another scheme, and "null"', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:4000', 'https://localhost:3999', 'null'])
      expect((await post({ origin })).statusCode, origin).toBe(403);
    expect((await post({ referer: 'https://evil.example/x' })).statusCode).toBe(403);
    // An Origin decides; a matching Referer does not save a foreign Origin.
    expect((await post({ origin: 'https://evil.example', referer: `${BASE}/` })).statusCode).toBe(403);
  });

  it('lets the app origin through, and a matching Referer when there is no Origin', async () => {
    expect((await post({ origin: BASE })).statusCode).toBe(303);
    expect((await post({ referer: `${BASE}/cases/abc` })).statusCode).toBe(303);
  });

  it('compares whole origins (scheme, host and port)', () => {
    expect(isSameOriginRequest({ origin: BASE }, BASE)).toBe(true);
    expect(isSameOriginRequest({ origin: `${BASE}/` }, `${BASE}/`)).toBe(false);
    expect(isSameOriginRequest({}, BASE)).toBe(false);
  });
});

describe('body limit and order', () => {
  it('answers 413 (not 400) for a body over the limit, with the headers', async () => {
    const r = await handlers.answers(
      event('POST', '/m/{token}', '/m/AAAAAAAAAAAAAAAAAAAAAA', {
        params: { token: 'AAAAAAAAAAAAAAAAAAAAAA' },
        headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
        body: big,
      }),
      context,
    );
    expect(r.statusCode).toBe(413);
    expectPageHeaders(r.headers);
  });

  it('checks the session before the body: no session and a huge body is the sign-in redirect', async () => {
    const r = await handlers.referrals(
      event('POST', '/referrals', '/referrals', {
        headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
        body: big,
      }),
      context,
    );
    expect(r.statusCode).toBe(302);
    expect(r.headers?.location).toMatch(/^\/auth\/login/);
  });
});

describe('/health on AWS (the home handler)', () => {
  it('answers 503 down, with no stack, table name or address, when the table does not answer', async () => {
    const r = await handlers.home(event('GET', '/health', '/health'), context);
    expect(r.statusCode).toBe(503);
    expect(JSON.parse(r.body ?? '')).toEqual({ status: 'down' });
    expect(r.body).not.toMatch(/stegvis-unit|127\.0\.0\.1|Error|at /);
    expectCommonHeaders(r.headers);
  });
});

describe('the shared header function', () => {
  it('sends HSTS and upgrade-insecure-requests only on https, and allows the sign-in domain as form target', async () => {
    const local = await securityHeaders({ publicBaseUrl: BASE }, 'text/html');
    expect(local['strict-transport-security']).toBeUndefined();
    const aws = await securityHeaders(
      { publicBaseUrl: 'https://app.example.org', authDomain: 'https://login.example.org' },
      'text/html; charset=utf-8',
    );
    expect(aws['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
    expect(aws['content-security-policy']).toContain("form-action 'self' https://login.example.org");
    expect(aws['content-security-policy']).toContain('upgrade-insecure-requests');
    const json = await securityHeaders({ publicBaseUrl: 'https://app.example.org' }, 'application/json');
    expect(json['x-content-type-options']).toBe('nosniff');
    expect(json['strict-transport-security']).toBeDefined();
  });
});
