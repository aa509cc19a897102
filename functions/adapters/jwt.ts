import { JwtVerifier } from 'aws-jwt-verify';
import { JwtBaseError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

/**
 * Verifies ID tokens with AWS's own library for Cognito tokens (aws-jwt-verify): Cognito on AWS,
 * the local host's issuer locally. Same code on both hosts; only the issuer URL differs. The JWKS
 * is fetched with a time-out by the fetcher below, which also takes the local issuer's plain
 * http:// address (the library's own fetcher speaks https only).
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
  iat?: number;
  jti?: string;
  token_use?: string;
  [k: string]: unknown;
}

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** A JWKS fetch that gives up after `timeoutMs` (a hanging issuer must not hang every request). */
export function timeoutFetcher(timeoutMs = 3000): Fetcher {
  return {
    fetch: async (uri: string) => {
      const res = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`JWKS fetch failed: ${res.status}`);
      return res.arrayBuffer();
    },
  };
}

export function createIdTokenVerifier(opts: {
  issuer: string;
  audience: string;
  jwksUri: string;
  fetchTimeoutMs?: number;
}) {
  const verifier = JwtVerifier.create(
    {
      issuer: opts.issuer,
      audience: opts.audience,
      jwksUri: opts.jwksUri,
      // Cognito's ID tokens say token_use "id"; an access token (aud-less, "access") is refused.
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== undefined && payload.token_use !== 'id')
          throw new InvalidTokenError('Not an ID token');
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher: timeoutFetcher(opts.fetchTimeoutMs) }) },
  );
  return async function verifyIdToken(token: string): Promise<IdTokenClaims> {
    try {
      const claims = (await verifier.verify(token)) as unknown as IdTokenClaims;
      if (typeof claims.sub !== 'string' || !claims.sub) throw new InvalidTokenError('No subject');
      return claims;
    } catch (err) {
      if (err instanceof InvalidTokenError) throw err;
      // The library's messages name the failed check (issuer, audience, expiry, signature, key).
      throw new InvalidTokenError(err instanceof JwtBaseError ? err.message : 'Token not verifiable');
    }
  };
}
