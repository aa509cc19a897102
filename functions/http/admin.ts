import { getDeps } from '#adapters/deps';
import type { RunStatus } from '#core/ports';
import { listChoices, listPlacements, parsePlacementFilter } from '#core/use-cases/console';
import { getRun, listRuns } from '#core/use-cases/runs';
import { runDetailPage, runsPage } from '#web/admin-pages';
import { filterQuery, placementsPage } from '#web/console-pages';
import { LIVE_SCRIPT } from '#web/live-script';
import { htmlResponse, httpHandler, jsonResponse, type Req, signedIn } from './kit.ts';

const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const statusOf = (req: Req) =>
  STATUSES.has(req.query.status ?? '') ? (req.query.status as RunStatus) : undefined;
async function placements(req: Req) {
  const deps = getDeps();
  const p = signedIn(req);
  const choices = await listChoices(deps);
  const { filter, sort, issues } = parsePlacementFilter(req.query, choices);
  const pageNo = Math.min(Math.max(Number.parseInt(req.query.page ?? '1', 10) || 1, 1), 100_000);
  const result = await listPlacements(deps, p, filter, sort, { after: req.query.next || undefined });
  return { p, choices, filter, sort, issues, pageNo, result, now: deps.clock.now() };
}

export const handler = httpHandler('admin', {
  'GET /admin/placements': async (req) => {
    const { p, choices, filter, sort, issues, pageNo, result, now } = await placements(req);
    return htmlResponse(
      placementsPage({
        lang: req.lang,
        principal: p,
        rows: result.items,
        next: result.next,
        filter,
        sort,
        issues,
        choices,
        pageNo,
        now,
        path: `/admin/placements${filterQuery(filter, sort, req.query.next ? { next: req.query.next, page: String(pageNo) } : {})}`,
      }),
    );
  },

  'GET /api/admin/placements': async (req) => {
    const { result, issues, now } = await placements(req);
    if (issues.length > 0) return jsonResponse({ error: 'badFilter', issues }, 400);
    return jsonResponse({
      placements: result.items.map((r) => ({ ...r, overdue: !!r.next && Date.parse(r.next.due) <= now })),
      next: result.next ?? null,
    });
  },

  'GET /assets/live.js': async () => ({
    statusCode: 200,
    headers: {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'x-content-type-options': 'nosniff',
    },
    body: LIVE_SCRIPT,
  }),

  'GET /admin/runs': async (req) => {
    const status = statusOf(req);
    const { runs, nextToken } = await listRuns(getDeps(), { status, nextToken: req.query.next || undefined });
    return htmlResponse(runsPage({ lang: req.lang, principal: signedIn(req), runs, status, nextToken }));
  },

  'GET /admin/runs/{executionName}': async (req) => {
    const { run, events } = await getRun(getDeps(), req.params.executionName ?? '');
    return htmlResponse(runDetailPage({ lang: req.lang, principal: signedIn(req), run, events }));
  },

  'GET /api/admin/runs': async (req) => {
    const { runs, nextToken } = await listRuns(getDeps(), {
      status: statusOf(req),
      nextToken: req.query.next || undefined,
    });
    return jsonResponse({ runs, nextToken: nextToken ?? null });
  },
});
