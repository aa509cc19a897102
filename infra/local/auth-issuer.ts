import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { BODY_LIMIT_BYTES, isSameOriginRequest, securityHeaders } from '#http/security';
import { escapeHtml } from '#web/html';
import users from './seed/users.json' with { type: 'json' };
import type { LocalUser, LocalUserStore } from './user-store.ts';

/**
 * The local host's stand-in for Cognito: an OAuth2/OIDC issuer with a sign-in page for the users
 * of the local user store (seeded users and those admins invited; disabled ones can not sign in).
 * It issues RS256 ID tokens with Cognito's claim names (sub, email, name, cognito:groups,
 * custom:organisation), so the authorizer and the auth handler run unchanged.
 */
export type { LocalUser };

/** The seeded users (the store's first content). */
export const LOCAL_USERS: LocalUser[] = users;
export const LOCAL_CLIENT_ID = 'stegvis-local';

interface PendingCode {
  user: LocalUser;
  challenge: string;
  redirectUri: string;
  expires: number;
}

function loadOrCreateKey(file: string): KeyObject {
  if (existsSync(file)) return createPrivateKey(readFileSync(file, 'utf8'));
  mkdirSync(dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return privateKey;
}

/** The form, or undefined when it passes the body limit (then the connection is closed). */
async function readBody(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > BODY_LIMIT_BYTES) return undefined;
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function createLocalIssuer(opts: {
  baseUrl: string;
  keyFile: string;
  users: LocalUserStore;
  now?: () => number;
}) {
  const issuer = `${opts.baseUrl}/local-auth`;
  const key = loadOrCreateKey(opts.keyFile);
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const kid = createHash('sha256').update(JSON.stringify(jwk)).digest('base64url').slice(0, 16);
  const codes = new Map<string, PendingCode>();
  const now = opts.now ?? Date.now;

  function idToken(user: LocalUser, audience: string) {
    const iat = Math.floor(now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({
        sub: user.sub,
        email: user.email,
        email_verified: true,
        name: user.name,
        'cognito:groups': user.groups,
        'custom:organisation': user.organisation,
        'custom:organisation_name': user.organisationName,
        iss: issuer,
        aud: audience,
        token_use: 'id',
        // Each token its own id, as Cognito's: a sign-out refuses exactly the one signed out.
        jti: b64url(randomBytes(16)),
        auth_time: iat,
        iat,
        exp: iat + 3600,
      }),
    );
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
    return `${header}.${payload}.${b64url(signature)}`;
  }

  /** Every reply with the app's security headers (the same function as the gateway's and the handlers'). */
  async function send(
    res: ServerResponse,
    status: number,
    body: string,
    type = 'text/html; charset=utf-8',
    extra = {},
  ) {
    const security = await securityHeaders({ publicBaseUrl: opts.baseUrl, authDomain: issuer }, type);
    res.writeHead(status, { ...security, 'content-type': type, 'cache-control': 'no-store', ...extra });
    res.end(body);
  }

  /** A form post: from the app's own origin (CSRF) and within the body limit, or refused here. */
  async function postedForm(req: IncomingMessage, res: ServerResponse): Promise<URLSearchParams | undefined> {
    const headers = { origin: req.headers.origin, referer: req.headers.referer };
    if (!isSameOriginRequest(headers, opts.baseUrl)) {
      await send(
        res,
        403,
        'Cross-site request refused / Formuläret kom inte från Stegvis egna sidor',
        'text/plain; charset=utf-8',
        { connection: 'close' },
      );
      return undefined;
    }
    if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) {
      await send(res, 413, 'Payload Too Large', 'text/plain; charset=utf-8', { connection: 'close' });
      return undefined;
    }
    const form = await readBody(req);
    if (!form)
      await send(res, 413, 'Payload Too Large', 'text/plain; charset=utf-8', { connection: 'close' });
    return form;
  }

  function signInPage(q: URLSearchParams, error?: string) {
    const lang = q.get('lang') === 'en' ? 'en' : 'sv';
    const s = (sv: string, en: string) => (lang === 'sv' ? sv : en);
    const hidden = ['client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'lang']
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k) ?? '')}">`)
      .join('');
    const options = opts.users
      .list()
      .filter((u) => u.enabled !== false)
      .map(
        (u, i) =>
          `<label class="u"><input type="radio" name="sub" value="${escapeHtml(u.sub)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(
            u.name,
          )} <span>(${escapeHtml(u.groups.join(', '))} · ${escapeHtml(u.organisationName)})</span></label>`,
      )
      .join('');
    return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${s('Logga in', 'Sign in')} – Stegvis</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#f6f6f4;color:#1b1b1b;margin:0}main{max-width:640px;margin:40px auto;padding:24px;background:#fff;border-radius:8px}
