import { getDeps } from '#adapters/deps';
import type { RunStatus } from '#core/ports';
import { getRun, listRuns } from '#core/use-cases/runs';
import { runDetailPage, runsPage } from '#web/admin-pages';
import { htmlResponse, httpHandler, jsonResponse, type Req, signedIn } from './kit.ts';

const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const statusOf = (req: Req) =>
  STATUSES.has(req.query.status ?? '') ? (req.query.status as RunStatus) : undefined;
export const handler = httpHandler('admin', {
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
