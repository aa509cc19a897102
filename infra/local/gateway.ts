import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RouteDef, routeKey, routes } from '#functions/routes';

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

export function matchRoute(method: string, path: string) {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(path);
    if (!m) continue;
    const pathParameters: Record<string, string> = {};
    c.params.forEach((p, i) => {
      pathParameters[p] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { route: c.route, pathParameters };
  }
  return undefined;
}

async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error('Body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
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

function writeResult(res: ServerResponse, result: unknown) {
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
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  res.writeHead(r.statusCode ?? 200, headers);
  res.end(r.body ? (r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body) : undefined);
}

export function startGateway(o: GatewayOptions): Promise<Server> {
  const server = createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    try {
      if (await o.extra(req, res, url)) return;
      const match = matchRoute(req.method ?? 'GET', url.pathname);
      if (!match) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      const event = toEvent(req, url, await readBody(req), match.route, match.pathParameters) as Record<
        string,
        unknown
      > & {
        requestContext: Record<string, unknown>;
      };
      if (match.route.roles !== 'public') {
        const auth = await o.invokeAuthorizer({ ...event, type: 'REQUEST' });
        if (!auth.isAuthorized) {
          res.writeHead(403, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Forbidden' }));
          return;
        }
        event.requestContext.authorizer = { lambda: auth.context ?? {} };
      }
      writeResult(res, await o.invokeHttp(match.route.handler, event));
      o.log('request', {
        method: req.method,
        route: routeKey(match.route),
        status: res.statusCode,
        ms: Date.now() - started,
      });
    } catch (err) {
      o.log('gateway error', { error: (err as Error).name, message: (err as Error).message });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Internal Server Error' }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}
