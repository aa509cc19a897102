import type { Principal } from '#core/auth';
import { GENDERS } from '#core/case';
import type { FieldIssue } from '#core/errors';
import {
  type Dashboard,
  ESF_GENDERS,
  type EsfReport,
  GROUP_KEYS,
  type Period,
  type Row,
  type Split,
  share,
  suppressed,
} from '#core/reports';
import { TARGET_GROUPS } from '#core/target-groups';
import { html, type Raw, raw } from './html.ts';
import type { Lang } from './i18n.ts';
import { page } from './layout.ts';
import { fillText, reportText } from './report-texts.ts';

const R = reportText;

/** Small additions to the layout's styles for figures: chart and table side by side when wide. */
const FIGURE_CSS = `
.fig{display:grid;grid-template-columns:minmax(0,1fr);gap:16px;margin:0 0 28px;background:#fff;border:1px solid #d0d0cc;border-radius:6px;padding:12px}
.fig svg{width:100%;max-width:22rem;height:auto;display:block}
.fig .table-wrap{overflow-x:auto;min-width:0}
.fig caption{text-align:left;font-weight:700;padding:4px 0}
.fig td.num,.fig th.num{text-align:right}
.hint-block{color:#4a4a48;margin:0 0 8px}
.report-links{display:flex;flex-wrap:wrap;gap:8px 20px;padding:0;list-style:none}
.period{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:end}
.period .field{margin:0}
@media (min-width:1100px){main{max-width:1200px}}
@media (max-width:600px){.fig td.num,.fig th.num{text-align:left}.fig caption{display:block}}
`;

export const genderLabel = (lang: Lang, g: string) => R(lang, `gender_${g}`);
export const groupLabel = (lang: Lang, g: string) => R(lang, `tg_${g}`);

/** A horizontal bar chart with each bar's label and count written out (never colour alone). */
function barChart(
  lang: Lang,
  id: string,
  title: string,
  items: { label: string; value: number; shown?: string }[],
): Raw {
  const max = Math.max(1, ...items.map((i) => i.value));
  const rowH = 34;
  const height = Math.max(rowH, items.length * rowH);
  return html`<svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 260 ${height}" preserveAspectRatio="xMinYMin meet" focusable="false">
<title id="${id}-t">${fillText(R(lang, 'chartOf'), { title })}</title>
<desc id="${id}-d">${R(lang, 'chartDesc')} ${items.map((i) => `${i.label}: ${i.shown ?? i.value}`).join('; ')}</desc>
${items.map((it, n) => {
  const y = n * rowH;
  // The label above its bar; the count written right after the bar.
  const w = it.value === 0 ? 0 : Math.max(2, Math.round((200 * it.value) / max));
  return html`<text x="0" y="${y + 12}" font-size="11" fill="#1b1b1b">${it.label}</text>
<rect x="0" y="${y + 16}" width="${w}" height="12" fill="#1d6b3a" stroke="#1b1b1b" stroke-width="0.5"></rect>
<text x="${w + 4}" y="${y + 26}" font-size="11" fill="#1b1b1b">${it.shown ?? it.value}</text>`;
})}
</svg>`;
}

/** The split columns: total, each gender, each target group. */
function splitHead(lang: Lang, first: string): Raw {
  return html`<thead><tr><th scope="col">${first}</th><th scope="col" class="num">${R(lang, 'total')}</th>${GENDERS.map(
    (g) => html`<th scope="col" class="num">${genderLabel(lang, g)}</th>`,
  )}${GROUP_KEYS.map((g) => html`<th scope="col" class="num">${groupLabel(lang, g)}</th>`)}</tr></thead>`;
}

function splitCells(
  lang: Lang,
  s: Split,
  cell: (n: number, whole: number) => string = (n) => String(n),
  whole?: Split,
): Raw {
  return html`<td class="num" data-label="${R(lang, 'total')}">${cell(s.total, whole?.total ?? 0)}</td>${GENDERS.map(
    (g) =>
      html`<td class="num" data-label="${genderLabel(lang, g)}">${cell(s.gender[g], whole?.gender[g] ?? 0)}</td>`,
  )}${GROUP_KEYS.map(
    (g) =>
      html`<td class="num" data-label="${groupLabel(lang, g)}">${cell(s.group[g], whole?.group[g] ?? 0)}</td>`,
  )}`;
}

