import { ROLES, type RouteDef, routeKey, routes } from '#functions/routes';
import type { Session } from '#test/support/session';
import { type Goal, type ProofResult, result } from '../kit.ts';
import {
  isSignInRedirect,
  keepAliveAgent,
  type RawResponse,
  rawRequest,
  sessionCookie,
} from '../support/http.ts';
import { fillPath, PRINCIPALS, type Principal, probeValues, signIn, worldFor } from '../support/world.ts';

/**
 * The route × role matrix: every route of the route table (functions/routes.ts) × every seeded
 * account (each role, and a referrer of another organisation) and no session. What each probe may
 * do comes from the route's declared roles, read from the table here, not copied: a route added
 * to the table is probed on the next run, and one whose path parameter has no probe value fails
 * the goal.
 *
 * A probe is the route's own request with the world's real ids (so a refusal cannot hide behind
 * a 404 for an unknown id) and, for a post, an empty form from the app's own origin: it reaches
 * the form's validation when let in, and changes nothing.
 *
 * - allow: the handler acted: 2xx, a redirect other than to sign-in, or its own refusal of the
 *   request's content (400 field errors, 409 step not open, 410 link gone).
 * - deny: 401, 403, a redirect to sign-in, or 404 for another organisation's object.
 * - expected: a public route allows everyone; otherwise no session is denied, a principal whose
 *   groups (read from its ID token) meet the route's roles is allowed (except another
 *   organisation's referrer on a case: denied, 404), every other is denied.
 */
type Who = Principal | 'none';
type Outcome = 'allow' | 'deny' | 'error';

interface Claims {
  groups: string[];
  organisation: string;
}

function claimsOf(s: Session): Claims {
  const token = s.cookie('stegvis_session') ?? '';
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  return {
    groups: (payload['cognito:groups'] as string[] | undefined) ?? [],
    organisation: String(payload['custom:organisation'] ?? ''),
  };
}

function classify(r: RawResponse): Outcome {
  if (r.status >= 500 || r.status < 200) return 'error';
  if (r.status === 401 || r.status === 403 || r.status === 404 || isSignInRedirect(r)) return 'deny';
  return 'allow';
}

