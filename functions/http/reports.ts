import { getDeps } from '#adapters/deps';
import { parsePeriod } from '#core/forms/period';
import { closingInPeriod, placementInPeriod } from '#core/reports';
import { dashboard, esfFigures, exportRows } from '#core/use-cases/reports';
import { csvFileName, esfCsv, outcomesCsv, placementsCsv } from '#web/report-csv';
import { dashboardPage, esfPage } from '#web/report-pages';
import { type HttpResult, htmlResponse, httpHandler, type Req, signedIn } from './kit.ts';

/** A CSV download: Excel reads the BOM; never cached, never sniffed as something else. */
function csvResponse(body: string, fileName: string): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}

const pagePath = (req: Req) => req.path + (req.event.rawQueryString ? `?${req.event.rawQueryString}` : '');

/** The ESF+ page with the period's errors (nothing computed). */
function periodErrors(req: Req, issues: Parameters<typeof esfPage>[0]['issues']) {
  return htmlResponse(
    esfPage({
      lang: req.lang,
      principal: signedIn(req),
      path: `/admin/reports/esf${req.event.rawQueryString ? `?${req.event.rawQueryString}` : ''}`,
      values: { from: req.query.from ?? '', to: req.query.to ?? '' },
      issues,
    }),
    400,
  );
}

/** A period from the query, or the page that names what is wrong with it. */
function period(req: Req) {
  const p = parsePeriod(req.query);
  return p.ok
    ? { ok: true as const, period: p.value }
    : { ok: false as const, response: periodErrors(req, p.issues) };
}

export const handler = httpHandler('reports', {
  'GET /admin/dashboard': async (req) =>
    htmlResponse(
      dashboardPage({
        lang: req.lang,
        principal: signedIn(req),
        d: await dashboard(getDeps()),
        path: pagePath(req),
      }),
    ),

  'GET /admin/reports/esf': async (req) => {
    // The first visit shows the form alone.
    if (req.query.from === undefined && req.query.to === undefined)
      return htmlResponse(
        esfPage({
          lang: req.lang,
          principal: signedIn(req),
          path: pagePath(req),
          values: { from: '', to: '' },
          issues: [],
        }),
      );
    const p = period(req);
    if (!p.ok) return p.response;
    const report = await esfFigures(getDeps(), p.period);
    return htmlResponse(
      esfPage({
        lang: req.lang,
        principal: signedIn(req),
        path: pagePath(req),
        values: p.period,
        issues: [],
        report,
      }),
    );
  },

  'GET /admin/exports/placements.csv': async (req) => {
    const p = period(req);
    if (!p.ok) return p.response;
    const { rows } = await exportRows(getDeps(), (c) => placementInPeriod(c, p.period));
    return csvResponse(
      placementsCsv(req.lang, rows),
      csvFileName(req.lang === 'sv' ? 'placeringar' : 'placements', p.period),
    );
  },

  'GET /admin/exports/outcomes.csv': async (req) => {
    const p = period(req);
    if (!p.ok) return p.response;
    const { rows } = await exportRows(getDeps(), (c) => closingInPeriod(c, p.period));
    return csvResponse(
      outcomesCsv(req.lang, rows),
      csvFileName(req.lang === 'sv' ? 'utfall' : 'outcomes', p.period),
    );
  },

  'GET /admin/exports/esf.csv': async (req) => {
    const p = period(req);
    if (!p.ok) return p.response;
    const report = await esfFigures(getDeps(), p.period);
    return csvResponse(
      esfCsv(req.lang, report),
      csvFileName(req.lang === 'sv' ? 'esf-indikatorer' : 'esf-indicators', p.period),
    );
  },
});