function splitTable(
  lang: Lang,
  caption: string,
  first: string,
  items: { label: string; split: Split }[],
): Raw {
  return html`<div class="table-wrap"><table class="cards"><caption>${caption}</caption>${splitHead(lang, first)}<tbody>${items.map(
    (it) => html`<tr><th scope="row">${it.label}</th>${splitCells(lang, it.split)}</tr>`,
  )}</tbody></table></div>`;
}

/** One figure: a chart of the totals and its table with every split. */
function figure(
  lang: Lang,
  id: string,
  title: string,
  items: { label: string; split: Split }[],
  hint?: string,
  empty?: string,
): Raw {
  return html`<section aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>
${hint ? html`<p class="hint-block">${hint}</p>` : ''}
${
  items.length === 0
    ? html`<p>${empty ?? R(lang, 'noneYet')}</p>`
    : html`<div class="fig">${barChart(
        lang,
        id,
        title,
        items.map((i) => ({ label: i.label, value: i.split.total })),
      )}${splitTable(lang, title, R(lang, 'category'), items)}</div>`
}
</section>`;
}

const labelled = <K extends string>(rows: Row<K>[], label: (k: K) => string, keepEmpty = false) =>
  rows.filter((r) => keepEmpty || r.split.total > 0).map((r) => ({ label: label(r.key), split: r.split }));

