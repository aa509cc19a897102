import type { Principal } from '#core/auth';
import {
  daysInTraining,
  FLAGS,
  type PlacementFilter,
  type PlacementSort,
  type PlacementSummary,
  SORTS,
  TRAINING_BANDS,
} from '#core/placements';
import { CLOCK_NAMES, PHASE_NAMES } from '#core/process/declaration';
import type { FilterIssue, ListChoices } from '#core/use-cases/console';
import { html, type Raw, raw } from './html.ts';
import { type Lang, tDynamic } from './i18n.ts';
import { formatDateTime, page } from './layout.ts';

const L = tDynamic;
/** A text with `{name}` filled in. */
export const fill = (text: string, params: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_m, k: string) => String(params[k] ?? ''));

const option = (value: string, label: string, selected: boolean) =>
  html`<option value="${value}"${selected ? raw(' selected') : ''}>${label}</option>`;

function select(
  lang: Lang,
  name: string,
  label: string,
  current: string | undefined,
  options: { value: string; label: string }[],
  anyLabel = L(lang, 'any'),
) {
  return html`<div class="field"><label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}">${anyLabel ? option('', anyLabel, !current) : ''}${options.map((o) => option(o.value, o.label, o.value === current))}</select></div>`;
}

export function monthsAndDays(lang: Lang, days: number | undefined): string {
  if (days === undefined) return L(lang, 'notStarted');
  if (days < 60) return fill(L(lang, 'days'), { n: days });
  return fill(L(lang, 'months'), { n: Math.floor(days / 30.44) });
}