export const goal: Goal = {
  name: 'matrix',
  async run(ctx) {
    const w = await worldFor(ctx.host, ctx.log);
    const base = ctx.host.baseUrl;
    const origin = new URL(base).origin;
    // Fresh sessions: a goal before this one may have signed the shared ones out.
    const sessions = Object.fromEntries(
      await Promise.all(PRINCIPALS.map(async (p) => [p, await signIn(ctx.host, p)] as const)),
    ) as Record<Principal, Session>;
    const claims = Object.fromEntries(PRINCIPALS.map((p) => [p, claimsOf(sessions[p])])) as Record<
      Principal,
      Claims
    >;
    const owner = claims.referrer.organisation;
    const rows: ProofResult[] = [];

    // Every role of the table is held by a principal (a new role cannot escape either), and the
    // other organisation's referrer is of another organisation than the case's.
    const unheld = ROLES.filter((role) => !PRINCIPALS.some((p) => claims[p].groups.includes(role)));
    const otherOrg =
      claims.otherReferrer.groups.includes('referrer') &&
      claims.otherReferrer.organisation !== '' &&
      claims.otherReferrer.organisation !== owner;

    const values = probeValues(w, { destructive: false });
    const unprobed: string[] = [];
    const probes: { route: RouteDef; who: Who; path: string; expected: 'allow' | 'deny'; why: string }[] = [];
    for (const route of routes) {
      const { path, missing } = fillPath(route, values);
      if (missing.length > 0) {
        unprobed.push(`${routeKey(route)} (no probe value for ${missing.join(', ')})`);
        continue;
      }
      for (const who of ['none', ...PRINCIPALS] as Who[]) {
        let expected: 'allow' | 'deny';
        let why: string;
        if (route.roles === 'public') [expected, why] = ['allow', 'public'];
        else if (who === 'none') [expected, why] = ['deny', 'no session'];
        else if (!claims[who].groups.some((g) => (route.roles as readonly string[]).includes(g)))
          [expected, why] = ['deny', 'role'];
        else if (
          route.path.includes('{caseId}') &&
          claims[who].groups.every((g) => g === 'referrer') &&
          claims[who].organisation !== owner
        )
          [expected, why] = ['deny', 'other organisation'];
        else [expected, why] = ['allow', 'role'];
        probes.push({ route, who, path, expected, why });
      }
    }

    const before = await caseState(sessions.coordinator, w.caseId);
    const agent = keepAliveAgent(4);
    const unexpectedAllows: string[] = [];
    const unexpectedDenies: string[] = [];
    const errors: string[] = [];
    let sent = 0;
    // Sign-out ends the account's sessions: those probes go last.
    const ordered = [
      ...probes.filter((p) => p.route.path !== '/auth/logout'),
      ...probes.filter((p) => p.route.path === '/auth/logout'),
    ];
    for (let i = 0; i < ordered.length; i += 4) {
      await Promise.all(
        ordered.slice(i, i + 4).map(async (p) => {
          const cookie = p.who === 'none' ? '' : sessionCookie(sessions[p.who]);
          const post = p.route.method === 'POST';
          const r = await rawRequest(base, {
            method: p.route.method,
            path: p.path,
            agent,
            headers: {
              ...(cookie ? { cookie } : {}),
              ...(post ? { origin, 'content-type': 'application/x-www-form-urlencoded' } : {}),
            },
            ...(post ? { body: '' } : {}),
          });
          sent++;
          const got = classify(r);
          const what = `${routeKey(p.route)} as ${p.who}: ${r.status}${r.headers.location ? ` → ${String(r.headers.location).slice(0, 60)}` : ''} (expected ${p.expected}: ${p.why})`;
          if (got === 'error') errors.push(what);
          else if (got === 'allow' && p.expected === 'deny') unexpectedAllows.push(what);
          else if (got === 'deny' && p.expected === 'allow') unexpectedDenies.push(what);
          else if (got === 'deny' && p.why === 'other organisation' && r.status !== 404)
            unexpectedDenies.push(`${what}: another organisation's case must not be told apart (404)`);
        }),
      );
    }
    agent.destroy();

    // Nothing a probe did changed the case (denied ones must not act; allowed ones posted empty forms).
    const coordinator = await signIn(ctx.host, 'coordinator');
    const after = await caseState(coordinator, w.caseId);
    const changed = before !== after;

    // Another organisation's referrer does not see the case in its own list either; the owner does.
    const otherList = await (
      await (await signIn(ctx.host, 'otherReferrer')).get('/api/referrals?limit=100')
    ).text();
    const ownList = await (await (await signIn(ctx.host, 'referrer')).get('/api/referrals?limit=100')).text();
    const listLeak = otherList.includes(w.caseId);
    const listBlind = !ownList.includes(w.caseId);

    for (const [label, list] of [
      ['unexpected allow', unexpectedAllows],
      ['unexpected deny', unexpectedDenies],
      ['5xx/no answer', errors],
      ['unprobed route', unprobed],
    ] as const)
      if (list.length) ctx.log(`matrix ${label}:\n  ${list.slice(0, 30).join('\n  ')}`);

    const principals = PRINCIPALS.length + 1;
    const probed = new Set(probes.map((p) => routeKey(p.route))).size;
    rows.push(
      result(
        'Route × role matrix: every route of the table × every role, another organisation, no session',
        `${routes.length} routes × ${principals} principals = ${sent} probes (${probed} routes probed${unprobed.length ? `, ${unprobed.length} without probe values` : ''}), ${unexpectedAllows.length} unexpected allows, ${unexpectedDenies.length} unexpected denies, ${errors.length} × 5xx`,
        '0 unexpected allows, 0 unexpected denies, every route probed',
        sent === routes.length * principals &&
          unprobed.length === 0 &&
          unexpectedAllows.length === 0 &&
          unexpectedDenies.length === 0 &&
          errors.length === 0 &&
          unheld.length === 0 &&
          otherOrg,
      ),
      result(
        'Another organisation: its referrer on the case routes and in its own list',
        `${probes.filter((p) => p.who === 'otherReferrer' && p.why === 'other organisation').length} case probes denied with 404: ${
          unexpectedAllows.filter((s) => s.includes('as otherReferrer')).length
        } allowed; case in its list: ${listLeak ? 'yes' : 'no'} (in the owner's: ${listBlind ? 'no' : 'yes'}); case changed by the probes: ${changed ? 'yes' : 'no'}${unheld.length ? `; roles held by no account: ${unheld.join(', ')}` : ''}`,
        '0 allowed, not listed, nothing changed',
        otherOrg && !listLeak && !listBlind && !changed && unheld.length === 0,
      ),
    );
    return rows;
  },
};

/** What a probe could change on the case: status, phase, step, meetings, place, closure. */
async function caseState(s: Session, caseId: string): Promise<string> {
  const r = await s.get(`/api/cases/${caseId}`);
  if (r.status !== 200) throw new Error(`case ${caseId}: ${r.status}`);
  const c = (await r.json()) as Record<string, unknown>;
  const { status, phase, waitingFor, meetings, place, closure, studyVisit, workingTime } = c;
  return JSON.stringify({ status, phase, waitingFor, meetings, place, closure, studyVisit, workingTime });
}
