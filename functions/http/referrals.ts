import { randomUUID } from 'node:crypto';
import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { countMetric } from '#adapters/metrics';
import { SubmissionInFlightError, ValidationError } from '#core/errors';
import { REFERRAL_FIELDS } from '#core/forms/referral';
import { listVisibleCases, submitReferral } from '#core/use-cases/referrals';
import { html } from '#web/html';
import { type Lang, t } from '#web/i18n';
import { page } from '#web/layout';
import { referralFormPage, referralListPage } from '#web/referral-pages';
import { htmlResponse, httpHandler, jsonResponse, type Req, redirect, signedIn } from './kit.ts';

/**
 * The same form is being stored by another request: 409 with Retry-After, nothing stored by this
 * one. Sending the form again (the browser's reload) shows the stored case.
 */
function inFlightPage(req: Req, err: SubmissionInFlightError) {
  const lang: Lang = req.lang;
  return htmlResponse(
    page({
      lang,
      title: t(lang, 'submissionInFlightTitle'),
      path: '/referrals/new',
      principal: signedIn(req),
      body: html`<h1>${t(lang, 'submissionInFlightTitle')}</h1>
<p role="status">${t(lang, 'submissionInFlight')}</p>
<p><a href="/referrals">${t(lang, 'yourReferrals')}</a></p>`,
    }),
    409,
    {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'retry-after': String(err.retryAfterSeconds),
      },
    },
  );
}

export const handler = httpHandler('referrals', {
  'GET /referrals': async (req) => {
    const deps = getDeps();
    const [page, units] = await Promise.all([
      listVisibleCases(deps, signedIn(req), { after: req.query.after }),
      deps.repo.listUnits(),
    ]);
    return htmlResponse(
      referralListPage({
        lang: req.lang,
        principal: signedIn(req),
        cases: page.items,
        next: page.next,
        units,
      }),
    );
  },

  'GET /referrals/new': async (req) => {
    const units = await getDeps().repo.listUnits();
    // A fresh submission id per form instance makes a double submit idempotent.
    const values = { submissionId: randomUUID(), languageSupport: 'no' };
    return htmlResponse(
      referralFormPage({ lang: req.lang, principal: signedIn(req), units, values, issues: [] }),
    );
  },

  'POST /referrals': async (req) => {
    const deps = getDeps();
    try {
      const { caseId, created } = await submitReferral(deps, signedIn(req), req.form);
      logger.info('referral submitted', { caseId, created });
      if (created) countMetric('Referrals');
      return redirect(`/cases/${caseId}?submitted=1`);
    } catch (err) {
      if (err instanceof SubmissionInFlightError) {
        logger.info('referral submission in flight', { status: 409 });
        return inFlightPage(req, err);
      }
      if (!(err instanceof ValidationError)) throw err;
      const units = await deps.repo.listUnits();
      const values = Object.fromEntries(REFERRAL_FIELDS.map((f) => [f, req.form[f] ?? '']));
      if (!values.submissionId) values.submissionId = randomUUID();
      return htmlResponse(
        referralFormPage({ lang: req.lang, principal: signedIn(req), units, values, issues: err.issues }),
        400,
      );
    }
  },

  'GET /api/referrals': async (req) => {
    const page = await listVisibleCases(getDeps(), signedIn(req), {
      after: req.query.after,
      limit: Number(req.query.limit) || undefined,
    });
    return jsonResponse({
      next: page.next ?? null,
      referrals: page.items.map((c) => ({
        caseId: c.caseId,
        reference: c.reference,
        unitId: c.unitId,
        status: c.status,
        phase: c.phase,
        createdAt: c.createdAt,
      })),
    });
  },
});
