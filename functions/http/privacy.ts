import { randomBytes } from 'node:crypto';
import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { ValidationError } from '#core/errors';
import { eraseParticipant, erasureCase, registerExtract } from '#core/use-cases/privacy';
import { erasePage, extractPage, privacyPage } from '#web/privacy-pages';
import { htmlResponse, httpHandler, type Req, redirect, signedIn } from './kit.ts';

/**
 * Personal data (GDPR): the register extract (art. 15) found by an identity number sent in a form
 * (never in a URL), and erasure on a legal request behind a confirmation page. Admins only; both
 * written to the audit log. Logs carry ids and counts only.
 */
const newFormId = () => randomBytes(16).toString('base64url');
const FORM_ID = /^[A-Za-z0-9_-]{16,64}$/;

async function confirmErase(req: Req, issues: ValidationError['issues'] = [], status = 200) {
  const { c, cases } = await erasureCase(getDeps(), signedIn(req), req.params.caseId ?? '');
  return htmlResponse(
    erasePage({
      lang: req.lang,
      principal: signedIn(req),
      c,
      cases,
      // A form that came back with errors keeps its id: its repeat is still the same intent.
      formId: FORM_ID.test(req.form.formId ?? '') ? (req.form.formId as string) : newFormId(),
      issues,
      values: { reason: req.form.reason },
      path: req.path,
    }),
    status,
  );
}

export const handler = httpHandler('privacy', {
  'GET /admin/privacy': async (req) =>
    htmlResponse(
      privacyPage({ lang: req.lang, principal: signedIn(req), issues: [], values: {}, path: req.path }),
    ),

  'POST /admin/privacy/extract': async (req) => {
    const deps = getDeps();
    try {
      const extract = await registerExtract(deps, signedIn(req), req.form);
      logger.info('register extract', { cases: extract.cases.length });
      return htmlResponse(
        extractPage({
          lang: req.lang,
          principal: signedIn(req),
          extract,
          units: await deps.repo.listUnits(),
          path: '/admin/privacy',
        }),
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return htmlResponse(
        privacyPage({
          lang: req.lang,
          principal: signedIn(req),
          issues: err.issues,
          values: { reason: req.form.reason },
          path: '/admin/privacy',
        }),
        400,
      );
    }
  },

  'GET /admin/privacy/erase/{caseId}': async (req) => confirmErase(req),

  'POST /admin/privacy/erase/{caseId}': async (req) => {
    const caseId = req.params.caseId ?? '';
    try {
      const r = await eraseParticipant(getDeps(), signedIn(req), caseId, req.form);
      logger.info('participant erased', { caseId, outcome: r.outcome, cases: r.event.caseIds?.length ?? 0 });
      return redirect(`/cases/${caseId}`);
    } catch (err) {
      if (err instanceof ValidationError) return confirmErase(req, err.issues, 400);
      throw err;
    }
  },
});
