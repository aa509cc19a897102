import { Agent, request } from 'node:http';

/**
 * Raw HTTP for the proof goals (node:http, not fetch): the request target goes on the wire as
 * written, so a goal can send bad percent-encoding, encoded NUL and slashes or a huge path that
 * fetch() would normalise or refuse; the body goes as the bytes given (or chunked, or only
 * announced by Content-Length); a keep-alive agent tells whether the socket was reused.
 */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The request went over a socket an earlier request had used (keep-alive). */
  reusedSocket: boolean;
  /** The server said it closes the connection after this answer. */
  closes: boolean;
}

export interface RawRequest {
  method: string;
  /** The request target as sent: path and query, percent-encoding as given. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as one write (with its Content-Length) … */
  body?: Buffer | string;
  /** … or as chunks (Transfer-Encoding: chunked). */
  chunks?: Buffer[];
  /** Content-Length announced but no body sent (the answer cannot wait for it). */
  declaredLength?: number;
  agent?: Agent;
  timeoutMs?: number;
}

export function keepAliveAgent(maxSockets = 8): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

/** One raw request against `baseUrl`; resolves with the answer (never rejects on a status). */
export function rawRequest(baseUrl: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { ...r.headers };
  if (r.declaredLength !== undefined) headers['content-length'] = String(r.declaredLength);
  else if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
  else if (r.chunks) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        agent: r.agent ?? false,
        headers,
        // The proof sends odd targets on purpose; the server's parser decides about them.
        insecureHTTPParser: false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('error', (err) => {
          if (!settled) {
            settled = true;
            reject(err);
          }
        });
        res.on('end', () => {
          settled = true;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString('utf8'),
            reusedSocket: req.reusedSocket,
            closes: /close/i.test(String(res.headers.connection ?? '')),
          });
        });
      },
    );
    req.setTimeout(r.timeoutMs ?? 30_000, () =>
      req.destroy(new Error(`timeout ${r.method} ${r.path.slice(0, 80)}`)),
    );
    req.on('error', (err) => {
      // The server may close after answering a body it refused to read: the answer counts, and
      // it arrives through the response callback; an error before any answer is a failure.
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'EPIPE' || code === 'ECONNRESET') && settled) return;
      if (code === 'EPIPE') return; // the answer (413/400) may still be on its way
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    if (r.declaredLength !== undefined) req.flushHeaders();
    else if (r.chunks) {
      for (const c of r.chunks) req.write(c);
      req.end();
    } else if (r.body !== undefined) req.end(r.body);
    else req.end();
  });
}

/** The cookie header a signed-in `Session` sends (its session cookie; the language too when set). */
export function sessionCookie(s: { cookie(name: string): string | undefined }): string {
  const v = s.cookie('stegvis_session');
  return v ? `stegvis_session=${v}` : '';
}

/** A redirect to the sign-in page (what a page answers without a valid session). */
export const isSignInRedirect = (r: Pick<RawResponse, 'status' | 'headers'>) =>
  (r.status === 302 || r.status === 303) && /^\/auth\/login(?:\?|$)/.test(String(r.headers.location ?? ''));

/** Runs `fn` over `items` with at most `limit` at a time, in order of start. */
export async function pool<T>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const it = items[Symbol.iterator]();
  let failure: unknown;
  const worker = async () => {
    for (let n = it.next(); !n.done && failure === undefined; n = it.next()) {
      try {
        await fn(n.value);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  if (failure !== undefined) throw failure;
}
