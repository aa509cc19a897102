import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '#http/security';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { Session, USERS } from '#test/support/session';

/**
 * The hardening of issue 8 against the real local host: security headers on every kind of
 * response, the same-origin rule for posts (CSRF), sign-out that ends the session on the server,
 * sign-in checked before a body is read, 413 and 400 that leave the server answering, /health.
 */
let host: TestHost;
let origin = '';

beforeAll(async () => {
  host = await startTestHost();
  origin = new URL(host.baseUrl).origin;
});
afterAll(async () => {
  await host?.stop();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  reusedSocket: boolean;
}

/**
 * A raw HTTP request (node:http), so that a test controls Content-Length, chunks and the socket.
 * `body` as chunks: each written in turn; `declaredLength` without `body`: headers only.
 */
function raw(
  method: string,
  path: string,
  o: { headers?: Record<string, string>; body?: Buffer[]; agent?: Agent; declaredLength?: number } = {},
): Promise<Raw> {
  const url = new URL(host.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent: o.agent,
        headers: {
          ...(o.declaredLength !== undefined ? { 'content-length': String(o.declaredLength) } : {}),
          ...o.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            reusedSocket: req.reusedSocket,
          }),
        );
      },
    );
    req.on('error', (err) => {
      // The server may close after answering a body it refused to read: the answer is what counts.
      if (
        (err as NodeJS.ErrnoException).code !== 'EPIPE' &&
        (err as NodeJS.ErrnoException).code !== 'ECONNRESET'
      )
        reject(err);
    });
    if (o.body) {
      for (const c of o.body) req.write(c);
      req.end();
    } else if (o.declaredLength !== undefined) {
      // Headers only: the body is never sent, so an answer proves it was not waited for.
      req.flushHeaders();
    } else req.end();
  });
}

function expectSecurityHeaders(h: Headers | Raw['headers'], html: boolean) {
  const get = (k: string) => (h instanceof Headers ? h.get(k) : (h[k] as string | undefined)) ?? null;
  expect(get('x-content-type-options')).toBe('nosniff');
  expect(get('referrer-policy')).toBe('same-origin');
  expect(get('strict-transport-security')).toBeNull();
  if (html) {
    const csp = get('content-security-policy') ?? '';
    for (const d of ["default-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"])
      expect(csp).toContain(d);
    expect(csp).not.toMatch(/upgrade-insecure-requests|sandbox/);
  }
}

describe('security headers on the local host', () => {
  it('on pages, JSON, redirects, scripts and each of the gateway’s and the host’s own replies', async () => {
    const s = await new Session(host.baseUrl).signIn(USERS.coordinator);
    const page = await s.get('/referrals');
    expect(page.status).toBe(200);
    expectSecurityHeaders(page.headers, true);
    const redirect = await fetch(`${host.baseUrl}/referrals`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expectSecurityHeaders(redirect.headers, false);
    const json = await fetch(`${host.baseUrl}/api/referrals`);
    expect(json.status).toBe(401);
    expectSecurityHeaders(json.headers, false);
    const script = await fetch(`${host.baseUrl}/assets/live.js`);
    expect(script.status).toBe(200);
    expectSecurityHeaders(script.headers, false);
    const notFound = await fetch(`${host.baseUrl}/no/such/path`);
    expect(notFound.status).toBe(404);
    expectSecurityHeaders(notFound.headers, false);
    const health = await fetch(`${host.baseUrl}/health`);
    expect(health.status).toBe(200);
    expectSecurityHeaders(health.headers, false);
    const bad = await raw('GET', '/cases/%E0%A4%A');
    expect(bad.status).toBe(400);
    expectSecurityHeaders(bad.headers, true);
    const tooLarge = await raw('POST', '/m/AAAAAAAAAAAAAAAAAAAAAA', {
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      declaredLength: BODY_LIMIT_BYTES + 1,
    });
    expect(tooLarge.status).toBe(413);
    expectSecurityHeaders(tooLarge.headers, true);
    const csrf = await s.request('/referrals', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      form: {},
    });
    expect(csrf.status).toBe(403);
    expectSecurityHeaders(csrf.headers, true);
    // The local sign-in page and its refusals.
    const login = await fetch(`${host.baseUrl}/auth/login`, { redirect: 'manual' });
    const signInPage = await fetch(login.headers.get('location') ?? '');
    expect(signInPage.status).toBe(200);
    expectSecurityHeaders(signInPage.headers, true);
  });
});

