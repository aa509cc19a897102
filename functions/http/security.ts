import type { MiddlewareObj } from '@middy/core';
import httpSecurityHeaders from '@middy/http-security-headers';
import { DomainError, ForbiddenError } from '#core/errors';

/**
 * The web's security rules in one place, read by the handlers' middleware stack (kit.ts) and by
 * the local host's own replies (gateway, /health, the local sign-in page), so they cannot drift:
 * the response headers, the same-origin rule for state-changing requests, the body limit.
 */

/** The largest request body a handler takes (form posts and JSON); larger gets 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export class PayloadTooLargeError extends DomainError {
  override name = 'PayloadTooLargeError';
  override readonly status = 413;
}

/** A state-changing request without an Origin (or Referer) of the app itself. */
export class CrossSiteRequestError extends ForbiddenError {
  override name = 'CrossSiteRequestError';
}

export interface SecuritySettings {
  /** The app's own origin comes from it; https turns HSTS on (AWS). */
  publicBaseUrl: string;
  /** Where sign-in and sign-out forms redirect to (Cognito's domain on AWS); form-action allows it. */
  authDomain?: string;
}

const originOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    const o = new URL(url).origin;
    return o === 'null' ? undefined : o;
  } catch {
    return undefined;
  }
};

/**
 * @middy/http-security-headers' options for server-rendered forms. Its defaults are merged key by
 * key, so what must not be sent is switched off explicitly: no sandbox (forms would not submit),
 * no upgrade-insecure-requests on the plain-HTTP local host, no trusted types (the console's live
 * refresh swaps regions with innerHTML), no HSTS there either.
 */
export function securityHeaderOptions(s: SecuritySettings) {
  const https = s.publicBaseUrl.startsWith('https:');
  const auth = originOf(s.authDomain);
  const self = originOf(s.publicBaseUrl);
  const formAction = auth && auth !== self ? `'self' ${auth}` : "'self'";
  return {
    contentSecurityPolicy: {
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data:",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': formAction,
      'frame-ancestors': "'none'",
      'navigate-to': '',
      'report-to': '',
      'require-trusted-types-for': '',
      'trusted-types': '',
      sandbox: false,
      'upgrade-insecure-requests': https ? '' : false,
    },
    referrerPolicy: { policy: 'same-origin' },
    // Deprecated and empty: switched off rather than sent blank.
    reportTo: false,
    reportingEndpoints: false,
    xssProtection: false,
    permissionsPolicy: {},
    strictTransportSecurity: https
      ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true, preload: false }
      : false,
  } as unknown as Parameters<typeof httpSecurityHeaders>[0];
}

type HeaderBag = Record<string, string | number | boolean | undefined>;

/** Lower-case names (one spelling per header), nothing undefined. */
function tidy(headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined && v !== '') out[k.toLowerCase()] = String(v);
  return out;
}

/**
 * The middy middleware: @middy/http-security-headers on every response, also the error handler's
 * (its onError runs after it), then header names in lower case so a handler's own
 * `content-type` and the library's names never both go out.
 */
export function securityHeadersMiddleware<E, R>(settings: () => SecuritySettings): MiddlewareObj<E, R> {
  let inner: ReturnType<typeof httpSecurityHeaders> | undefined;
  const apply = async (request: { response: unknown }) => {
    if (request.response === undefined || request.response === null) return;
    inner ??= httpSecurityHeaders(securityHeaderOptions(settings()));
    await (inner.after as (r: unknown) => Promise<void>)(request);
    const res = request.response as { headers?: HeaderBag };
    res.headers = tidy(res.headers ?? {});
  };
  return {
    after: apply as MiddlewareObj<E, R>['after'],
    onError: apply as MiddlewareObj<E, R>['onError'],
  };
}

const cache = new Map<string, Record<string, string>>();

/**
 * The same headers for a reply written outside middy (the local gateway's own answers, /health,
 * the local sign-in page): computed by the same middleware on a response of that content type.
 */
export async function securityHeaders(
  s: SecuritySettings,
  contentType = '',
): Promise<Record<string, string>> {
  const key = `${s.publicBaseUrl} ${s.authDomain ?? ''} ${contentType.includes('text/html')}`;
  const hit = cache.get(key);
  if (hit) return { ...hit };
  const request = {
    response: { statusCode: 200, headers: contentType ? { 'content-type': contentType } : {} },
  };
  await securityHeadersMiddleware(() => s).after?.(request as never);
  const headers = tidy(request.response.headers);
  delete headers['content-type'];
  cache.set(key, headers);
  return { ...headers };
}

/**
 * CSRF: a state-changing request must come from the app's own pages. Browsers send Origin on
 * every POST; without one, a Referer of the same origin (scheme, host and port) will do.
 */
export function isSameOriginRequest(
  headers: Record<string, string | undefined>,
  publicBaseUrl: string,
): boolean {
  const app = originOf(publicBaseUrl);
  if (!app) return false;
  const origin = headers.origin;
  if (origin !== undefined && origin !== '') return origin === app;
  return originOf(headers.referer) === app;
}
