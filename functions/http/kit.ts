import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import * as z from 'zod/mini';
import { loadConfig } from '#adapters/config';
import { logger } from '#adapters/logger';
import { metrics } from '#adapters/metrics';
import { RETRY_AFTER_SECONDS, transientKind } from '#adapters/transient';
import { type Principal, type RoleName, requireRole } from '#core/auth';
import { DomainError, NotFoundError, TransientError, ValidationError } from '#core/errors';
import { type HttpHandlerName, type RouteDef, routeKey, routes } from '#functions/routes';
import { html } from '#web/html';
import { isLang, type Lang, t } from '#web/i18n';
import { issueText } from '#web/issue-texts';
import { page } from '#web/layout';
import { securityText } from '#web/security-texts';
import {
  BODY_LIMIT_BYTES,
  CrossSiteRequestError,
  isSameOriginRequest,
  PayloadTooLargeError,
  securityHeadersMiddleware,
} from './security.ts';

/** What the Lambda authorizer (functions/http/authorizer.ts) puts at requestContext.authorizer.lambda. */
export interface AuthContext {
  authenticated: boolean;
  sub?: string;
  email?: string;
  name?: string;
  /** comma-separated group names */
  groups?: string;
  organisationId?: string;
  organisationName?: string;
}

export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthContext>;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface Req {
  event: HttpEvent;
  route: RouteDef;
  params: Record<string, string>;
  query: Record<string, string>;
  form: Record<string, string>;
  cookies: Record<string, string>;
  principal?: Principal;
  lang: Lang;
  path: string;
}

export type RouteImpl = (req: Req) => Promise<HttpResult>;

/** The signed-in person on a route that is not public (the validator has already required one). */
export const signedIn = (req: Req) => req.principal as NonNullable<Req['principal']>;

type Parsed = { stegvis?: Omit<Req, 'event'> };

const PARAM_SCHEMAS: Record<string, z.ZodMiniType<string>> = {
  caseId: z.string().check(z.regex(/^[a-z0-9]{8,40}$/)),
  executionName: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/)),
  unitId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,39}$/)),
  /** An account's opaque id (Cognito sub). */
  staffId: z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/)),
};

export function parseCookies(header: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const parts = Array.isArray(header) ? header : (header ?? '').split(';');
  for (const part of parts) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

function principalOf(ctx: AuthContext | undefined): Principal | undefined {
  if (!ctx || !(ctx.authenticated === true || String(ctx.authenticated) === 'true') || !ctx.sub)
    return undefined;
  return {
    sub: ctx.sub,
    email: ctx.email ?? '',
    name: ctx.name ?? ctx.email ?? '',
    groups: (ctx.groups ?? '').split(',').filter(Boolean) as RoleName[],
    organisationId: ctx.organisationId ?? '',
    organisationName: ctx.organisationName ?? ctx.organisationId ?? '',
  };
}

/** 1. Normalizer: lower-case headers, cookies, query string, route from the route table, language. */
const normalizer = (name: HttpHandlerName): MiddlewareObj<HttpEvent & Parsed, HttpResult> => ({
  before: ({ event }) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.headers ?? {}))
      if (v !== undefined) headers[k.toLowerCase()] = v;
    event.headers = headers;
    const route = routes.find((r) => r.handler === name && routeKey(r) === event.routeKey);
    if (!route) throw new DomainError(`No route ${event.routeKey} in handler ${name}`);
    const cookies = parseCookies(event.cookies ?? headers.cookie);
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
    const lang = isLang(query.lang) ? query.lang : isLang(cookies.lang) ? cookies.lang : 'sv';
    event.stegvis = {
      route,
      params: {},
      query,
      form: {},
      cookies,
      lang,
      path: event.rawPath,
      principal: principalOf(event.requestContext.authorizer?.lambda),
    };
  },
});

/** 3. Body parser (after the roles: nobody's body is read before they are let in): form posts and JSON. */
const bodyParser = (): MiddlewareObj<HttpEvent & Parsed, HttpResult> => ({
  before: ({ event }) => {
    const s = event.stegvis;
    if (!s || !event.body) return;
    // API Gateway passes bodies up to 10 MB; this app takes forms, so one limit for both hosts.
    const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    if (raw.length > BODY_LIMIT_BYTES) throw new PayloadTooLargeError('Request body too large');
    const body = raw.toString('utf8');
    const type = event.headers['content-type'] ?? '';
    if (type.startsWith('application/json')) {
      try {
        const json = JSON.parse(body) as Record<string, unknown>;
        for (const [k, v] of Object.entries(json)) if (typeof v === 'string') s.form[k] = v;
      } catch {
        throw new ValidationError([{ field: 'body', code: 'json' }]);
      }
    } else {
      // A repeated field (checkboxes) arrives as its values, one per line.
      for (const [k, v] of new URLSearchParams(body))
        s.form[k] = Object.hasOwn(s.form, k) ? `${s.form[k]}\n${v}` : v;
    }
  },
});

