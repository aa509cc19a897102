import type { Principal } from '#core/auth';
import type { FieldIssue } from '#core/errors';
import { daysInTraining } from '#core/placements';
import type { AuditEvent } from '#core/ports';
import type { Unit } from '#core/units';
import { type AdminAction, NEEDS_REASON, resendableMeetings } from '#core/use-cases/admin-actions';
import type { Actor, PlacementStory, TimelineItem } from '#core/use-cases/placement-story';
import { fill, monthsAndDays } from './console-pages.ts';
import { html, type Raw, raw } from './html.ts';
import { type Lang, tDynamic } from './i18n.ts';
import { errorSummary, errorTitle, formatDateTime, page, selectField, textArea } from './layout.ts';
import { type Asl, GRAPH_CSS, workflowGraphSvg } from './workflow-graph.ts';

const L = tDynamic;

const PAGE_CSS = `${GRAPH_CSS}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 16px}.facts dt{font-weight:600}.facts dd{margin:0}
.stuck-box{border-left:6px solid #7a0010;background:#fff4f4;padding:8px 16px;margin:0 0 16px}
.actions-list{list-style:none;padding:0;margin:0 0 16px}.actions-list li{margin:0 0 8px}
.timeline td,.timeline th{vertical-align:top}
.notice{border-left:6px solid #1d6b2f;background:#f1f8f2;padding:8px 16px;margin:0 0 16px}`;

/** A code's words with its params filled, each param itself a code worded where it has words. */
function itemText(lang: Lang, what: string, params: Record<string, string | number> = {}): string {
  const words: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'number' || v === '') words[k] = v;
    else if (k === 'kind') words[k] = wordOf(lang, ['meeting_', 'activity_', 'result_', 'early_'], v);
    else if (k === 'state') words[k] = wordOf(lang, ['state_'], v);
    else if (k === 'clock') words[k] = wordOf(lang, ['clock_'], v);
    else words[k] = v;
  }
  return fill(L(lang, what), words);
}
function wordOf(lang: Lang, prefixes: string[], code: string): string {
  for (const p of prefixes) {
    const w = L(lang, `${p}${code}`);
    if (w !== `${p}${code}`) return w;
  }
  return code;
}
const actorText = (lang: Lang, by: Actor) => (by === 'platform' ? L(lang, 'platform') : by.name);

function timelineTable(lang: Lang, items: readonly TimelineItem[]): Raw {
  return html`<table class="cards timeline"><caption class="skip">${L(lang, 'timelineHeading')}</caption>
<thead><tr><th scope="col">${L(lang, 'when')}</th><th scope="col">${L(lang, 'what')}</th><th scope="col">${L(lang, 'who')}</th></tr></thead>
<tbody>${items.map(
    (i) =>
      html`<tr><td data-label="${L(lang, 'when')}">${formatDateTime(lang, i.at)}</td><td data-label="${L(lang, 'what')}">${itemText(lang, i.what, i.params)}${
        i.params?.outcome === 'refused'
          ? fill(L(lang, 'refusedSuffix'), { why: L(lang, `refused_${i.params.refusal ?? 'failed'}`) })
          : ''
      }</td><td data-label="${L(lang, 'who')}">${actorText(lang, i.by)}</td></tr>`,
  )}</tbody></table>`;
}

/** What an audit event is about: a placement (linked), a unit (linked), an account. */
function concerns(lang: Lang, e: AuditEvent): Raw | string {
  if (e.caseId) return html`<a href="/admin/placements/${e.caseId}">${e.reference ?? e.caseId}</a>`;
  const unit = /^unit:(.+)$/.exec(e.target ?? '')?.[1];
  if (unit) return html`<a href="/admin/units/${unit}">${fill(L(lang, 'targetUnit'), { id: unit })}</a>`;
  return e.target?.startsWith('staff:') ? L(lang, 'targetStaff') : '–';
}

export function auditTable(lang: Lang, events: readonly AuditEvent[], withCase: boolean): Raw {
  if (!events.length) return html`<p>${L(lang, 'auditEmpty')}</p>`;
  return html`<table class="cards"><caption class="skip">${L(lang, 'auditHeading')}</caption>
<thead><tr><th scope="col">${L(lang, 'when')}</th><th scope="col">${L(lang, 'who')}</th>${withCase ? html`<th scope="col">${L(lang, 'concerns')}</th>` : ''}<th scope="col">${L(lang, 'what')}</th><th scope="col">${L(lang, 'why')}</th><th scope="col">${L(lang, 'result')}</th></tr></thead>
<tbody>${events.map(
    (e) =>
      html`<tr><td data-label="${L(lang, 'when')}">${formatDateTime(lang, e.at)}</td><td data-label="${L(lang, 'who')}">${e.by.name}</td>${
        withCase ? html`<td data-label="${L(lang, 'concerns')}">${concerns(lang, e)}</td>` : ''
      }<td data-label="${L(lang, 'what')}">${L(lang, `action_${e.action}`)}${e.detail && e.action === 'resendInvitation' ? html` (${wordOf(lang, ['meeting_'], e.detail)})` : ''}${
        e.detail && e.action === 'privacy.read'
          ? html` (${e.detail
              .split(',')
              .map((k) => L(lang, `readKind_${k}`))
              .join(', ')})`
          : ''
      }</td><td data-label="${L(lang, 'why')}">${e.reason ?? '–'}</td><td data-label="${L(lang, 'result')}">${L(lang, `outcome_${e.outcome}`)}${
        e.refusal ? html`: ${L(lang, `refused_${e.refusal}`)}` : ''
      }</td></tr>`,
  )}</tbody></table>`;
}

