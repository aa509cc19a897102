import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RouteDef, routeKey, routes } from '#functions/routes';
import { BODY_LIMIT_BYTES, type SecuritySettings, securityHeaders } from '#http/security';
import { escapeHtml } from '#web/html';
import { type SecurityTextKey, securityText } from '#web/security-texts';

/**
 * The local HTTP gateway: serves the route table by calling the same handler modules Lambda
 * runs, with API Gateway v2 (HTTP API) events, after running the same Lambda authorizer and
 * placing its context at requestContext.authorizer.lambda.
 */
export interface GatewayOptions {
  port: number;
  host: string;
  invokeHttp: (handler: RouteDef['handler'], event: unknown) => Promise<unknown>;
  invokeAuthorizer: (event: unknown) => Promise<{ isAuthorized: boolean; context?: Record<string, unknown> }>;
  /** Host-only paths (health, local sign-in); return true when handled. */
  extra: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  log: (msg: string, data?: Record<string, unknown>) => void;
  /** The app's origin and sign-in domain: the security headers of the gateway's own replies. */
  security: SecuritySettings;
}

interface CompiledRoute {
  route: RouteDef;
  regex: RegExp;
  params: string[];
}

function compile(r: RouteDef): CompiledRoute {
  const params: string[] = [];
  const pattern = r.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route: r, regex: new RegExp(`^${pattern}$`), params };
}

const compiled = routes.map(compile);

/** A path segment that is not valid percent-encoding (`%E0%A4%A`): the request is malformed (400). */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}

class TooLargeError extends Error {
  override name = 'TooLargeError';
}

export function matchRoute(method: string, path: string) {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(path);
    if (!m) continue;
    const pathParameters: Record<string, string> = {};
    c.params.forEach((p, i) => {
      try {
        pathParameters[p] = decodeURIComponent(m[i + 1] ?? '');
      } catch {
        throw new BadRequestError(`Bad percent-encoding in path parameter ${p}`);
      }
    });
    return { route: c.route, pathParameters };
  }
  return undefined;
}

