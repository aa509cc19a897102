import { createHash, randomBytes } from 'node:crypto';
import { loadConfig } from '#adapters/config';
import { createIdTokenVerifier } from '#adapters/jwt';
import { UnauthenticatedError } from '#core/errors';
import { SESSION_COOKIE } from './authorizer.ts';
import { httpHandler, type Req, redirect } from './kit.ts';

const FLOW_COOKIE = 'stegvis_oauth';
const b64url = (b: Buffer) => b.toString('base64url');

/** Only local paths may be returned to after sign-in (no open redirect). */
export function safeReturnTo(v: string | undefined): string {
  return v && /^\/(?!\/)[^\s\\]*$/.test(v) ? v : '/';
}

function cookieAttrs(maxAge: number) {
  const secure = loadConfig().PUBLIC_BASE_URL.startsWith('https:') ? '; Secure' : '';
  return `; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

let verify: ReturnType<typeof createIdTokenVerifier> | undefined;

/**
 * OAuth2 authorization-code flow with PKCE against the configured issuer: Cognito's managed
 * login on AWS, the local host's sign-in page locally. The session is the verified ID token in
 * an HttpOnly cookie.
 */
export const handler = httpHandler('auth', {
  'GET /auth/login': async (req: Req) => {
    const c = loadConfig();
    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(16));
    const challenge = b64url(createHash('sha256').update(verifier).digest());
    const flow = JSON.stringify({ state, verifier, returnTo: safeReturnTo(req.query.returnTo) });
    const url = new URL(`${c.AUTH_DOMAIN}/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: c.AUTH_CLIENT_ID,
      redirect_uri: `${c.PUBLIC_BASE_URL}/auth/callback`,
      scope: 'openid email profile',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(req.lang === 'en' ? { lang: 'en' } : {}),
    }).toString();
    return redirect(url.toString(), [`${FLOW_COOKIE}=${encodeURIComponent(flow)}${cookieAttrs(600)}`]);
  },

  'GET /auth/callback': async (req: Req) => {
    const c = loadConfig();
    let flow: { state?: string; verifier?: string; returnTo?: string } = {};
    try {
      flow = JSON.parse(req.cookies[FLOW_COOKIE] ?? '{}');
    } catch {
      flow = {};
    }
    if (!req.query.code || !flow.state || flow.state !== req.query.state || !flow.verifier)
      throw new UnauthenticatedError('Sign-in flow not recognised');
    const res = await fetch(`${c.AUTH_DOMAIN}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: c.AUTH_CLIENT_ID,
        code: req.query.code,
        redirect_uri: `${c.PUBLIC_BASE_URL}/auth/callback`,
        code_verifier: flow.verifier,
      }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new UnauthenticatedError('Code exchange failed');
    const tokens = (await res.json()) as { id_token?: string; expires_in?: number };
    if (!tokens.id_token) throw new UnauthenticatedError('No ID token');
    verify ??= createIdTokenVerifier({
      issuer: c.AUTH_ISSUER,
      audience: c.AUTH_CLIENT_ID,
      jwksUri: c.AUTH_JWKS_URI,
    });
    await verify(tokens.id_token);
    return redirect(safeReturnTo(flow.returnTo), [
      `${SESSION_COOKIE}=${tokens.id_token}${cookieAttrs(tokens.expires_in ?? 3600)}`,
      `${FLOW_COOKIE}=${cookieAttrs(0)}`,
    ]);
  },

  'POST /auth/logout': async () => {
    const c = loadConfig();
    const url = new URL(`${c.AUTH_DOMAIN}/logout`);
    url.search = new URLSearchParams({
      client_id: c.AUTH_CLIENT_ID,
      logout_uri: `${c.PUBLIC_BASE_URL}/`,
    }).toString();
    return redirect(url.toString(), [`${SESSION_COOKIE}=${cookieAttrs(0)}`]);
  },
});