/** The query string of a filter and sort (what the form submits), for links. */
export function filterQuery(f: PlacementFilter, sort: PlacementSort, extra: Record<string, string> = {}) {
  const q = new URLSearchParams();
  if (f.status !== 'active') q.set('status', f.status);
  for (const k of ['unit', 'supervisor', 'organisation', 'phase', 'step', 'flag', 'training'] as const) {
    const v = f[k];
    if (v) q.set(k, v);
  }
  if (f.percent !== undefined) q.set('percent', String(f.percent));
  if (f.reference) q.set('q', f.reference);
  if (sort !== 'due') q.set('sort', sort);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function stuckText(lang: Lang, s: Pick<PlacementSummary, 'stuck'>) {
  return s.stuck.map((r) => L(lang, `stuck_${r}`)).join(', ');
}

export function placementRows(
  lang: Lang,
  rows: PlacementSummary[],
  units: ListChoices['units'],
  now: number,
): Raw {
  const unitName = (id: string) => units.find((u) => u.unitId === id)?.name ?? id;
  return html`${rows.map((r) => {
    const overdue = r.next && Date.parse(r.next.due) <= now;
    const next = r.next
      ? html`${L(lang, `clock_${r.next.clock}`)}<br><span class="muted">${formatDateTime(lang, r.next.due)}</span>${overdue ? html` <strong class="tag-overdue">⚠ ${L(lang, 'overdueTag')}</strong>` : ''}`
      : L(lang, 'none');
    return html`<tr data-case="${r.caseId}"${overdue ? raw(' class="overdue"') : ''}>
<td data-label="${L(lang, 'reference')}"><a href="/admin/placements/${r.caseId}">${r.reference}</a>${r.stuck.length ? html`<br><strong class="tag-stuck">✕ ${L(lang, 'stuckTag')}</strong> <span class="muted">${stuckText(lang, r)}</span>` : ''}</td>
<td data-label="${L(lang, 'unit')}">${unitName(r.unitId)}</td>
<td data-label="${L(lang, 'supervisor')}">${r.supervisor?.name ?? L(lang, 'none')}</td>
<td data-label="${L(lang, 'organisation')}">${r.organisationName}</td>
<td data-label="${L(lang, 'phase')}">${L(lang, `phase_${r.phase}`)}</td>
<td data-label="${L(lang, 'workingTime')}">${r.percent === undefined ? L(lang, 'none') : `${r.percent} %`}</td>
<td data-label="${L(lang, 'nextStepDue')}">${next}</td>
<td data-label="${L(lang, 'timeInTraining')}">${monthsAndDays(lang, daysInTraining(r, now))}</td>
</tr>`;
  })}`;
}

export function placementsPage(o: {
  lang: Lang;
  principal: Principal;
  rows: PlacementSummary[];
  next?: string;
  filter: PlacementFilter;
  sort: PlacementSort;
  issues: FilterIssue[];
  choices: ListChoices;
  pageNo: number;
  now: number;
  path: string;
}) {
  const { lang, filter: f, choices } = o;
  const fieldLabel: Record<string, string> = {
    status: L(lang, 'statusFilter'),
    unit: L(lang, 'unit'),
    supervisor: L(lang, 'supervisor'),
    organisation: L(lang, 'organisation'),
    phase: L(lang, 'phase'),
    step: L(lang, 'nextStep'),
    percent: L(lang, 'workingTime'),
    flag: L(lang, 'show'),
    training: L(lang, 'timeInTraining'),
    q: L(lang, 'searchReference'),
    sort: L(lang, 'sortBy'),
  };
  const issues = o.issues.length
    ? html`<div class="error-summary" role="alert"><h2>${L(lang, 'filterErrors')}</h2><ul>${o.issues.map(
        (i) =>
          html`<li><a href="#f-${i.field}">${fill(L(lang, 'filterUnknown'), { field: fieldLabel[i.field] ?? i.field })}</a></li>`,
      )}</ul></div>`
    : '';
  const form = html`<form method="get" action="/admin/placements" aria-labelledby="filters-h">
<h2 id="filters-h">${L(lang, 'filters')}</h2>
<div class="filters">
<div class="field"><label for="f-q">${L(lang, 'searchReference')}</label><input type="text" id="f-q" name="q" value="${f.reference ?? ''}" maxlength="20" autocomplete="off"></div>
${select(
  lang,
  'status',
  L(lang, 'statusFilter'),
  f.status,
  [
    { value: 'active', label: L(lang, 'status_active') },
    { value: 'closed', label: L(lang, 'status_closedList') },
  ],
  '',
)}
${select(
  lang,
  'unit',
  L(lang, 'unit'),
  f.unit,
  choices.units.map((u) => ({ value: u.unitId, label: u.name })),
)}
${select(
  lang,
  'supervisor',
  L(lang, 'supervisor'),
  f.supervisor,
  choices.supervisors.map((s) => ({ value: s.key, label: s.name })),
)}
${select(
  lang,
  'organisation',
  L(lang, 'organisation'),
  f.organisation,
  choices.organisations.map((x) => ({ value: x.organisationId, label: x.name })),
)}
${select(
  lang,
  'phase',
  L(lang, 'phase'),
  f.phase,
  PHASE_NAMES.map((p) => ({ value: p, label: L(lang, `phase_${p}`) })),
)}
${select(
  lang,
  'step',
  L(lang, 'nextStep'),
  f.step,
  CLOCK_NAMES.map((c) => ({ value: c, label: L(lang, `clock_${c}`) })),
)}
${select(
  lang,
  'percent',
  L(lang, 'workingTime'),
  f.percent === undefined ? undefined : String(f.percent),
  choices.percents.map((p) => ({ value: String(p), label: `${p} %` })),
)}
${select(
  lang,
  'flag',
  L(lang, 'show'),
  f.flag,
  FLAGS.map((x) => ({ value: x, label: L(lang, `flag_${x}`) })),
)}
${select(
  lang,
  'training',
  L(lang, 'trainingFilter'),
  f.training,
  Object.keys(TRAINING_BANDS).map((b) => ({ value: b, label: L(lang, `training_${b}`) })),
)}
${select(
  lang,
  'sort',
  L(lang, 'sortBy'),
  o.sort,
  SORTS.map((s) => ({ value: s, label: L(lang, `sort_${s}`) })),
  '',
)}
</div>
<div class="actions-row"><button type="submit">${L(lang, 'applyFilters')}</button><a href="/admin/placements">${L(lang, 'clearFilters')}</a></div>
</form>`;
  const table =
    o.rows.length === 0
      ? html`<p>${L(lang, 'noPlacements')}</p>`
      : html`<table class="cards"><caption class="skip">${L(lang, 'placementsTitle')}</caption>
<thead><tr><th scope="col">${L(lang, 'reference')}</th><th scope="col">${L(lang, 'unit')}</th><th scope="col">${L(lang, 'supervisor')}</th><th scope="col">${L(lang, 'organisation')}</th><th scope="col">${L(lang, 'phase')}</th><th scope="col">${L(lang, 'workingTime')}</th><th scope="col">${L(lang, 'nextStepDue')}</th><th scope="col">${L(lang, 'timeInTraining')}</th></tr></thead>
<tbody>${placementRows(lang, o.rows, choices.units, o.now)}</tbody></table>`;
  const paging = html`<nav class="actions-row" aria-label="${fill(L(lang, 'pageOf'), { n: o.pageNo })}"><span>${fill(L(lang, 'pageOf'), { n: o.pageNo })} · ${fill(L(lang, 'shownCount'), { n: o.rows.length })}</span>
${o.pageNo > 1 ? html`<a href="/admin/placements${filterQuery(f, o.sort)}">${L(lang, 'firstPage')}</a>` : ''}
${o.next ? html`<a rel="next" href="/admin/placements${filterQuery(f, o.sort, { next: o.next, page: String(o.pageNo + 1) })}">${L(lang, 'nextPage')}</a>` : ''}</nav>`;
  const body = html`<h1>${L(lang, 'placementsTitle')}</h1>
<p>${L(lang, 'placementsIntro')}</p>
${issues}${form}
<div data-live="placements"><p class="muted"><span data-updated>${fill(L(lang, 'updatedAt'), { time: formatDateTime(lang, o.now) })}</span> · <a href="${o.path}">${L(lang, 'refresh')}</a></p>
${table}
${paging}</div>
<script src="/assets/live.js" defer></script>`;
  return page({ lang, title: L(lang, 'placementsTitle'), principal: o.principal, path: o.path, body });
}
