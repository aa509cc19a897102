import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { ForbiddenError, StepNotWaitingError, ValidationError } from '#core/errors';
import {
  parseActivity,
  parseAfterClosing,
  parseCloseEarly,
  parseClosing,
  parseFollowUp,
  parseIntake,
  parsePlan,
  parseResume,
  parseTalk,
} from '#core/forms/actions';
import { ACTION_NAMES, ACTIONS, type ActionName } from '#core/process/declaration';
import { mayAct } from '#core/use-cases/act';
import { correctAddress } from '#core/use-cases/addresses';
import { recordAfterClosing, recordClosing, repairCase } from '#core/use-cases/closing';
import { decideIntake } from '#core/use-cases/intake';
import { cancelMeeting, moveMeeting, scheduleClosing, scheduleFollowUp } from '#core/use-cases/meetings';
import { auditPersonalRead, personalReadKinds } from '#core/use-cases/privacy';
import { getVisibleCase } from '#core/use-cases/referrals';
import { recordPlan, scheduleStartup } from '#core/use-cases/startup';
import { proposeStudyVisit, recordStudyVisitOutcome } from '#core/use-cases/study-visit';
import {
  closeEarly,
  followUpRuleIssues,
  logActivity,
  recordFollowUp,
  recordTalk,
  resumeTraining,
} from '#core/use-cases/training';
import { type CasePageOpts, casePage } from '#web/case-pages';
import { countCaseAction } from './case-metrics.ts';
import {
  htmlResponse,
  httpHandler,
  jsonResponse,
  type Req,
  type RouteImpl,
  redirect,
  signedIn,
} from './kit.ts';

async function renderCase(req: Req, extra: Partial<CasePageOpts> = {}, status = 200) {
  const deps = getDeps();
  const c = await getVisibleCase(deps, signedIn(req), req.params.caseId ?? '');
  const unit = (await deps.repo.listUnits()).find((u) => u.unitId === c.unitId);
  const talks = extra.talks ?? (await deps.repo.listEntries(c.caseId, 'talk'));
  // Every showing of the identity number or health-related texts is in the audit log.
  const kinds = personalReadKinds(signedIn(req), c, talks);
  await auditPersonalRead(deps, signedIn(req), c, kinds, 'casePage');
  return htmlResponse(
    casePage({ lang: req.lang, principal: signedIn(req), c, unit, now: deps.clock.now(), talks, ...extra }),
    status,
  );
}

/** Throws the parser's field issues, or gives the parsed values. */
function valid<T>(r: { ok: true; value: T } | { ok: false; issues: import('#core/errors').FieldIssue[] }): T {
  if (!r.ok) throw new ValidationError(r.issues);
  return r.value;
}

/** Each action of the declaration: its form parsed, its use case called. */
const ACT: Record<ActionName, (req: Req) => Promise<unknown>> = {
  decideIntake: (req) =>
    decideIntake(getDeps(), signedIn(req), req.params.caseId ?? '', valid(parseIntake(req.form))),
  proposeStudyVisit: (req) => proposeStudyVisit(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
  recordStudyVisitOutcome: (req) =>
    recordStudyVisitOutcome(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
  scheduleStartup: (req) => scheduleStartup(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
  recordPlan: (req) =>
    recordPlan(getDeps(), signedIn(req), req.params.caseId ?? '', valid(parsePlan(req.form))),
  recordTalk: (req) =>
    recordTalk(getDeps(), signedIn(req), req.params.caseId ?? '', valid(parseTalk(req.form))),
  scheduleFollowUp: (req) => scheduleFollowUp(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
  recordFollowUp: async (req) => {
    const parsed = parseFollowUp(req.form);
    if (!parsed.ok) {
      // Every problem in one round: the rules the decision breaks beside the missing fields.
      const rules = await followUpRuleIssues(getDeps(), signedIn(req), req.params.caseId ?? '', req.form);
      throw new ValidationError([...parsed.issues, ...rules]);
    }
    return recordFollowUp(getDeps(), signedIn(req), req.params.caseId ?? '', parsed.value);
  },
  resume: (req) =>
    resumeTraining(getDeps(), signedIn(req), req.params.caseId ?? '', valid(parseResume(req.form))),
  logActivity: (req) =>
    logActivity(getDeps(), signedIn(req), req.params.caseId ?? '', valid(parseActivity(req.form))),
  closeEarly: (req) =>
    closeEarly(getDeps(), signedIn(req), req.params.caseId ?? '', valid(parseCloseEarly(req.form))),
  scheduleClosing: (req) => scheduleClosing(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
  moveMeeting: (req) => moveMeeting(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
  cancelMeeting: (req) => cancelMeeting(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
  recordClosing: (req) =>
    recordClosing(getDeps(), signedIn(req), req.params.caseId ?? '', valid(parseClosing(req.form))),
  recordAfterClosing: (req) =>
    recordAfterClosing(getDeps(), signedIn(req), req.params.caseId ?? '', valid(parseAfterClosing(req.form))),
  repair: (req) => repairCase(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
  correctAddress: (req) => correctAddress(getDeps(), signedIn(req), req.params.caseId ?? '', req.form),
};

/**
 * A form action on a case. Done: back to the case with a notice (Post/Redirect/Get). Field
 * errors: the case page again with what was typed and every error. Refused (the step is
 * already done, or not open now): the case page with the reason, nothing saved.
 */
function caseAction(action: ActionName): RouteImpl {
  return async (req) => {
    // Who may act is settled before the form is read: someone who may not gets the refusal, not
    // field errors (which would tell them what the form asks).
    const c = await getVisibleCase(getDeps(), signedIn(req), req.params.caseId ?? '');
    if (!mayAct(signedIn(req), c, action)) throw new ForbiddenError(`Not allowed to ${action} on this case`);
    try {
      const since = getDeps().clock.now();
      countCaseAction(action, await ACT[action](req), since);
      logger.info('case action recorded', { caseId: req.params.caseId, action });
      return redirect(`/cases/${req.params.caseId}?done=${action}`);
    } catch (err) {
      if (err instanceof StepNotWaitingError)
        return renderCase(
          req,
          { form: action, values: req.form, refusal: { code: err.code, params: err.params } },
          409,
        );
      if (!(err instanceof ValidationError)) throw err;
      return renderCase(req, { form: action, values: req.form, issues: err.issues }, 400);
    }
  };
}

const isAction = (s: string | undefined): s is ActionName => !!s && (ACTION_NAMES as string[]).includes(s);

export const handler = httpHandler('cases', {
  'GET /cases/{caseId}': (req) =>
    renderCase(req, {
      notice:
        req.query.submitted === '1' ? 'submitted' : isAction(req.query.done) ? req.query.done : undefined,
    }),
  ...Object.fromEntries(ACTION_NAMES.map((a) => [`POST /cases/{caseId}/${ACTIONS[a].path}`, caseAction(a)])),

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
      meetings: c.meetings.map((m) => ({
        meetingId: m.meetingId,
        kind: m.kind,
        start: m.start,
        end: m.end,
        invitationSent: m.invitationSentForSequence === m.sequence,
        recorded: !!m.recordedAt,
      })),
      workingTime: c.workingTime ?? null,
      place: c.place ?? null,
      closure: c.closure ? { category: c.closure.category, closedAt: c.closure.closedAt } : null,
      problem: c.problem ? { state: c.problem.state, error: c.problem.error } : null,
      waitingFor: c.waiting?.step ?? null,
    });
  },
});