/**
 * 2. Validation of path parameters (zod/mini), the same-origin rule for posts (CSRF), then the
 * route's roles: all before the body is parsed.
 */
const validator = (): MiddlewareObj<HttpEvent & Parsed, HttpResult> => ({
  before: ({ event }) => {
    const s = event.stegvis;
    if (!s) return;
    for (const [k, v] of Object.entries(event.pathParameters ?? {})) {
      const schema = PARAM_SCHEMAS[k];
      const parsed = schema ? z.safeParse(schema, v) : { success: true as const, data: v ?? '' };
      if (!parsed.success) throw new NotFoundError(`Bad path parameter ${k}`);
      s.params[k] = parsed.data ?? '';
    }
    // Besides SameSite=Lax session cookies: a post must come from the app's own origin, public
    // ones (participant links, sign-out) too.
    if (
      event.requestContext.http.method !== 'GET' &&
      !isSameOriginRequest(event.headers, loadConfig().PUBLIC_BASE_URL)
    )
      throw new CrossSiteRequestError('Cross-site request refused: Origin or Referer must be the app');
    requireRole(s.principal, s.route.roles);
  },
});

function isPage(event: HttpEvent & Parsed) {
  return event.stegvis?.route.kind !== 'api';
}

/**
 * A page a person can go back to with GET: the request's own for GETs; for a form post, the page
 * the form was on (same-origin Referer), so that signing in again or switching language returns
 * there rather than to a path that only accepts POST.
 */
function pagePathOf(event: HttpEvent): string {
  if (event.requestContext.http.method === 'GET')
    return event.rawPath + (event.rawQueryString ? `?${event.rawQueryString}` : '');
  try {
    const referer = new URL(event.headers.referer ?? '');
    if (referer.host === event.headers.host) return referer.pathname + referer.search;
  } catch {
    // no usable Referer
  }
  return '/';
}

export function errorPage(
  lang: Lang,
  status: number,
  message: string,
  path: string,
  principal?: Principal,
): HttpResult {
  return htmlResponse(
    page({
      lang,
      title: message,
      path,
      principal,
      body: html`<h1>${message}</h1><p><a href="/">${t(lang, 'backToStart')}</a></p>`,
    }),
    status,
  );
}

/** The busy page's words: both languages on the page, the request's first. */
export const BUSY_TEXT = {
  sv: {
    title: 'Tjänsten är upptagen just nu',
    body: `Vi kunde inte spara eller hämta uppgifterna just nu, eftersom en del av tjänsten inte svarade i tid. Försök igen om ${RETRY_AFTER_SECONDS} sekunder: ladda om sidan eller skicka formuläret igen. Det som redan sparats sparas inte två gånger.`,
  },
  en: {
    title: 'The service is busy right now',
    body: `We could not save or fetch the information just now, because a part of the service did not answer in time. Please try again in ${RETRY_AFTER_SECONDS} seconds: reload the page or send the form again. Nothing already saved is saved twice.`,
  },
} as const;

/**
 * 503 with Retry-After: a dependency (DynamoDB, Step Functions, SES) timed out, throttled or
 * failed on its side. The person can try again shortly; the actions are idempotent.
 */
function busyResponse(event: HttpEvent & Parsed, lang: Lang): HttpResult {
  const headers = { 'retry-after': String(RETRY_AFTER_SECONDS), 'cache-control': 'no-store' };
  if (!isPage(event))
    return {
      statusCode: 503,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        error: 'ServiceUnavailable',
        message: BUSY_TEXT.en.body,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      }),
    };
  const other: Lang = lang === 'sv' ? 'en' : 'sv';
  const first = BUSY_TEXT[lang];
  const second = BUSY_TEXT[other];
  const result = htmlResponse(
    page({
      lang,
      title: first.title,
      path: pagePathOf(event),
      principal: event.stegvis?.principal,
      body: html`<h1>${first.title}</h1>
<p role="alert">${first.body}</p>
<div lang="${other}"><h2>${second.title}</h2><p>${second.body}</p></div>
<p><a href="/">${t(lang, 'backToStart')}</a></p>`,
    }),
    503,
  );
  return { ...result, headers: { ...result.headers, ...headers } };
}

