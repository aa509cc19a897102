import { createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';

/**
 * Verifies RS256 ID tokens against an issuer's JWKS: Cognito on AWS, the local host's issuer
 * locally. Same code on both hosts; only the issuer URL differs.
 */
export interface IdTokenClaims {
  sub: string;
  email?: string;
  name?: string;
  'cognito:groups'?: string[];
  'custom:organisation'?: string;
  'custom:organisation_name'?: string;
  iss: string;
  aud: string;
  exp: number;
  token_use?: string;
  [k: string]: unknown;
}

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

const b64url = (s: string) => Buffer.from(s, 'base64url');

export function createIdTokenVerifier(opts: {
  issuer: string;
  audience: string;
  jwksUri: string;
  nowSeconds?: () => number;
  fetchJwks?: (uri: string) => Promise<{ keys: (JsonWebKey & { kid?: string })[] }>;
}) {
  const nowSeconds = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const fetchJwks =
    opts.fetchJwks ??
    (async (uri: string) => {
      const res = await fetch(uri, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`JWKS fetch failed: ${res.status}`);
      return (await res.json()) as { keys: (JsonWebKey & { kid?: string })[] };
    });
  let keys = new Map<string, KeyObject>();
  let fetchedAt = 0;

  async function keyFor(kid: string): Promise<KeyObject> {
    const cached = keys.get(kid);
    if (cached) return cached;
    // Refresh at most every 30 s for unknown kids (key rotation), never per request.
    if (nowSeconds() - fetchedAt < 30 && fetchedAt > 0) throw new InvalidTokenError('Unknown key');
    const jwks = await fetchJwks(opts.jwksUri);
    fetchedAt = nowSeconds();
    const usable = new Map<string, KeyObject>();
    for (const k of jwks.keys) {
      // RS256 signing keys only; one odd key must not break the others.
      const use = (k as { use?: string }).use ?? 'sig';
      if (!k.kid || k.kty !== 'RSA' || (k.alg ?? 'RS256') !== 'RS256' || use !== 'sig') continue;
      try {
        usable.set(k.kid, createPublicKey({ key: k, format: 'jwk' }));
      } catch {
        // skip keys that do not import
      }
    }
    keys = usable;
    const key = keys.get(kid);
    if (!key) throw new InvalidTokenError('Unknown key');
    return key;
  }

  return async function verifyIdToken(token: string): Promise<IdTokenClaims> {
    const parts = token.split('.');
    if (parts.length !== 3) throw new InvalidTokenError('Malformed token');
    const [h, p, s] = parts as [string, string, string];
    let header: { alg?: string; kid?: string };
    let claims: IdTokenClaims;
    try {
      header = JSON.parse(b64url(h).toString('utf8'));
      claims = JSON.parse(b64url(p).toString('utf8'));
    } catch {
      throw new InvalidTokenError('Malformed token');
    }
    if (header.alg !== 'RS256' || !header.kid) throw new InvalidTokenError('Unsupported algorithm');
    const key = await keyFor(header.kid);
    if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, b64url(s)))
      throw new InvalidTokenError('Bad signature');
    if (claims.iss !== opts.issuer) throw new InvalidTokenError('Wrong issuer');
    if (claims.aud !== opts.audience) throw new InvalidTokenError('Wrong audience');
    if (claims.token_use !== undefined && claims.token_use !== 'id')
      throw new InvalidTokenError('Not an ID token');
    if (typeof claims.exp !== 'number' || claims.exp < nowSeconds()) throw new InvalidTokenError('Expired');
    return claims;
  };
}