export function dashboardPage(o: { lang: Lang; principal: Principal; d: Dashboard; path: string }): Raw {
  const { lang, d } = o;
  const isAdmin = o.principal.groups.includes('admin');
  const unitCapacity = html`<section aria-labelledby="units-h"><h2 id="units-h">${R(lang, 'unitsTitle')}</h2>
<div class="fig">${barChart(
    lang,
    'units',
    R(lang, 'unitsTitle'),
    d.units.map((u) => ({
      label: fillText(R(lang, 'unitPlaces'), { name: u.name, places: u.places }),
      value: u.used.total,
      shown: fillText(R(lang, 'usedCount'), { n: u.used.total }),
    })),
  )}
<div class="table-wrap"><table class="cards"><caption>${R(lang, 'unitsTitle')}</caption>
<thead><tr><th scope="col">${R(lang, 'col_unit')}</th><th scope="col" class="num">${R(lang, 'places')}</th><th scope="col" class="num">${R(lang, 'used')}</th><th scope="col" class="num">${R(lang, 'free')}</th><th scope="col" class="num">${R(lang, 'queue')}</th></tr></thead>
<tbody>${d.units.map(
    (u) =>
      html`<tr><th scope="row">${u.name}</th><td class="num" data-label="${R(lang, 'places')}">${u.places}</td><td class="num" data-label="${R(lang, 'used')}">${u.used.total}</td><td class="num" data-label="${R(lang, 'free')}">${u.free}</td><td class="num" data-label="${R(lang, 'queue')}">${u.queue.total}</td></tr>`,
  )}</tbody></table></div></div>
<div class="fig">${splitTable(
    lang,
    R(lang, 'usedByWho'),
    R(lang, 'col_unit'),
    d.units.map((u) => ({ label: u.name, split: u.used })),
  )}${splitTable(
    lang,
    R(lang, 'queueByWho'),
    R(lang, 'col_unit'),
    d.units.map((u) => ({ label: u.name, split: u.queue })),
  )}</div></section>`;
  const pct = (n: number, whole: number) => {
    const p = share(n, whole);
    return p === undefined ? String(n) : fillText(R(lang, 'shareOf'), { n, p });
  };
  const either: Split = {
    total: d.movedOn.work.total + d.movedOn.studies.total,
    gender: Object.fromEntries(
      GENDERS.map((g) => [g, d.movedOn.work.gender[g] + d.movedOn.studies.gender[g]]),
    ) as Split['gender'],
    group: Object.fromEntries(
      GROUP_KEYS.map((g) => [g, d.movedOn.work.group[g] + d.movedOn.studies.group[g]]),
    ) as Split['group'],
  };
  const movedOn = html`<section aria-labelledby="movedon-h"><h2 id="movedon-h">${R(lang, 'movedOnTitle')}</h2>
${
  d.movedOn.closings.total === 0
    ? html`<p>${R(lang, 'noneYet')}</p>`
    : html`<div class="fig">${barChart(lang, 'movedon', R(lang, 'movedOnTitle'), [
        {
          label: R(lang, 'movedOn_work'),
          value: d.movedOn.work.total,
          shown: pct(d.movedOn.work.total, d.movedOn.closings.total),
        },
        {
          label: R(lang, 'movedOn_studies'),
          value: d.movedOn.studies.total,
          shown: pct(d.movedOn.studies.total, d.movedOn.closings.total),
        },
        { label: R(lang, 'movedOn_closings'), value: d.movedOn.closings.total },
      ])}
<div class="table-wrap"><table class="cards"><caption>${R(lang, 'movedOnTitle')}</caption>${splitHead(lang, R(lang, 'category'))}<tbody>
<tr><th scope="row">${R(lang, 'movedOn_work')}</th>${splitCells(lang, d.movedOn.work, pct, d.movedOn.closings)}</tr>
<tr><th scope="row">${R(lang, 'movedOn_studies')}</th>${splitCells(lang, d.movedOn.studies, pct, d.movedOn.closings)}</tr>
<tr><th scope="row">${R(lang, 'movedOn_either')}</th>${splitCells(lang, either, pct, d.movedOn.closings)}</tr>
<tr><th scope="row">${R(lang, 'movedOn_closings')}</th>${splitCells(lang, d.movedOn.closings)}</tr>
</tbody></table></div></div>`
}</section>`;
  const body = html`<style>${raw(FIGURE_CSS)}</style>
<h1>${R(lang, 'dashboardTitle')}</h1>
<p>${R(lang, 'dashboardIntro')}</p>
${
  isAdmin
    ? html`<nav aria-label="${R(lang, 'reportLinks')}"><ul class="report-links"><li><a href="/admin/reports/esf">${R(lang, 'navEsf')}</a></li></ul></nav>`
    : ''
}
${unitCapacity}
${figure(
  lang,
  'phases',
  R(lang, 'phasesTitle'),
  labelled(d.phases, (k) => R(lang, `phase_${k}`)),
)}
${figure(
  lang,
  'overdue',
  R(lang, 'overdueTitle'),
  labelled(d.overdue, (k) => R(lang, `clock_${k}`)),
  undefined,
  R(lang, 'noOverdue'),
)}
${figure(
  lang,
  'training',
  R(lang, 'trainingTitle'),
  labelled(d.training, (k) => R(lang, `training_${k}`), true),
  R(lang, 'trainingHint'),
)}
${figure(
  lang,
  'percent',
  R(lang, 'workingTimeTitle'),
  labelled(d.workingTime, (k) => fillText(R(lang, 'percentRow'), { n: k })),
  R(lang, 'workingTimeHint'),
)}
${figure(
  lang,
  'increases',
  R(lang, 'increasesTitle'),
  [
    ...labelled(d.increases, (k) => R(lang, `increases_${k}`), true),
    { label: R(lang, 'increasesMade'), split: d.increasesMade },
  ],
  R(lang, 'increasesHint'),
)}
${figure(
  lang,
  'outcomes',
  R(lang, 'outcomesTitle'),
  labelled(d.outcomes, (k) => R(lang, `result_${k}`)),
)}
${movedOn}`;
  return page({ lang, title: R(lang, 'dashboardTitle'), principal: o.principal, path: o.path, body });
}

// ---- ESF+ ---------------------------------------------------------------------------------------

const issueOf = (issues: readonly FieldIssue[], field: string) => issues.find((i) => i.field === field);
const issueWords = (lang: Lang, i: FieldIssue) => R(lang, `issue_${i.field}.${i.code}`);

