import type { Agent } from 'node:http';
import fc from 'fast-check';
import { type RouteDef, routeKey, routes } from '#functions/routes';
import { BODY_LIMIT_BYTES } from '#http/security';
import { matchRoute } from '#local/gateway';
import type { Session } from '#test/support/session';
import { type Goal, result } from '../kit.ts';
import { decodable, type FuzzInput, inputArb, type Kind } from '../support/fuzz-inputs.ts';
import {
  isSignInRedirect,
  keepAliveAgent,
  pool,
  type RawResponse,
  rawRequest,
  sessionCookie,
} from '../support/http.ts';
import {
  fillPath,
  formValues,
  isDestructive,
  type Principal,
  paramsOf,
  probeValues,
  signIn,
  type World,
  worldFor,
} from '../support/world.ts';

/**
 * Fuzz every route of the route table with generated hostile requests (fast-check, see
 * support/fuzz-inputs.ts), signed in with a role the route lets in and with the world's real ids,
 * so that the forms' validation is what meets them: 0 × 5xx, and every answer one the kind of
 * input allows:
 *
 * - a body (form, raw form, JSON, multipart, garbage) or a query within the limits: the route's
 *   own answers: GET 200, 303, 400 (a refused query or body), 410 (a participant link used up);
 *   POST also 409 (the step is not open, a stale edit). A 400 to a post is a page (field errors).
 * - any body over 64 KiB (announced, sent whole or chunked): 413.
 * - a hostile path parameter: 404 (not a valid id), 410 (a participant link), 303 (an old run's
 *   address); bad percent-encoding or invalid UTF-8 in it: 400; a request line over Node's 16 KiB
 *   header limit: 431.
 * - a post without the app's Origin: 403.
 *
 * Each route's requests go one after another on one keep-alive socket: after every 400 and 413
 * the next request must be answered, and a socket the server did not announce closing must be
 * the one reused. A session that was signed out (a fuzzed sign-out) is signed in again and the
 * request repeated; those repeats are counted apart from the inputs.
 */
const FULL_PER_ROUTE = 10_000;
const QUICK_PER_ROUTE = 120;
const ROUTES_AT_ONCE = 6;
const BATCH = 250;
/** Node's default limit for a request's line and headers. */
const HEADER_LIMIT = 16 * 1024;

const BASE: Record<RouteDef['method'], number[]> = {
  GET: [200, 303, 400, 410],
  POST: [200, 303, 400, 409, 410],
};

/** Whether the gateway finds a route for the path (a bad percent-encoding counts as found: 400). */
function matchRouteOrBad(method: string, path: string): boolean {
  try {
    return matchRoute(method, path) !== undefined;
  } catch {
    return true;
  }
}

/** The answers an input of its kind may get on the route, in the order the host checks. */
function acceptable(route: RouteDef, input: FuzzInput, target: string): number[] {
  // 1. Node's parser: a request line and headers over its limit.
  if (target.length > HEADER_LIMIT) return [431];
  const near = target.length > HEADER_LIMIT - 2048 ? [431] : [];
  // 2. The gateway's route: a path with dot segments is another path once normalised (often none).
  const path = target.split('?')[0] ?? '';
  if (new URL(path, 'http://x').pathname !== path) return [...near, 302, 303, 400, 403, 404, 410, 413];
  // 2b. A path that no route takes (an empty or odd segment): 404, before any body is read.
  if (!matchRouteOrBad(route.method, path)) return [...near, 404];
  // 3. Bad percent-encoding or invalid UTF-8 in a path parameter: 400.
  if (!Object.values(input.segments ?? {}).every(decodable)) return [...near, 400];
  // 4. The body's size, from Content-Length or as chunks pass the limit: 413.
  if (input.oversize || (input.body?.length ?? 0) > BODY_LIMIT_BYTES) return [...near, 413];
  // 5. The handler: a hostile id, a post from elsewhere, or the route's own answers.
  if (input.kind === 'path') return [...near, 303, 404, 410];
  if (input.kind === 'no-origin') return [...near, 403];
  return [...near, ...BASE[route.method]];
}

/** Who fuzzes a route: a role it lets in (the assigned supervisor on a case), or nobody on public ones. */
function principalFor(route: RouteDef): Principal | undefined {
  if (route.roles === 'public') return undefined;
  for (const [role, who] of [
    ['admin', 'admin'],
    ['coordinator', 'coordinator'],
    ['supervisor', 'supervisor'],
    ['referrer', 'referrer'],
  ] as const)
    if (route.roles.includes(role)) return who;
  throw new Error(`no principal for ${routeKey(route)}`);
}