/** The body, up to the one limit the handlers take; a chunked body that passes it stops there. */
async function readBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new TooLargeError('Body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Whether the request announces a body (a length, or chunks). */
const hasBody = (req: IncomingMessage) =>
  Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

const langOf = (req: IncomingMessage, url: URL | undefined): 'sv' | 'en' =>
  url?.searchParams.get('lang') === 'en' || /(?:^|;\s*)lang=en(?:;|$)/.test(req.headers.cookie ?? '')
    ? 'en'
    : 'sv';

/**
 * A reply of the gateway itself (or of the host's own paths): the same security headers as the
 * handlers' responses, `connection: close` when the request's body was left unread.
 */
export async function writeOwn(
  res: ServerResponse,
  security: SecuritySettings,
  status: number,
  contentType: string,
  body: string,
  extra: Record<string, string> = {},
) {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, {
    ...(await securityHeaders(security, contentType)),
    'content-type': contentType,
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(body);
}

/** The gateway's own refusal: a short page for people (sv/en), JSON for the API and unknown paths. */
async function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  o: GatewayOptions,
  status: number,
  key: SecurityTextKey | undefined,
  message: string,
  o2: { page: boolean; url?: URL; close?: boolean },
) {
  const extra: Record<string, string> = o2.close ? { connection: 'close' } : {};
  if (!o2.page || !key) {
    await writeOwn(res, o.security, status, 'application/json', JSON.stringify({ message }), extra);
    return;
  }
  const lang = langOf(req, o2.url);
  const text = escapeHtml(securityText(lang, key));
  await writeOwn(
    res,
    o.security,
    status,
    'text/html; charset=utf-8',
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${text}</title></head><body><main><h1>${text}</h1><p><a href="/">Stegvis</a></p></main></body></html>`,
    extra,
  );
}

export function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: RouteDef,
  pathParameters: Record<string, string>,
) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'cookie') continue;
    headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const cookies = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] ? `${query[k]},${v}` : v;
  const now = Date.now();
  const isText = /^(text\/|application\/(json|x-www-form-urlencoded))/.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: routeKey(route),
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length
      ? { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText }
      : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function writeResult(res: ServerResponse, result: unknown, extra: Record<string, string> = {}) {
  if (
    typeof result === 'string' ||
    result === undefined ||
    result === null ||
    !('statusCode' in (result as object))
  ) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof result === 'string' ? result : JSON.stringify(result ?? null));
    return;
  }
  const r = result as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) if (v !== undefined) headers[k] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  Object.assign(headers, extra);
  res.writeHead(r.statusCode ?? 200, headers);
  res.end(r.body ? (r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body) : undefined);
}

/**
 * Order per request: the host's own paths; the route (a malformed path is 400, an unknown one
 * 404); the authorizer, before any body is read; then the body up to the limit (413 beyond it,
 * from Content-Length before reading, or as soon as chunks pass it); then the handler. A request
 * to a non-public route without a session goes to its handler without its body, which answers as
 * it always does (sign-in redirect for pages, 401 for the API); the body is never read.
 */
export function startGateway(o: GatewayOptions): Promise<Server> {
  const server = createServer(async (req, res) => {
    const started = Date.now();
    let url: URL | undefined;
    let page = false;
    try {
      try {
        url = new URL(req.url ?? '/', 'http://gateway.local');
      } catch {
        throw new BadRequestError('Unreadable request target');
      }
      // The host's own GET paths (/health, the issuer's pages) read no body: one over the limit is
      // refused as on every route, a smaller one is read and ignored.
      if ((req.method === 'GET' || req.method === 'HEAD') && hasBody(req)) {
        if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES)
          throw new TooLargeError('Body too large');
        await readBody(req);
      }
      if (await o.extra(req, res, url)) return;
      const match = matchRoute(req.method ?? 'GET', url.pathname);
      if (!match) {
        await refuse(req, res, o, 404, undefined, 'Not Found', { page: false });
        return;
      }
      page = match.route.kind === 'page';
      const event = toEvent(req, url, Buffer.alloc(0), match.route, match.pathParameters) as Record<
        string,
        unknown
      > & {
        requestContext: Record<string, unknown>;
      };
      let signedIn = match.route.roles === 'public';
      if (match.route.roles !== 'public') {
        const auth = await o.invokeAuthorizer({ ...event, type: 'REQUEST' });
        if (!auth.isAuthorized) {
          await refuse(req, res, o, 403, undefined, 'Forbidden', { page: false, close: hasBody(req) });
          return;
        }
        event.requestContext.authorizer = { lambda: auth.context ?? {} };
        signedIn = auth.context?.authenticated === true;
      }
      let unread = false;
      if (signedIn && hasBody(req)) {
        if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES)
          throw new TooLargeError('Body too large');
        const body = await readBody(req);
        Object.assign(event, toEvent(req, url, body, match.route, match.pathParameters), {
          requestContext: event.requestContext,
        });
      } else unread = hasBody(req);
      writeResult(res, await o.invokeHttp(match.route.handler, event), unread ? { connection: 'close' } : {});
      o.log('request', {
        method: req.method,
        route: routeKey(match.route),
        status: res.statusCode,
        ms: Date.now() - started,
      });
    } catch (err) {
      const name = (err as Error).name;
      if (err instanceof BadRequestError)
        await refuse(req, res, o, 400, 'badRequest', 'Bad Request', { page: true, url, close: hasBody(req) });
      else if (err instanceof TooLargeError)
        await refuse(req, res, o, 413, 'tooLarge', 'Payload Too Large', { page, url, close: true });
      else {
        o.log('gateway error', { error: name, message: (err as Error).message });
        await refuse(req, res, o, 500, undefined, 'Internal Server Error', { page: false, close: true });
      }
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
  ERR_HTTP_HEADERS_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * A request Node's parser refuses (a request line or headers over its limit, a malformed
 * request): answered, then the socket half-closed and drained for a moment. Node's own answer
 * closes at once; a client still sending its body then gets a connection reset (the kernel resets
 * a socket closed with unread data) and never reads the answer.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex) {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request'];
  const body = JSON.stringify({ message: text });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `cache-control: no-store\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`,
  );
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
  socket.resume();
  setTimeout(() => socket.destroy(), 2_000).unref();
}
