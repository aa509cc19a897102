import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { StepNotWaitingError, ValidationError } from '#core/errors';
import { getVisibleCase } from '#core/use-cases/referrals';
import { proposeStudyVisit, recordStudyVisitOutcome } from '#core/use-cases/study-visit';
import { type CasePageOpts, casePage } from '#web/case-pages';
import { htmlResponse, httpHandler, jsonResponse, type Req, redirect, signedIn } from './kit.ts';

async function renderCase(req: Req, extra: Partial<CasePageOpts> = {}, status = 200) {
  const deps = getDeps();
  const c = await getVisibleCase(deps, signedIn(req), req.params.caseId ?? '');
  const unit = (await deps.repo.listUnits()).find((u) => u.unitId === c.unitId);
  return htmlResponse(casePage({ lang: req.lang, principal: signedIn(req), c, unit, ...extra }), status);
}

/** A form action on a case: validation errors re-render the case page with what was typed. */
async function caseAction(req: Req, form: 'studyVisit' | 'outcome', act: () => Promise<unknown>) {
  try {
    // Staff-only routes: every case is visible to them; a missing case is a 404 from the use case.
    await act();
    logger.info('case step recorded', { caseId: req.params.caseId, form });
    return redirect(`/cases/${req.params.caseId}?done=${form}`);
  } catch (err) {
    // A double click or a second coordinator: the step is already done; show the case as it is.
    if (err instanceof StepNotWaitingError) return redirect(`/cases/${req.params.caseId}`);
    if (!(err instanceof ValidationError)) throw err;
    return renderCase(req, { form, values: req.form, issues: err.issues }, 400);
  }
}

export const handler = httpHandler('cases', {
  'GET /cases/{caseId}': (req) =>
    renderCase(req, {
      notice:
        req.query.submitted === '1'
          ? 'submitted'
          : req.query.done === 'studyVisit'
            ? 'proposed'
            : req.query.done === 'outcome'
              ? 'recorded'
              : undefined,
    }),

  'POST /cases/{caseId}/study-visit': (req) =>
    caseAction(req, 'studyVisit', () =>
      proposeStudyVisit(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
    ),

  'POST /cases/{caseId}/study-visit/outcome': (req) =>
    caseAction(req, 'outcome', () =>
      recordStudyVisitOutcome(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
    ),

  'GET /api/cases/{caseId}': async (req) => {
    const c = await getVisibleCase(getDeps(), signedIn(req), req.params.caseId ?? '');
    return jsonResponse({
      caseId: c.caseId,
      reference: c.reference,
      status: c.status,
      phase: c.phase,
      unitId: c.unitId,
      createdAt: c.createdAt,
      studyVisit: c.studyVisit
        ? {
            start: c.studyVisit.start,
            end: c.studyVisit.end,
            location: c.studyVisit.location,
            invitationSent: c.studyVisit.invitationSentForSequence === c.studyVisit.sequence,
            outcome: c.studyVisit.outcome ?? null,
          }
        : null,
      closure: c.closure ? { category: c.closure.category, closedAt: c.closure.closedAt } : null,
      waitingFor: c.waiting?.step ?? null,
    });
  },
});
