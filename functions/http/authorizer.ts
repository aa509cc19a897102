import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { loadConfig } from '#adapters/config';
import { getDeps } from '#adapters/deps';
import { createIdTokenVerifier } from '#adapters/jwt';
import { logger } from '#adapters/logger';
import { sessionEnded } from '#core/ports';
import type { AuthContext } from './kit.ts';
import { parseCookies } from './kit.ts';

export const SESSION_COOKIE = 'stegvis_session';

let verify: ReturnType<typeof createIdTokenVerifier> | undefined;

/**
 * HTTP API Lambda authorizer (simple responses). It always lets the request through, with
 * `authenticated: false` when there is no valid session, so that pages can redirect to sign-in
 * while the API answers 401; the route's roles are checked in the handler from the route table.
 * The local gateway calls this same function and puts its context at the same place. The session of
 * an account an admin disabled, or one signed out, is refused (the account is marked in the table);
 * when that cannot be read, the session is refused too (fail closed).
 */
export async function handler(
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers' | 'cookies'>,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthContext>> {
  const config = loadConfig();
  verify ??= createIdTokenVerifier({
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_CLIENT_ID,
    jwksUri: config.AUTH_JWKS_URI,
  });
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const bearer = headers.authorization?.match(/^Bearer (.+)$/)?.[1];
  const token = bearer ?? parseCookies(event.cookies ?? headers.cookie)[SESSION_COOKIE];
  if (!token) return { isAuthorized: true, context: { authenticated: false } };
  try {
    const claims = await verify(token);
    // A disabled or signed-out account's session ends at once, though its ID token has not
    // expired (API Gateway caches no authorizer result, see infra/cdk/constructs/api.ts). One
    // consistent read of the account's mark on every request.
    const mark = await getDeps().repo.staffSessionMark(claims.sub);
    if (sessionEnded(mark, claims)) {
      logger.info('session rejected', { reason: mark.disabled ? 'account disabled' : 'signed out' });
      return { isAuthorized: true, context: { authenticated: false } };
    }
    return {
      isAuthorized: true,
      context: {
        authenticated: true,
        sub: claims.sub,
        email: claims.email ?? '',
        name: claims.name ?? claims.email ?? '',
        groups: (claims['cognito:groups'] ?? []).join(','),
        organisationId: claims['custom:organisation'] ?? '',
        organisationName: claims['custom:organisation_name'] ?? claims['custom:organisation'] ?? '',
      },
    };
  } catch (err) {
    logger.info('session rejected', { reason: (err as Error).message });
    return { isAuthorized: true, context: { authenticated: false } };
  }
}