/** The route's form as the app shows it (scraped), plus the fields its validation names on an empty post. */
async function templateFor(s: Session | undefined, w: World, route: RouteDef, path: string) {
  if (route.method === 'GET') return {};
  const get = async (p: string) => {
    const r = s ? await s.get(p) : await fetch(`${w.host.baseUrl}${p}`, { redirect: 'manual' });
    return r.status === 200 || r.status === 400 ? r.text() : '';
  };
  const candidates = [
    path,
    path.replace(/\/[^/]+$/, ''),
    `${path}/new`,
    '/referrals/new',
    '/admin/units/new',
    '/admin/privacy',
  ];
  let template: Record<string, string> = {};
  for (const c of candidates) {
    try {
      template = formValues(await get(c), path);
      break;
    } catch {
      // not the page of this form
    }
  }
  // The fields the form's validation names on an empty post (e.g. a case step whose form is not shown now).
  const empty = await rawRequest(w.host.baseUrl, {
    method: 'POST',
    path,
    headers: {
      origin: new URL(w.host.baseUrl).origin,
      'content-type': 'application/x-www-form-urlencoded',
      ...(s ? { cookie: sessionCookie(s) } : {}),
    },
    body: '',
  });
  for (const m of empty.body.matchAll(/id="(?:[A-Za-z0-9]+-)?([A-Za-z0-9]+)-error"/g)) {
    const field = m[1] as string;
    template[field] ??= FIELD_GUESS[field] ?? 'x';
  }
  return template;
}

const FIELD_GUESS: Record<string, string> = {
  date: '2030-01-15',
  startTime: '10:00',
  endTime: '11:00',
  location: 'Amiralen, Malmö',
  reason: 'Bevis av formuläret',
  email: 'a@example.se',
  outcome: 'wantsToStart',
  answer: 'coming',
};

interface RouteTally {
  key: string;
  inputs: number;
  repeats: number;
  statuses: Map<number, number>;
  unexpected: string[];
  fivexx: number;
  noAnswer: number;
  refusals: number;
  followedRefusal: number;
  answeredAfterRefusal: number;
  keptAfterRefusal: number;
  droppedUnannounced: number;
}

async function fuzzRoute(
  w: World,
  route: RouteDef,
  perRoute: number,
  seed: number,
  log: (m: string) => void,
): Promise<RouteTally> {
  const who = principalFor(route);
  let session = who ? await signIn(w.host, who) : undefined;
  const values = probeValues(w, { destructive: isDestructive(route) });
  const { path: validPath, missing } = fillPath(route, values);
  if (missing.length) throw new Error(`${routeKey(route)}: no probe value for ${missing.join(', ')}`);
  const params = paramsOf(route.path);
  const template = await templateFor(session, w, route, validPath);
  const arb = inputArb({ method: route.method, params, template });
  const origin = new URL(w.host.baseUrl).origin;
  const agent: Agent = keepAliveAgent(1);
  const t: RouteTally = {
    key: routeKey(route),
    inputs: 0,
    repeats: 0,
    statuses: new Map(),
    unexpected: [],
    fivexx: 0,
    noAnswer: 0,
    refusals: 0,
    followedRefusal: 0,
    answeredAfterRefusal: 0,
    keptAfterRefusal: 0,
    droppedUnannounced: 0,
  };
  let previous: RawResponse | undefined;

  const send = async (input: FuzzInput, target: string): Promise<RawResponse | undefined> => {
    const cookie = session ? sessionCookie(session) : '';
    const headers: Record<string, string> = {
      ...(cookie ? { cookie } : {}),
      ...(input.origin && route.method === 'POST' ? { origin } : {}),
      ...(input.contentType !== undefined ? { 'content-type': input.contentType } : {}),
    };
    const o = input.oversize;
    try {
      return await rawRequest(w.host.baseUrl, {
        method: route.method,
        path: target,
        agent,
        headers,
        ...(o?.mode === 'declared' ? { declaredLength: o.bytes } : {}),
        ...(o?.mode === 'sent' ? { body: Buffer.alloc(o.bytes, 'a') } : {}),
        ...(o?.mode === 'chunked'
          ? { chunks: Array.from({ length: Math.ceil(o.bytes / 16_384) }, () => Buffer.alloc(16_384, 'a')) }
          : {}),
        ...(!o && input.body ? { body: input.body } : {}),
      });
    } catch (err) {
      t.noAnswer++;
      if (t.unexpected.length < 5)
        t.unexpected.push(`no answer (${(err as Error).message}) to ${describe(input, target)}`);
      return undefined;
    }
  };

  for (let done = 0, batch = 0; done < perRoute; batch++) {
    const inputs = fc.sample(arb, { numRuns: Math.min(BATCH, perRoute - done), seed: seed + batch });
    done += inputs.length;
    for (const input of inputs) {
      const segs = {
        ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeURIComponent(v)])),
        ...input.segments,
      };
      const target =
        route.path.replace(/\{([^}]+)\}/g, (_, p: string) => segs[p] ?? '') +
        (input.query ? `?${input.query}` : '');
      let r = await send(input, target);
      t.inputs++;
      // A fuzzed sign-out (or an ended session): sign in again and repeat the input once.
      if (r && session && who && (isSignInRedirect(r) || r.status === 401)) {
        session = await signIn(w.host, who);
        t.repeats++;
        r = await send(input, target);
      }
      if (previous && (previous.status === 400 || previous.status === 413)) {
        t.followedRefusal++;
        if (r) t.answeredAfterRefusal++;
        if (r && !previous.closes) {
          if (r.reusedSocket) t.keptAfterRefusal++;
          else t.droppedUnannounced++;
        }
      }
      if (r && (r.status === 400 || r.status === 413)) t.refusals++;
      previous = r;
      if (!r) continue;
      t.statuses.set(r.status, (t.statuses.get(r.status) ?? 0) + 1);
      if (r.status >= 500) t.fivexx++;
      const ok = acceptable(route, input, target);
      const formKind = (['form', 'form-raw', 'json', 'multipart', 'garbage', 'path'] as Kind[]).includes(
        input.kind,
      );
      const pageFor400 = !(route.method === 'POST' && formKind && r.status === 400) || /<html/i.test(r.body);
      if (!ok.includes(r.status) || !pageFor400) {
        if (t.unexpected.length < 5)
          t.unexpected.push(
            `${r.status}${pageFor400 ? '' : ' (not a page)'} (allowed ${ok.join('/')}) to ${describe(input, target)}`,
          );
        else t.unexpected.push('');
      }
    }
  }
  agent.destroy();
  if (t.unexpected.length) log(`fuzz ${t.key}: ${t.unexpected.filter(Boolean).join('\n    ')}`);
  return t;
}

