import { createHash, randomBytes } from 'node:crypto';
import { loadConfig } from '#adapters/config';
import { getAccountSignOut, getDeps } from '#adapters/deps';
import { createIdTokenVerifier } from '#adapters/jwt';
import { logger } from '#adapters/logger';
import { html } from '#web/html';
import { page } from '#web/layout';
import { SESSION_COOKIE } from './authorizer.ts';
import { htmlResponse, httpHandler, type Req, redirect } from './kit.ts';

const FLOW_COOKIE = 'stegvis_oauth';
const b64url = (b: Buffer) => b.toString('base64url');

/** Only local pages may be returned to after sign-in: no open redirect, no loop through /auth/. */
export function safeReturnTo(v: string | undefined): string {
  return v && /^\/(?!\/)[^\s\\]*$/.test(v) && !v.startsWith('/auth/') ? v : '/';
}

/** One flow cookie per sign-in attempt, so two tabs signing in at once do not clobber each other. */
const flowCookie = (state: string) => `${FLOW_COOKIE}_${state.replace(/[^A-Za-z0-9_-]/g, '')}`;

function cookieAttrs(maxAge: number) {
  const secure = loadConfig().PUBLIC_BASE_URL.startsWith('https:') ? '; Secure' : '';
  return `; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

let verify: ReturnType<typeof createIdTokenVerifier> | undefined;
const verifier = () => {
  const c = loadConfig();
  verify ??= createIdTokenVerifier({
    issuer: c.AUTH_ISSUER,
    audience: c.AUTH_CLIENT_ID,
    jwksUri: c.AUTH_JWKS_URI,
  });
  return verify;
};

/**
 * Ends the session on the server: the account's mark says when it signed out (the authorizer
 * refuses the tokens issued before, and this one), and Cognito revokes its refresh tokens. A
 * cookie that is no longer a valid token has nothing to end.
 */
async function endSession(token: string | undefined) {
  if (!token) return;
  let claims: Awaited<ReturnType<ReturnType<typeof verifier>>>;
  try {
    claims = await verifier()(token);
  } catch {
    return;
  }
  await getDeps().repo.markSignedOut(claims.sub, {
    atSec: Math.floor(Date.now() / 1000),
    ...(typeof claims.jti === 'string' ? { jti: claims.jti } : {}),
  });
  try {
    await getAccountSignOut().signOut(claims.sub);
  } catch (err) {
    // The mark already ends the session here; Cognito's revocation is the second lock.
    logger.warn('global sign-out failed', { error: (err as Error).name });
  }
}

function signInAgain(req: Req) {
  const title =
    req.lang === 'sv' ? 'Inloggningen gick inte att slutföra' : 'The sign-in could not be completed';
  const text =
    req.lang === 'sv'
      ? 'Inloggningen tog för lång tid eller startades i en annan flik.'
      : 'The sign-in took too long or was started in another tab.';
  const again = req.lang === 'sv' ? 'Logga in igen' : 'Sign in again';
  return htmlResponse(
    page({
      lang: req.lang,
      title,
      path: '/',
      body: html`<h1>${title}</h1><p>${text}</p><p><a href="/auth/login">${again}</a></p>`,
    }),
    400,
  );
}

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
    return redirect(url.toString(), [`${flowCookie(state)}=${encodeURIComponent(flow)}${cookieAttrs(1800)}`]);
  },

  'GET /auth/callback': async (req: Req) => {
    const c = loadConfig();
    const state = req.query.state ?? '';
    let flow: { state?: string; verifier?: string; returnTo?: string } = {};
    try {
      flow = JSON.parse(req.cookies[flowCookie(state)] ?? '{}');
    } catch {
      flow = {};
    }
    // An expired, replayed or foreign callback: say so and offer a fresh sign-in (a redirect to
    // the login would loop straight back here through the identity provider's single sign-on).
    if (!req.query.code || !state || flow.state !== state || !flow.verifier) return signInAgain(req);
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
    if (!res.ok) return signInAgain(req);
    const tokens = (await res.json()) as { id_token?: string; expires_in?: number };
    if (!tokens.id_token) return signInAgain(req);
    try {
      await verifier()(tokens.id_token);
    } catch {
      return signInAgain(req);
    }
    return redirect(safeReturnTo(flow.returnTo), [
      `${SESSION_COOKIE}=${tokens.id_token}${cookieAttrs(tokens.expires_in ?? 3600)}`,
      `${flowCookie(state)}=${cookieAttrs(0)}`,
    ]);
  },

  'POST /auth/logout': async (req: Req) => {
    const c = loadConfig();
    await endSession(req.cookies[SESSION_COOKIE]);
    const url = new URL(`${c.AUTH_DOMAIN}/logout`);
    url.search = new URLSearchParams({
      client_id: c.AUTH_CLIENT_ID,
      logout_uri: `${c.PUBLIC_BASE_URL}/`,
    }).toString();
    return redirect(url.toString(), [`${SESSION_COOKIE}=${cookieAttrs(0)}`]);
  },
});