function runStatusText(lang: Lang, status: string, last: boolean) {
  return L(lang, status === 'SUCCEEDED' && last ? 'runStatus_SUCCEEDED_last' : `runStatus_${status}`);
}

export function placementPage(o: {
  lang: Lang;
  principal: Principal;
  story: PlacementStory;
  units: Unit[];
  asl: Asl;
  now: number;
  path: string;
  notice?: { kind: 'done' | 'already'; action: AdminAction };
}): Raw {
  const { lang, story } = o;
  const c = story.case;
  const s = story.summary;
  const unit = o.units.find((u) => u.unitId === c.unitId);
  const ref = c.reference;
  const overdue = s.next && Date.parse(s.next.due) <= o.now;
  const version = c.execution.workflowVersion;
  const versionText = !version
    ? L(lang, 'versionUnknown')
    : !story.currentVersion || version === story.currentVersion
      ? fill(L(lang, 'versionCurrent'), { v: version })
      : fill(L(lang, 'versionOld'), { v: version, current: story.currentVersion });
  const facts = html`<dl class="facts">
<dt>${L(lang, 'phase')}</dt><dd>${L(lang, `phase_${c.phase}`)}</dd>
<dt>${L(lang, 'unit')}</dt><dd>${unit?.name ?? c.unitId}</dd>
<dt>${L(lang, 'supervisor')}</dt><dd>${c.supervisor?.name ?? L(lang, 'none')}</dd>
<dt>${L(lang, 'organisation')}</dt><dd>${c.caseOfficer.organisationName}</dd>
<dt>${L(lang, 'workingTime')}</dt><dd>${c.workingTime ? `${c.workingTime.percent} %` : L(lang, 'none')}</dd>
<dt>${L(lang, 'nextStepDue')}</dt><dd>${
    s.next
      ? html`${L(lang, `clock_${s.next.clock}`)}, ${formatDateTime(lang, s.next.due)}${overdue ? html` <strong class="tag-overdue">⚠ ${L(lang, 'overdueTag')}</strong>` : ''}`
      : L(lang, 'none')
  }</dd>
<dt>${L(lang, 'timeInTraining')}</dt><dd>${monthsAndDays(lang, daysInTraining(s, o.now))}</dd>
<dt>${L(lang, 'workflowVersion')}</dt><dd>${versionText}</dd>
</dl>`;
  const stuck = story.stuck.length
    ? html`<div class="stuck-box"><h2>✕ ${L(lang, 'stuckHeading')}</h2><ul>${story.stuck.map((r) => html`<li>${L(lang, `stuck_${r}`)}</li>`)}</ul></div>`
    : html`<p>${L(lang, 'notStuck')}</p>`;
  const actions = html`<h2 id="actions-h">${L(lang, 'actionsHeading')}</h2><p>${L(lang, 'actionsIntro')}</p>
<ul class="actions-list" aria-labelledby="actions-h">${story.actions.map((a) =>
    !a.allowed
      ? html`<li>${L(lang, `action_${a.action}`)} <span class="muted">(${L(lang, 'adminOnly')})</span></li>`
      : a.unavailable
        ? html`<li>${L(lang, `action_${a.action}`)} <span class="muted">(${fill(L(lang, 'notAvailable'), { why: L(lang, `refused_${a.unavailable}`) })})</span></li>`
        : html`<li><a href="/admin/placements/${c.caseId}/actions/${a.action}">${L(lang, `action_${a.action}`)}</a></li>`,
  )}</ul>`;
  const graph = workflowGraphSvg(o.asl, story.marks, {
    label: (state) => L(lang, `state_${state}`),
    title: fill(L(lang, 'graphTitle'), { ref }),
    legend: {
      current: L(lang, 'legendCurrent'),
      visited: L(lang, 'legendVisited'),
      failed: L(lang, 'legendFailed'),
      notVisited: L(lang, 'legendNotVisited'),
    },
  });
  const runs = html`<h3>${L(lang, 'runsHeading')}</h3><ul>${story.runs.map(
    (r, i) =>
      html`<li>${fill(L(lang, 'runSegment'), { n: r.segment })}: ${runStatusText(lang, r.status, i === story.runs.length - 1)}${
        r.startDate ? html`, ${formatDateTime(lang, r.startDate)}` : ''
      }${r.stopDate ? html` – ${formatDateTime(lang, r.stopDate)}` : ''}</li>`,
  )}</ul>`;
  const notice = o.notice
    ? html`<div class="notice" role="status"><p>${fill(
        L(lang, o.notice.kind === 'done' ? 'done_action' : 'already_action'),
        {
          what: L(lang, `action_${o.notice.action}`),
        },
      )}</p></div>`
    : '';
  const body = html`<style>${raw(PAGE_CSS)}</style>
<p><a href="/admin/placements">${L(lang, 'backToList')}</a> · <a href="/cases/${c.caseId}">${L(lang, 'openCase')}</a></p>
<h1>${fill(L(lang, 'placementTitle'), { ref })}</h1>
${notice}
<div data-live="placement">
<p class="muted">${fill(L(lang, 'updatedAt'), { time: formatDateTime(lang, o.now) })} · <a href="${o.path}">${L(lang, 'refresh')}</a></p>
<h2>${L(lang, 'facts')}</h2>
${facts}
${stuck}
${actions}
<h2>${L(lang, 'workflowHeading')}</h2>
<p>${L(lang, 'workflowIntro')}</p>
<div class="wf-graph" tabindex="0" role="region" aria-label="${fill(L(lang, 'graphTitle'), { ref })}">${graph}</div>
${runs}
<h2>${L(lang, 'timelineHeading')}</h2>
<p>${L(lang, 'timelineIntro')}</p>
${timelineTable(lang, story.timeline)}
<h2>${L(lang, 'auditHeading')}</h2>
${auditTable(lang, story.audit, false)}
</div>
<script src="/assets/live.js" defer></script>`;
  return page({
    lang,
    title: fill(L(lang, 'placementTitle'), { ref }),
    principal: o.principal,
    path: o.path,
    body,
  });
}