function dateField(lang: Lang, name: 'from' | 'to', value: string, issues: readonly FieldIssue[]): Raw {
  const err = issueOf(issues, name);
  const described = [`${name}-hint`, err ? `${name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${err ? ' has-error' : ''}"><label for="${name}">${R(lang, name)}</label>
<p class="hint" id="${name}-hint">${R(lang, 'dateHint')}</p>
${err ? html`<p class="error-text" id="${name}-error">${issueWords(lang, err)}</p>` : ''}
<input type="date" id="${name}" name="${name}" value="${value}" required${err ? raw(' aria-invalid="true"') : ''} aria-describedby="${described}"></div>`;
}

function esfTable(lang: Lang, caption: string, rows: Row[]): Raw {
  return html`<div class="table-wrap"><table class="cards"><caption>${caption}</caption>
<thead><tr><th scope="col">${R(lang, 'indicator')}</th><th scope="col" class="num">${R(lang, 'total')}</th><th scope="col" class="num">${R(lang, 'women')}</th><th scope="col" class="num">${R(lang, 'men')}</th><th scope="col" class="num">${R(lang, 'nonBinary')}</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr><th scope="row">${esfLabel(lang, r.key)}</th><td class="num" data-label="${R(lang, 'total')}">${suppressed(r.split.total)}</td>${ESF_GENDERS.map(
        (g) =>
          html`<td class="num" data-label="${R(lang, g === 'woman' ? 'women' : g === 'man' ? 'men' : 'nonBinary')}">${suppressed(r.split.gender[g])}</td>`,
      )}</tr>`,
  )}</tbody></table></div>`;
}

/** An indicator's words: a target group by its own name, the rest from the ESF+ texts. */
export const esfLabel = (lang: Lang, key: string) =>
  (TARGET_GROUPS as readonly string[]).includes(key) ? groupLabel(lang, key) : R(lang, `esf_${key}`);

export const periodQuery = (p: Period) =>
  `?from=${encodeURIComponent(p.from)}&to=${encodeURIComponent(p.to)}`;

export function esfPage(o: {
  lang: Lang;
  principal: Principal;
  path: string;
  values: { from: string; to: string };
  issues: readonly FieldIssue[];
  report?: EsfReport;
}): Raw {
  const { lang, issues, report } = o;
  const summary = issues.length
    ? html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>${R(lang, 'errorSummary')}</h2>
<ul>${issues.map((i) => html`<li><a href="#${i.field}">${issueWords(lang, i)}</a></li>`)}</ul></div>`
    : '';
  const form = html`<form method="get" action="/admin/reports/esf" novalidate><fieldset><legend>${R(lang, 'periodLegend')}</legend>
<div class="period">${dateField(lang, 'from', o.values.from, issues)}${dateField(lang, 'to', o.values.to, issues)}
<button type="submit">${R(lang, 'showReport')}</button></div></fieldset></form>`;
  const figures = report
    ? html`<p class="status">${fillText(R(lang, 'periodShown'), { ...report.period })}</p>
<section aria-labelledby="entry-h"><h2 id="entry-h">${R(lang, 'entryTitle')}</h2><p class="hint-block">${R(lang, 'entryHint')} ${R(lang, 'esfGenderNote')}</p>
<div class="fig">${esfTable(lang, R(lang, 'entryTitle'), report.entry)}</div></section>
<section aria-labelledby="leaving-h"><h2 id="leaving-h">${R(lang, 'leavingTitle')}</h2><p class="hint-block">${R(lang, 'leavingHint')}</p>
<div class="fig">${esfTable(lang, R(lang, 'leavingTitle'), report.leaving)}</div></section>
<section aria-labelledby="six-h"><h2 id="six-h">${R(lang, 'sixMonthsTitle')}</h2><p class="hint-block">${R(lang, 'sixMonthsHint')}</p>
<div class="fig">${esfTable(lang, R(lang, 'sixMonthsTitle'), report.sixMonths)}</div></section>
<section aria-labelledby="mapping-h"><h2 id="mapping-h">${R(lang, 'mappingTitle')}</h2><ul>
${['inEmployment', 'inEducationOrTraining', 'jobSearching', 'gainingQualification', 'none'].map((k) => html`<li>${R(lang, `mapping_${k}`)}</li>`)}
</ul></section>
<section aria-labelledby="exports-h"><h2 id="exports-h">${R(lang, 'exportsTitle')}</h2><p class="hint-block">${R(lang, 'exportsHint')}</p>
<ul class="report-links">${(['placements', 'outcomes', 'esf'] as const).map(
        (k) =>
          html`<li><a href="/admin/exports/${k}.csv${periodQuery(report.period)}" download>${R(lang, `export_${k}`)} (CSV)</a></li>`,
      )}</ul></section>`
    : '';
  const title = R(lang, 'esfTitle');
  return page({
    lang,
    title: issues.length ? `${lang === 'sv' ? 'Fel' : 'Error'}: ${title}` : title,
    principal: o.principal,
    path: o.path,
    body: html`<style>${raw(FIGURE_CSS)}</style><h1>${title}</h1><p>${R(lang, 'esfIntro')}</p>${summary}${form}${figures}`,
  });
}