/** 5. Errors: named domain errors become responses here and only here. */
const errorHandler = (): MiddlewareObj<HttpEvent & Parsed, HttpResult> => ({
  onError: (request) => {
    const err = request.error as Error;
    const event = request.event;
    const lang = event.stegvis?.lang ?? 'sv';
    // A dependency that did not answer in time, throttled or failed on its side: 503, try again.
    const transient = err instanceof TransientError ? 'server' : transientKind(err);
    if (transient) {
      logger.warn('request failed transiently', {
        routeKey: event.routeKey,
        error: err.name,
        kind: transient,
      });
      request.response = busyResponse(event, lang);
      return;
    }
    const status = err instanceof DomainError ? err.status : 500;
    if (status >= 500)
      logger.error('request failed', { routeKey: event.routeKey, error: err.name, message: err.message });
    else logger.info('request rejected', { routeKey: event.routeKey, status, error: err.name });
    if (!isPage(event)) {
      request.response = {
        statusCode: status,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        body: JSON.stringify({
          error: err.name,
          message: status >= 500 ? 'Internal error' : err.message,
          ...(err instanceof ValidationError ? { issues: err.issues } : {}),
        }),
      };
      return;
    }
    if (status === 401) {
      const returnTo = pagePathOf(event);
      request.response = {
        statusCode: 302,
        headers: {
          location: `/auth/login?returnTo=${encodeURIComponent(returnTo)}`,
          'cache-control': 'no-store',
        },
      };
      return;
    }
    const key =
      status === 403
        ? 'forbidden'
        : status === 404
          ? 'notFound'
          : status === 409
            ? 'conflict'
            : 'serverError';
    const message =
      err instanceof ValidationError
        ? err.issues.map((i) => issueText(lang, i)).join(' ')
        : err instanceof CrossSiteRequestError
          ? securityText(lang, 'crossSite')
          : err instanceof PayloadTooLargeError
            ? securityText(lang, 'tooLarge')
            : t(lang, key);
    request.response = errorPage(lang, status, message, pagePathOf(event), event.stegvis?.principal);
  },
});

/**
 * One Lambda per handler module. The middleware order is fixed: security headers (first, so its
 * `after` and `onError` run last, on every response) → normalizer → validation (CSRF, roles) →
 * body parser → logger → metrics (flushed after every invocation) → error handler (last, so its
 * onError runs first).
 */
export function httpHandler(name: HttpHandlerName, impls: Record<string, RouteImpl>) {
  for (const r of routes.filter((x) => x.handler === name))
    if (!impls[routeKey(r)]) throw new Error(`Handler ${name} does not implement ${routeKey(r)}`);
  return middy<HttpEvent & Parsed, HttpResult, Error, Context>()
    .use(
      securityHeadersMiddleware<HttpEvent & Parsed, HttpResult>(() => {
        const c = loadConfig();
        return { publicBaseUrl: c.PUBLIC_BASE_URL, authDomain: c.AUTH_DOMAIN };
      }),
    )
    .use(normalizer(name))
    .use(validator())
    .use(bodyParser())
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }))
    .use(errorHandler())
    .handler(async (event) => {
      const s = event.stegvis as Omit<Req, 'event'>;
      const impl = impls[routeKey(s.route)] as RouteImpl;
      logger.appendKeys({ routeKey: event.routeKey });
      const result = await impl({ ...s, event });
      if (event.queryStringParameters?.lang && isLang(event.queryStringParameters.lang)) {
        result.cookies = [
          ...(result.cookies ?? []),
          `lang=${s.lang}; Path=/; Max-Age=31536000; SameSite=Lax`,
        ];
      }
      return result;
    });
}

export function htmlResponse(
  body: { value: string },
  status = 200,
  extra: Partial<HttpResult> = {},
): HttpResult {
  return {
    statusCode: status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    },
    body: body.value,
    ...extra,
  };
}

export function jsonResponse(data: unknown, status = 200): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(data),
  };
}

/** Post/Redirect/Get. */
export function redirect(location: string, cookies?: string[]): HttpResult {
  return {
    statusCode: 303,
    headers: { location, 'cache-control': 'no-store' },
    ...(cookies ? { cookies } : {}),
  };
}