export function actionConfirmPage(o: {
  lang: Lang;
  principal: Principal;
  story: PlacementStory;
  action: AdminAction;
  formId: string;
  issues: readonly FieldIssue[];
  values: { reason?: string; meetingId?: string };
  now: number;
  path: string;
}): Raw {
  const { lang, story, action } = o;
  const c = story.case;
  const what = L(lang, `action_${action}`);
  const title = fill(L(lang, 'confirmTitle'), { what, ref: c.reference });
  const fields: Raw[] = [];
  if (action === 'resendInvitation')
    fields.push(
      selectField({
        lang,
        name: 'meetingId',
        label: L(lang, 'field_meetingId'),
        value: o.values.meetingId,
        required: true,
        issues: o.issues,
        placeholder: L(lang, 'choose'),
        options: resendableMeetings(c, o.now).map((m) => ({
          value: m.meetingId,
          label: `${wordOf(lang, ['meeting_'], m.kind)}, ${formatDateTime(lang, m.start)}`,
        })),
      }),
    );
  fields.push(
    textArea({
      lang,
      name: 'reason',
      label: L(lang, 'field_reason'),
      hint: L(lang, 'hint_reason'),
      value: o.values.reason,
      required: NEEDS_REASON.includes(action),
      issues: o.issues,
    }),
  );
  const body = html`<p><a href="/admin/placements/${c.caseId}">${fill(L(lang, 'placementTitle'), { ref: c.reference })}</a></p>
<h1>${title}</h1>
${errorSummary(lang, o.issues)}
<p>${L(lang, `explain_${action}`)}</p>
<form method="post" action="/admin/placements/${c.caseId}/actions/${action}" novalidate>
<input type="hidden" name="formId" value="${o.formId}">
${fields}
<div class="actions-row"><button type="submit">${L(lang, 'confirm')}</button> <a href="/admin/placements/${c.caseId}">${L(lang, 'cancel')}</a></div>
</form>`;
  return page({ lang, title: errorTitle(lang, o.issues, title), principal: o.principal, path: o.path, body });
}

export function actionRefusedPage(o: {
  lang: Lang;
  principal: Principal;
  caseId: string;
  reference: string;
  action: AdminAction;
  code: string;
  path: string;
}): Raw {
  const { lang } = o;
  const body = html`<h1>${L(lang, 'refusedTitle')}</h1>
<p>${fill(L(lang, 'refusedText'), { what: L(lang, `action_${o.action}`), why: L(lang, `refused_${o.code}`) })}</p>
<p><a href="/admin/placements/${o.caseId}">${fill(L(lang, 'placementTitle'), { ref: o.reference })}</a></p>`;
  return page({ lang, title: L(lang, 'refusedTitle'), principal: o.principal, path: o.path, body });
}

export function auditPage(o: {
  lang: Lang;
  principal: Principal;
  events: AuditEvent[];
  next?: string;
  path: string;
}): Raw {
  const { lang } = o;
  const body = html`<h1>${L(lang, 'auditHeading')}</h1>
<p>${L(lang, 'auditIntro')}</p>
${auditTable(lang, o.events, true)}
${o.next ? html`<p><a rel="next" href="/admin/audit?next=${encodeURIComponent(o.next)}">${L(lang, 'nextPage')}</a></p>` : ''}`;
  return page({ lang, title: L(lang, 'auditHeading'), principal: o.principal, path: o.path, body });
}
