import { randomBytes } from 'node:crypto';
import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { parseExecutionName } from '#core/case';
import { ForbiddenError, NotFoundError, StepNotWaitingError, ValidationError } from '#core/errors';
import type { RunStatus } from '#core/ports';
import { declaredWorkflowVersion } from '#core/process/asl';
import { type AdminAction, isAdminAction, mayTake, takeAdminAction } from '#core/use-cases/admin-actions';
import { listChoices, listPlacements, parsePlacementFilter } from '#core/use-cases/console';
import { placementStory } from '#core/use-cases/placement-story';
import { listRuns } from '#core/use-cases/runs';
import { filterQuery, placementsPage } from '#web/console-pages';
import { LIVE_SCRIPT } from '#web/live-script';
import { actionConfirmPage, actionRefusedPage, auditPage, placementPage } from '#web/placement-pages';
import type { Asl } from '#web/workflow-graph';
import placementAsl from '../../workflows/placement.asl.json' with { type: 'json' };
import { htmlResponse, httpHandler, jsonResponse, type Req, redirect, signedIn } from './kit.ts';

/** The deployed definition (the same file both hosts run) and the version it declares. */
const ASL = placementAsl as unknown as Asl;
const CURRENT_VERSION = declaredWorkflowVersion(ASL);
const newFormId = () => randomBytes(16).toString('base64url');

function actionOf(req: Req): AdminAction {
  const a = req.params.action ?? '';
  if (!isAdminAction(a)) throw new NotFoundError('No such action');
  if (!mayTake(signedIn(req), a)) throw new ForbiddenError(`Not allowed to ${a}`);
  return a;
}

async function confirmPage(
  req: Req,
  action: AdminAction,
  issues: ValidationError['issues'] = [],
  status = 200,
) {
  const deps = getDeps();
  const story = await placementStory(deps, signedIn(req), req.params.caseId ?? '', CURRENT_VERSION);
  return htmlResponse(
    actionConfirmPage({
      lang: req.lang,
      principal: signedIn(req),
      story,
      action,
      // A form that came back with errors keeps its id: its repeat is still the same intent.
      formId: /^[A-Za-z0-9_-]{16,64}$/.test(req.form.formId ?? '')
        ? (req.form.formId as string)
        : newFormId(),
      issues,
      values: { reason: req.form.reason, meetingId: req.form.meetingId },
      now: deps.clock.now(),
      path: req.path,
    }),
    status,
  );
}

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

  'GET /admin/placements/{caseId}': async (req) => {
    const deps = getDeps();
    const story = await placementStory(deps, signedIn(req), req.params.caseId ?? '', CURRENT_VERSION);
    const done = req.query.done ?? '';
    const notice =
      isAdminAction(done) && (req.query.result === 'done' || req.query.result === 'already')
        ? { kind: req.query.result as 'done' | 'already', action: done }
        : undefined;
    return htmlResponse(
      placementPage({
        lang: req.lang,
        principal: signedIn(req),
        story,
        units: await deps.repo.listUnits(),
        asl: ASL,
        now: deps.clock.now(),
        path: req.path,
        ...(notice ? { notice } : {}),
      }),
    );
  },

  'GET /api/admin/placements/{caseId}': async (req) => {
    const story = await placementStory(getDeps(), signedIn(req), req.params.caseId ?? '', CURRENT_VERSION);
    // Codes and the staff facts the page shows: never the participant's data.
    return jsonResponse({
      summary: story.summary,
      stuck: story.stuck,
      current: story.marks.current ?? null,
      marks: story.marks,
      runs: story.runs.map(({ events: _e, ...r }) => r),
      timeline: story.timeline,
      audit: story.audit,
      actions: story.actions,
      workflowVersion: story.case.execution.workflowVersion ?? null,
      currentVersion: CURRENT_VERSION ?? null,
    });
  },

  'GET /admin/placements/{caseId}/actions/{action}': async (req) => confirmPage(req, actionOf(req)),

  'POST /admin/placements/{caseId}/actions/{action}': async (req) => {
    const action = actionOf(req);
    const caseId = req.params.caseId ?? '';
    try {
      const r = await takeAdminAction(getDeps(), signedIn(req), caseId, action, req.form, CURRENT_VERSION);
      logger.info('console action', { caseId, action, outcome: r.outcome });
      return redirect(`/admin/placements/${caseId}?done=${action}&result=${r.outcome}`);
    } catch (err) {
      if (err instanceof ValidationError) return confirmPage(req, action, err.issues, 400);
      if (!(err instanceof StepNotWaitingError)) throw err;
      const c = await getDeps().repo.getCase(caseId);
      return htmlResponse(
        actionRefusedPage({
          lang: req.lang,
          principal: signedIn(req),
          caseId,
          reference: c?.reference ?? caseId,
          action,
          code: err.code,
          path: req.path,
        }),
        409,
      );
    }
  },

  'GET /admin/audit': async (req) => {
    const page = await getDeps().repo.listAudit(
      {},
      { limit: 50, after: req.query.next && req.query.next.length < 200 ? req.query.next : undefined },
    );
    return htmlResponse(
      auditPage({
        lang: req.lang,
        principal: signedIn(req),
        events: page.items,
        next: page.next,
        path: req.path,
      }),
    );
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

  // The runs are the placements now: the old pages send there (the failed ones to the failed filter).
  'GET /admin/runs': async (req) =>
    redirect(
      req.query.status === 'FAILED' || req.query.status === 'TIMED_OUT'
        ? '/admin/placements?flag=failed'
        : '/admin/placements',
    ),

  'GET /admin/runs/{executionName}': async (req) => {
    const caseId = parseExecutionName(req.params.executionName ?? '')?.caseId;
    if (!caseId) throw new NotFoundError('No such run');
    return redirect(`/admin/placements/${caseId}`);
  },

  'GET /api/admin/runs': async (req) => {
    const { runs, nextToken } = await listRuns(getDeps(), {
      status: statusOf(req),
      nextToken: req.query.next || undefined,
    });
    return jsonResponse({ runs, nextToken: nextToken ?? null });
  },
});