function describe(input: FuzzInput, target: string): string {
  const body = input.oversize
    ? `${input.oversize.mode} ${input.oversize.bytes} B`
    : input.body
      ? `${input.body.length} B ${JSON.stringify(input.body.subarray(0, 80).toString('utf8'))}`
      : 'no body';
  return `${input.kind} ${target.length > 120 ? `${target.slice(0, 120)}…(${target.length})` : target} [${input.contentType ?? ''}] ${body}`;
}

export const goal: Goal = {
  name: 'fuzz',
  async run(ctx) {
    const started = Date.now();
    const w = await worldFor(ctx.host, ctx.log);
    for (const v of w.personalData) ctx.personalData.add(v);
    const perRoute = ctx.quick ? QUICK_PER_ROUTE : FULL_PER_ROUTE;
    const seed = Number(process.env.STEGVIS_FUZZ_SEED ?? Date.now() % 2_147_483_647);
    ctx.log(`fuzz: ${routes.length} routes × ${perRoute} inputs, seed ${seed} (STEGVIS_FUZZ_SEED to repeat)`);
    const tallies: RouteTally[] = [];
    const failed: string[] = [];
    let finished = 0;
    await pool(
      routes.map((r, i) => [r, i] as const),
      ROUTES_AT_ONCE,
      async ([route, i]) => {
        const routeStarted = Date.now();
        try {
          tallies.push(await fuzzRoute(w, route, perRoute, seed + i * 100_003, ctx.log));
        } catch (err) {
          failed.push(`${routeKey(route)}: ${(err as Error).message}`);
        }
        finished++;
        if (!ctx.quick)
          ctx.log(
            `fuzz: ${finished}/${routes.length} routes, ${Math.round((Date.now() - started) / 1000)} s (${routeKey(route)} ${Math.round((Date.now() - routeStarted) / 1000)} s)`,
          );
      },
    );
    if (failed.length) ctx.log(`fuzz routes not fuzzed:\n  ${failed.join('\n  ')}`);

    const sum = (f: (t: RouteTally) => number) => tallies.reduce((a, t) => a + f(t), 0);
    const total = sum((t) => t.inputs);
    const min = Math.min(...tallies.map((t) => t.inputs));
    const fivexx = sum((t) => t.fivexx);
    const unexpected = sum((t) => t.unexpected.length);
    const noAnswer = sum((t) => t.noAnswer);
    const statuses = new Map<number, number>();
    for (const t of tallies) for (const [s, n] of t.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);
    const dist = [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    ctx.log(
      `fuzz statuses: ${dist}; repeats after sign-out ${sum((t) => t.repeats)}; ${Math.round((Date.now() - started) / 1000)} s`,
    );
    const refusals = sum((t) => t.refusals);
    const answered = sum((t) => t.answeredAfterRefusal);
    const kept = sum((t) => t.keptAfterRefusal);
    const dropped = sum((t) => t.droppedUnannounced);
    const followed = sum((t) => t.followedRefusal);

    return [
      result(
        `Fuzz every route (${routes.length}) with generated hostile inputs: wrong types, huge values, odd Unicode, bad percent-encoding, bodies over the limit`,
        `${total} inputs (min ${Number.isFinite(min) ? min : 0} per route, ${tallies.length}/${routes.length} routes), ${fivexx} × 5xx, ${unexpected} unexpected answers, ${noAnswer} unanswered (${dist})`,
        `≥ ${perRoute} inputs per route; 0 × 5xx; field errors, 400 or 413 only (per kind)`,
        failed.length === 0 &&
          tallies.length === routes.length &&
          min >= perRoute &&
          fivexx === 0 &&
          unexpected === 0 &&
          noAnswer === 0,
      ),
      result(
        'The connection after each 400 and 413 (keep-alive, one socket per route)',
        `${answered} of ${followed} next requests answered; ${kept} kept sockets reused, ${dropped} dropped unannounced`,
        'every next request answered; no socket dropped unannounced',
        refusals > 0 && answered >= followed && dropped === 0 && kept > 0,
      ),
    ];
  },
};