describe('CSRF: posts need the app’s origin', () => {
  const post = (s: Session, headers: Record<string, string>) =>
    s.request('/referrals', { method: 'POST', headers, form: { submissionId: 'csrf-000000000000001' } });

  it('refuses neither Origin nor Referer, a foreign origin and another port; a matching Referer alone is let through', async () => {
    const s = await new Session(host.baseUrl).signIn(USERS.referrer);
    // Session sends the app's Origin itself; these say otherwise. A raw request has neither.
    const none = await raw('POST', '/m/AAAAAAAAAAAAAAAAAAAAAA', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: [Buffer.from('answer=coming')],
    });
    expect(none.status).toBe(403);
    expect(none.body).toContain('Formuläret skickades inte från Stegvis egna sidor');
    expect((await post(s, { origin: 'https://evil.example' })).status).toBe(403);
    const otherPort = new URL(host.baseUrl);
    otherPort.port = String(Number(otherPort.port) + 1);
    expect((await post(s, { origin: otherPort.origin })).status).toBe(403);
    expect((await post(s, { origin: origin.replace('http:', 'https:') })).status).toBe(403);
    // No Origin but the app's Referer: reaches the form's validation (400), not the CSRF refusal.
    const referer = await raw('POST', '/referrals', {
      headers: {
        cookie: sessionCookie(s),
        referer: `${host.baseUrl}/referrals/new`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: [Buffer.from('submissionId=csrf-000000000000002')],
    });
    expect(referer.status).toBe(400);
    expect((await post(s, { origin })).status).toBe(400);
  });

  it('refuses the local sign-in post from another origin', async () => {
    const login = await fetch(`${host.baseUrl}/auth/login`, { redirect: 'manual' });
    const form = Object.fromEntries(new URL(login.headers.get('location') ?? '').searchParams);
    const r = await fetch(`${host.baseUrl}/local-auth/oauth2/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ ...form, sub: USERS.admin }).toString(),
    });
    expect(r.status).toBe(403);
    expectSecurityHeaders(r.headers, false);
  });
});

function sessionCookie(s: Session): string {
  return `stegvis_session=${s.cookie('stegvis_session') ?? ''}`;
}

describe('sign-out ends the session on the server', () => {
  it('refuses the old cookie after sign-out (page → sign-in, API → 401); signing in again works', async () => {
    const other = await new Session(host.baseUrl).signIn(USERS.admin);
    const otherIat = Math.floor(Date.now() / 1000);
    // The other device's session is from an earlier second than the sign-out (global sign-out).
    await pollUntil('the next second', async () => Math.floor(Date.now() / 1000) > otherIat, 5000);
    const s = await new Session(host.baseUrl).signIn(USERS.admin);
    const old = sessionCookie(s);
    expect((await s.get('/referrals')).status).toBe(200);
    const out = await s.post('/auth/logout', {});
    expect(out.status).toBe(303);
    const page = await fetch(`${host.baseUrl}/referrals`, { headers: { cookie: old }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(/^\/auth\/login/);
    const api = await fetch(`${host.baseUrl}/api/referrals`, { headers: { cookie: old } });
    expect(api.status).toBe(401);
    expect((await other.get('/referrals')).status).toBe(302);
    // At once (often the same second as the sign-out): a fresh sign-in is a good session.
    const again = await new Session(host.baseUrl).signIn(USERS.admin);
    expect((await again.get('/referrals')).status).toBe(200);
    expect(sessionCookie(again)).not.toBe(old);
    // The old one stays refused.
    expect((await fetch(`${host.baseUrl}/api/referrals`, { headers: { cookie: old } })).status).toBe(401);
  });
});

describe('sign-in before the body; 413; 400; the connection stays usable', () => {
  it('answers a post to a non-public route without a session without reading its body', async () => {
    // 10 MB announced, nothing sent: the answer can only come without waiting for the body.
    const page = await raw('POST', '/referrals', {
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      declaredLength: 10 * 1024 * 1024,
    });
    expect(page.status).toBe(302);
    expect(page.headers.location).toMatch(/^\/auth\/login/);
  });

  it('answers 413 for a Content-Length over the limit and for chunks that pass it, then answers the next request', async () => {
    const s = await new Session(host.baseUrl).signIn(USERS.referrer);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const headers = { origin, cookie: sessionCookie(s), 'content-type': 'application/x-www-form-urlencoded' };
    const declared = await raw('POST', '/referrals', {
      headers,
      agent,
      declaredLength: BODY_LIMIT_BYTES + 1,
    });
    expect(declared.status).toBe(413);
    expect(declared.body).toContain('för stort');
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const chunked = await raw('POST', '/referrals', {
      headers: { ...headers, 'transfer-encoding': 'chunked' },
      agent,
      body: Array.from({ length: 6 }, () => chunk),
    });
    expect(chunked.status).toBe(413);
    // Just under the limit reaches the handler (the form's own validation: 400).
    const under = await raw('POST', '/referrals', {
      headers,
      agent,
      body: [Buffer.from(`submissionId=limit-00000000000001&x=${'a'.repeat(BODY_LIMIT_BYTES - 200)}`)],
    });
    expect(under.status).toBe(400);
    const next = await raw('GET', '/api/referrals', { headers: { cookie: sessionCookie(s) }, agent });
    expect(next.status).toBe(200);
    agent.destroy();
  });

  it('answers 400 for bad percent-encoding and keeps the socket for the next request; odd queries and cookies never 500', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await raw('GET', '/cases/%E0%A4%A', { agent });
    expect(first.status).toBe(400);
    expect(first.body).toContain('Adressen går inte att läsa');
    const second = await raw('GET', '/health', { agent });
    expect(second.status).toBe(200);
    expect(second.reusedSocket).toBe(true);
    for (const path of ['/?lang=%ZZ&x=%', '/referrals?page=%E0%A4%A&&=&lang', '/m/%ZZ', '/api/referrals?%%%'])
      expect((await raw('GET', path, { agent })).status, path).toBeLessThan(500);
    for (const cookie of ['stegvis_session=%ZZ; lang=%E0', 'lang=en; =; ;;', 'stegvis_session=a.b.c'])
      expect((await raw('GET', '/', { agent, headers: { cookie } })).status, cookie).toBe(302);
    agent.destroy();
  });
});

describe('/health', () => {
  it('on AWS (the home handler, GET /health) says up when the table answers', async () => {
    // The handler as Lambda runs it, in this process, against the host's DynamoDB Local.
    Object.assign(process.env, {
      TABLE_NAME: 'stegvis',
      PLACEMENT_STATE_MACHINE_ARN: 'arn:aws:states:eu-north-1:000000000000:stateMachine:stegvis-placement',
      MAIL_FROM: 'Stegvis <no-reply@stegvis.local>',
      PUBLIC_BASE_URL: host.baseUrl,
      AUTH_ISSUER: `${host.baseUrl}/local-auth`,
      AUTH_JWKS_URI: `${host.baseUrl}/local-auth/.well-known/jwks.json`,
      AUTH_CLIENT_ID: 'stegvis-local',
      AUTH_DOMAIN: `${host.baseUrl}/local-auth`,
      AWS_ENDPOINT_URL_DYNAMODB: host.dynamoUrl,
      AWS_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const { handler } = await import('#http/home');
    const r = await (
      handler as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string }>
    )(
      {
        version: '2.0',
        routeKey: 'GET /health',
        rawPath: '/health',
        rawQueryString: '',
        headers: {},
        requestContext: { http: { method: 'GET', path: '/health' }, requestId: 'r', routeKey: 'GET /health' },
        isBase64Encoded: false,
      },
      { functionName: 'home', awsRequestId: 'r', getRemainingTimeInMillis: () => 30_000 },
    );
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: 'up' });
  });

  it('says up without naming an address or a port', async () => {
    const r = await fetch(`${host.baseUrl}/health`);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(JSON.parse(text)).toMatchObject({ status: 'up' });
    expect(text).not.toMatch(/https?:|localhost|127\.0\.0\.1/);
    for (const u of [host.baseUrl, host.sesUrl, host.sfnUrl, host.dynamoUrl])
      expect(text).not.toContain(new URL(u).port);
  });
});