fieldset{border:1px solid #b5b5b0;border-radius:6px}.u{display:block;margin:8px 0}.u span{color:#4a4a48}button{background:#1d6b3a;color:#fff;border:0;border-radius:4px;padding:10px 18px;font:inherit;font-weight:600}
.err{color:#a4000f;font-weight:600}</style></head>
<body><main><h1>${s('Logga in i Stegvis (lokalt)', 'Sign in to Stegvis (local)')}</h1>
<p>${s('Lokal inloggning för testanvändare. I AWS loggar man in med Cognito.', 'Local sign-in for test users. On AWS, people sign in with Cognito.')}</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/local-auth/oauth2/authorize">${hidden}
<fieldset><legend>${s('Välj användare', 'Choose a user')}</legend>${options}</fieldset>
<p><button type="submit">${s('Logga in', 'Sign in')}</button></p></form></main></body></html>`;
  }

  const validClient = (q: URLSearchParams) =>
    q.get('client_id') === LOCAL_CLIENT_ID && (q.get('redirect_uri') ?? '').startsWith(`${opts.baseUrl}/`);

  /** Handles /local-auth/*; returns false for other paths. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith('/local-auth/')) return false;
    const path = url.pathname.slice('/local-auth'.length);
    if (req.method === 'GET' && path === '/.well-known/jwks.json') {
      await send(
        res,
        200,
        JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }),
        'application/json',
      );
    } else if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      await send(
        res,
        200,
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/oauth2/authorize`,
          token_endpoint: `${issuer}/oauth2/token`,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
        }),
        'application/json',
      );
    } else if (req.method === 'GET' && path === '/oauth2/authorize') {
      if (!validClient(url.searchParams) || url.searchParams.get('code_challenge_method') !== 'S256')
        await send(res, 400, 'Invalid client, redirect URI or PKCE method', 'text/plain; charset=utf-8');
      else await send(res, 200, signInPage(url.searchParams));
    } else if (req.method === 'POST' && path === '/oauth2/authorize') {
      const form = await postedForm(req, res);
      if (!form) return true;
      const chosen = form.get('sub');
      const user = opts.users.enabledUser(chosen);
      const known = opts.users.list().some((u) => u.sub === chosen);
      if (!validClient(form))
        await send(res, 400, 'Invalid client or redirect URI', 'text/plain; charset=utf-8');
      else if (!user && known)
        await send(res, 403, signInPage(form, 'Kontot är avstängt / The account is disabled'));
      else if (!user) await send(res, 400, signInPage(form, 'Välj en användare / Choose a user'));
      else {
        const code = b64url(randomBytes(24));
        const redirectUri = form.get('redirect_uri') ?? '';
        codes.set(code, {
          user,
          challenge: form.get('code_challenge') ?? '',
          redirectUri,
          expires: now() + 120_000,
        });
        const target = new URL(redirectUri);
        target.searchParams.set('code', code);
        target.searchParams.set('state', form.get('state') ?? '');
        await send(res, 302, '', 'text/plain', { location: target.toString() });
      }
    } else if (req.method === 'POST' && path === '/oauth2/token') {
      // A server-to-server call of the auth handler (no browser, no Origin), as Cognito's token endpoint.
      const form = await readBody(req);
      if (!form) {
        await send(res, 413, 'Payload Too Large', 'text/plain; charset=utf-8', { connection: 'close' });
        return true;
      }
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (
        !code ||
        code.expires < now() ||
        !opts.users.enabledUser(code.user.sub) ||
        form.get('grant_type') !== 'authorization_code' ||
        form.get('client_id') !== LOCAL_CLIENT_ID ||
        form.get('redirect_uri') !== code.redirectUri ||
        challenge !== code.challenge
      )
        await send(res, 400, JSON.stringify({ error: 'invalid_grant' }), 'application/json');
      else
        await send(
          res,
          200,
          JSON.stringify({
            id_token: idToken(code.user, LOCAL_CLIENT_ID),
            token_type: 'Bearer',
            expires_in: 3600,
          }),
          'application/json',
        );
    } else if (req.method === 'GET' && path === '/logout') {
      const target = url.searchParams.get('logout_uri') ?? '';
      let sameOrigin = false;
      try {
        sameOrigin = new URL(target).origin === new URL(opts.baseUrl).origin;
      } catch {
        sameOrigin = false;
      }
      await send(res, 302, '', 'text/plain', { location: sameOrigin ? target : `${opts.baseUrl}/` });
    } else {
      await send(res, 404, 'Not found', 'text/plain');
    }
    return true;
  }

  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    domain: issuer,
    clientId: LOCAL_CLIENT_ID,
    handle,
    idToken,
  };
}
