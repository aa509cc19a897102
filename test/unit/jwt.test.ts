import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdTokenVerifier, InvalidTokenError } from '#adapters/jwt';

/**
 * The ID-token verifier (aws-jwt-verify) against a JWKS served over plain http, as the local
 * issuer serves it: one good token passes, each way of getting it wrong is refused.
 */
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'test-key';
let server: Server;
let base = '';
let jwksHits = 0;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function token(
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  key: KeyObject = privateKey,
) {
  const h = b64({ alg: 'RS256', kid: KID, typ: 'JWT', ...header });
  const p = b64({
    sub: 'user-1',
    iss: `${base}/issuer`,
    aud: 'client-1',
    token_use: 'id',
    iat: now(),
    exp: now() + 600,
    ...claims,
  });
  return `${h}.${p}.${sign('RSA-SHA256', Buffer.from(`${h}.${p}`), key).toString('base64url')}`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    jwksHits++;
    if (req.url !== '/issuer/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const verifier = () =>
  createIdTokenVerifier({
    issuer: `${base}/issuer`,
    audience: 'client-1',
    jwksUri: `${base}/issuer/jwks.json`,
  });

describe('createIdTokenVerifier (aws-jwt-verify)', () => {
  it('accepts a good ID token, fetching the plain-http JWKS once', async () => {
    const verify = verifier();
    const before = jwksHits;
    const claims = await verify(token({ email: 'a@example.org' }));
    expect(claims.sub).toBe('user-1');
    expect(claims.email).toBe('a@example.org');
    await verify(token());
    expect(jwksHits - before).toBe(1);
  });

  it('accepts a token without token_use (the claim is checked only when present)', async () => {
    await expect(verifier()(token({ token_use: undefined }))).resolves.toMatchObject({ sub: 'user-1' });
  });

  const refused: [string, () => string][] = [
    ['wrong issuer', () => token({ iss: `${base}/other` })],
    ['wrong audience', () => token({ aud: 'client-2' })],
    ['expired', () => token({ iat: now() - 7200, exp: now() - 3600 })],
    ['an access token', () => token({ token_use: 'access' })],
    ['unknown kid', () => token({}, { kid: 'nope' })],
    ['alg none', () => `${b64({ alg: 'none', kid: KID })}.${b64({ sub: 'x' })}.`],
    ['alg HS256', () => token({}, { alg: 'HS256' })],
    ['alg RS512 against an RS256 key', () => token({}, { alg: 'RS512' })],
    ['signed with another key', () => token({}, {}, other.privateKey)],
    [
      'tampered payload',
      () => {
        const [h, , s] = token().split('.');
        return `${h}.${b64({ sub: 'admin', iss: `${base}/issuer`, aud: 'client-1', exp: now() + 600 })}.${s}`;
      },
    ],
    ['garbage', () => 'not-a-token'],
  ];
  it.each(refused)('refuses %s', async (_name, make) => {
    await expect(verifier()(make())).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('gives up on a JWKS that does not answer in time', async () => {
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const at = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const verify = createIdTokenVerifier({
      issuer: `${base}/issuer`,
      audience: 'client-1',
      jwksUri: `${at}/jwks.json`,
      fetchTimeoutMs: 200,
    });
    const started = Date.now();
    await expect(verify(token())).rejects.toBeInstanceOf(InvalidTokenError);
    expect(Date.now() - started).toBeLessThan(2000);
    hang.closeAllConnections();
    await new Promise<void>((r) => hang.close(() => r()));
  });
});
