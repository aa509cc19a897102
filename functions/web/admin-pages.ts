import type { Principal } from '#core/auth';
import type { RunEvent, RunStatus } from '#core/ports';
import type { RunRow } from '#core/use-cases/runs';
import { html } from './html.ts';
import { type Lang, t, tDynamic } from './i18n.ts';
import { formatDateTime, page } from './layout.ts';

const STATUSES: RunStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

const statusLabel = (lang: Lang, s: string) => tDynamic(lang, `run_${s}`);
/** A state in words, with the ASL state name beside it for whoever reads the definition. */
const stepLabel = (lang: Lang, step: string | undefined) =>
  step ? html`${tDynamic(lang, `state_${step}`)} <code>${step}</code>` : '–';

export function runsPage(o: {
  lang: Lang;
  principal: Principal;
  runs: RunRow[];
  status?: string;
  nextToken?: string;
}) {
  const { lang } = o;
  const body = html`<h1>${t(lang, 'runsTitle')}</h1>
<form method="get" action="/admin/runs">
<label for="status">${t(lang, 'status')}</label>
<select id="status" name="status"><option value="">${t(lang, 'allStatuses')}</option>
${STATUSES.map((s) => html`<option value="${s}"${s === o.status ? html` selected` : ''}>${statusLabel(lang, s)}</option>`)}
</select>
<button type="submit">${t(lang, 'filter')}</button>
</form>
${
  o.runs.length === 0
    ? html`<p>${t(lang, 'noRuns')}</p>`
    : html`<table>
<thead><tr><th scope="col">${t(lang, 'reference')}</th><th scope="col">${t(lang, 'status')}</th><th scope="col">${t(lang, 'currentStep')}</th><th scope="col">${t(lang, 'started')}</th></tr></thead>
<tbody>${o.runs.map(
        (r) =>
          html`<tr><td><a href="/admin/runs/${r.name}">${r.caseReference ?? r.name}</a></td><td class="status">${statusLabel(lang, r.status)}</td><td>${stepLabel(
            lang,
            r.currentStep,
          )}</td><td>${formatDateTime(lang, r.startDate)}</td></tr>`,
      )}</tbody></table>`
}
${
  o.nextToken
    ? html`<p><a href="/admin/runs?${new URLSearchParams({ ...(o.status ? { status: o.status } : {}), next: o.nextToken }).toString()}">${t(
        lang,
        'nextPage',
      )}</a></p>`
    : ''
}`;
  const path = `/admin/runs${o.status ? `?status=${o.status}` : ''}`;
  return page({ lang, title: t(lang, 'runsTitle'), principal: o.principal, path, body });
}

export function runDetailPage(o: {
  lang: Lang;
  principal: Principal;
  run: RunRow & { error?: string; cause?: string };
  events: RunEvent[];
}) {
  const { lang, run } = o;
  const body = html`<h1>${t(lang, 'run')} ${run.caseReference ?? run.name}</h1>
<dl>
<dt>${t(lang, 'run')}</dt><dd>${run.name}</dd>
<dt>${t(lang, 'status')}</dt><dd class="status">${statusLabel(lang, run.status)}</dd>
<dt>${t(lang, 'currentStep')}</dt><dd>${stepLabel(lang, run.currentStep)}</dd>
<dt>${t(lang, 'started')}</dt><dd>${formatDateTime(lang, run.startDate)}</dd>
${run.stopDate ? html`<dt>${t(lang, 'stopped')}</dt><dd>${formatDateTime(lang, run.stopDate)}</dd>` : ''}
${run.error ? html`<dt>${t(lang, 'errorDetail')}</dt><dd>${run.error}${run.cause ? `: ${run.cause}` : ''}</dd>` : ''}
${run.caseId ? html`<dt>${t(lang, 'reference')}</dt><dd><a href="/cases/${run.caseId}">${run.caseReference ?? run.caseId}</a></dd>` : ''}
</dl>
<h2>${t(lang, 'history')}</h2>
<table>
<thead><tr><th scope="col">#</th><th scope="col">${t(lang, 'time')}</th><th scope="col">${t(lang, 'event')}</th><th scope="col">${t(lang, 'state')}</th><th scope="col">${t(lang, 'errorDetail')}</th></tr></thead>
<tbody>${o.events.map(
    (e) =>
      html`<tr><td>${e.id}</td><td>${formatDateTime(lang, e.timestamp)}</td><td>${e.type}</td><td>${e.name ?? ''}</td><td>${e.error ?? ''}</td></tr>`,
  )}</tbody></table>`;
  return page({
    lang,
    title: `${t(lang, 'run')} ${run.caseReference ?? run.name}`,
    principal: o.principal,
    path: `/admin/runs/${run.name}`,
    body,
  });
}
