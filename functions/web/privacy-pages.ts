import type { Principal } from '#core/auth';
import { type CaseRecord, TALK_POINTS } from '#core/case';
import type { FieldIssue } from '#core/errors';
import { formatIdentityNumber } from '#core/personnummer';
import { RETENTION_RULES, type RetentionRule } from '#core/retention';
import type { Unit } from '#core/units';
import type { RegisterExtract } from '#core/use-cases/privacy';
import { html, type Raw } from './html.ts';
import { type Lang, t, tDynamic } from './i18n.ts';
import { errorSummary, errorTitle, formatDateTime, page, textArea, textField } from './layout.ts';

const L = (lang: Lang, key: string, params: Record<string, string | number> = {}) =>
  tDynamic(lang, key).replace(/\{(\w+)\}/g, (m, k: string) =>
    params[k] === undefined ? m : String(params[k]),
  );

const PRINT_CSS = html`<style>
.extract dl{display:grid;grid-template-columns:minmax(8em,max-content) 1fr;gap:4px 16px;margin:0 0 16px}
.extract dt{font-weight:600}.extract dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
.extract section{break-inside:avoid-page}
@media print{header,nav,.no-print,.skip{display:none !important}main{padding:0}}
</style>`;

const dd = (label: string, value: unknown) =>
  html`<dt>${label}</dt><dd>${value === undefined || value === '' || value === null ? '–' : String(value)}</dd>`;

function periodText(lang: Lang, r: RetentionRule) {
  const parts = [
    ...(r.period.years ? [L(lang, 'pvYears', { n: r.period.years })] : []),
    ...(r.period.days ? [L(lang, 'pvDays', { n: r.period.days })] : []),
  ];
  return `${parts.join(' + ')} ${L(lang, `from_${r.from}`)}`;
}

/** The retention rules as a table (core/retention.ts is the one source). */
export function retentionTable(lang: Lang): Raw {
  return html`<table class="cards"><caption>${L(lang, 'retentionHeading')}</caption>
<thead><tr><th scope="col">${L(lang, 'retentionKind')}</th><th scope="col">${L(lang, 'retentionPeriod')}</th><th scope="col">${L(lang, 'retentionKept')}</th></tr></thead>
<tbody>${RETENTION_RULES.map(
    (r) =>
      html`<tr><td data-label="${L(lang, 'retentionKind')}">${L(lang, `retention_${r.kind}`)}</td><td data-label="${L(lang, 'retentionPeriod')}">${periodText(lang, r)}</td><td data-label="${L(lang, 'retentionKept')}">${L(lang, r.kept.length ? 'keptStatistics' : 'keptNothing')}</td></tr>`,
  )}</tbody></table>`;
}

export function privacyPage(o: {
  lang: Lang;
  principal: Principal;
  issues: readonly FieldIssue[];
  values: { reason?: string };
  path: string;
}): Raw {
  const { lang } = o;
  const title = L(lang, 'privacyTitle');
  // The identity number typed is never sent back into the page: it is typed again.
  const body = html`<h1>${title}</h1>
${errorSummary(lang, o.issues)}
<p>${L(lang, 'privacyIntro')}</p>
<section aria-labelledby="extract-h"><h2 id="extract-h">${L(lang, 'extractHeading')}</h2>
<form method="post" action="/admin/privacy/extract" novalidate>
${textField({ lang, name: 'identityNumber', label: L(lang, 'field_privacyIdentity'), hint: t(lang, 'identityNumberHint'), required: true, issues: o.issues, autocomplete: 'off' })}
${textArea({ lang, name: 'reason', label: L(lang, 'field_reason'), hint: L(lang, 'hint_privacyReason'), value: o.values.reason, required: true, issues: o.issues })}
<div class="actions-row"><button type="submit">${L(lang, 'makeExtract')}</button></div>
</form></section>
<section aria-labelledby="ret-h"><h2 id="ret-h">${L(lang, 'retentionHeading')}</h2>${retentionTable(lang)}</section>`;
  return page({ lang, title: errorTitle(lang, o.issues, title), principal: o.principal, path: o.path, body });
}

const when = (lang: Lang, at: string | undefined) => (at ? formatDateTime(lang, at) : undefined);

function caseSections(
  lang: Lang,
  c: CaseRecord,
  talks: RegisterExtract['cases'][number]['talks'],
  units: Unit[],
): Raw {
  const unit = units.find((u) => u.unitId === c.unitId)?.name ?? c.unitId;
  const p = c.participant;
  const sections: Raw[] = [];
  const section = (key: string, content: Raw | Raw[]) =>
    sections.push(html`<section><h3>${L(lang, key)}</h3>${content}</section>`);
  section(
    'sec_person',
    html`<dl>${dd(t(lang, 'participantName'), p.name)}${dd(t(lang, 'identityNumber'), p.identityNumber)}${dd(t(lang, 'email'), p.email)}${dd(t(lang, 'phone'), p.phone)}${dd(L(lang, 'gender'), L(lang, `gender_${p.gender}`))}${dd(t(lang, 'adaptationNeeds'), c.needs.adaptation)}${dd(t(lang, 'language'), c.needs.languageSupport ? c.needs.language : t(lang, 'no'))}</dl>`,
  );
  section(
    'sec_referral',
    html`<dl>${dd(L(lang, 'referredOn'), when(lang, c.createdAt))}${dd(t(lang, 'status'), tDynamic(lang, `status_${c.status}`))}${dd(t(lang, 'phase'), tDynamic(lang, `phase_${c.phase}`))}${dd(t(lang, 'unit'), unit)}${dd(t(lang, 'period'), `${c.plannedStart} – ${c.plannedEnd}`)}${dd(t(lang, 'placementAgreementRef'), c.placementAgreementRef)}${dd(t(lang, 'caseOfficer'), `${c.caseOfficer.name}, ${c.caseOfficer.organisationName}`)}${dd(L(lang, 'caseOfficerContact'), [c.caseOfficer.email, c.caseOfficer.phone].filter(Boolean).join(', '))}${c.intake ? dd(L(lang, 'intakeDecision'), `${L(lang, `pvIntake_${c.intake.decision}`)}${c.intake.reason ? `: ${c.intake.reason}` : ''}`) : ''}${c.supervisor ? dd(L(lang, 'supervisorName'), `${c.supervisor.name}, ${c.supervisor.email}`) : ''}${c.closure ? dd(L(lang, 'closureReason'), `${when(lang, c.closure.closedAt)}: ${c.closure.reason}`) : ''}</dl>`,
  );
  const s = c.entryStatistics;
  if (s)
    section(
      'sec_statistics',
      html`<dl>${dd(L(lang, 'field_labourMarketStatus'), L(lang, `lms_${s.labourMarketStatus}`))}${dd(L(lang, 'field_education'), L(lang, `edu_${s.education}`))}${dd(L(lang, 'field_disability'), L(lang, `yn_${s.disability}`))}${dd(L(lang, 'field_foreignBackground'), L(lang, `fb_${s.foreignBackground}`))}${dd(L(lang, 'field_targetGroup'), L(lang, `tg_${s.targetGroup ?? 'notRecorded'}`))}</dl>`,
    );
  const visits = [...(c.cancelledStudyVisits ?? []), ...(c.studyVisit ? [c.studyVisit] : [])];
  const meetings = [
    ...visits.map((v) => ({
      kind: 'studyVisit',
      start: v.start,
      location: v.location,
      answer: v.participantAnswer,
      extra: v.declineReason,
    })),
    ...c.meetings.map((m) => ({
      kind: m.kind,
      start: m.start,
      location: m.location,
      answer: m.participantAnswer,
      extra: undefined,
    })),
  ];
  if (meetings.length)
    section(
      'sec_meetings',
      html`<ul>${meetings.map(
        (m) =>
          html`<li>${L(lang, `meeting_${m.kind}`)}: ${formatDateTime(lang, m.start)}, ${m.location}${m.answer ? html`. ${L(lang, 'pvAnswer')}: ${L(lang, m.answer.answer === 'coming' ? 'answerComing' : 'answerOtherTime')}${m.answer.message ? html` – ${L(lang, 'answerMessage')}: ”${m.answer.message}”` : ''}` : ''}${m.extra ? html`. ${L(lang, 'declineReason')}: ${m.extra}` : ''}</li>`,
      )}</ul>`,
    );
  if (c.plan)
    section(
      'sec_plan',
      html`<dl>${dd(L(lang, 'field_goals'), c.plan.goals)}${dd(L(lang, 'field_tasks'), c.plan.tasks.join(', '))}${dd(L(lang, 'field_percent'), `${c.plan.percent} % (${c.plan.hoursPerWeek} h)`)}${dd(L(lang, 'field_adaptations'), c.plan.adaptations)}${dd(L(lang, 'field_startDate'), c.plan.startDate)}</dl>`,
    );
  if (talks.length)
    section(
      'sec_talks',
      talks.map((e) => {
        const d = e.data as { date?: string; capacityDeclined?: boolean; points?: Record<string, string> };
        return html`<h4>${d.date ?? ''}${d.capacityDeclined ? ` – ${L(lang, 'capacityDeclined')}` : ''}</h4><dl>${TALK_POINTS.map((k) => dd(L(lang, `talk_${k}`), d.points?.[k]))}</dl>`;
      }),
    );
  if (c.followUps.length)
    section(
      'sec_followUps',
      html`<ul>${c.followUps.map(
        (f) =>
          html`<li>${f.recordedAt.slice(0, 10)}: ${L(lang, `decision_${f.decision}`)}${f.newPercent ? ` → ${f.newPercent} %` : ''}. ${f.summary}${f.reason ? ` (${f.reason})` : ''}</li>`,
      )}</ul>`,
    );
  if (c.workingTimeHistory.length)
    section(
      'sec_workingTime',
      html`<ul>${c.workingTimeHistory.map((h) => html`<li>${h.since}: ${h.percent} % (${h.hoursPerWeek} h) – ${L(lang, `wt_${h.kind}`)}${h.reason ? `: ${h.reason}` : ''}</li>`)}</ul>`,
    );
  if (c.pauses.length)
    section(
      'sec_pauses',
      c.pauses.map(
        (x) =>
          html`<dl>${dd(L(lang, 'pauseReason'), `${x.startedAt.slice(0, 10)}: ${x.reason}`)}${dd(L(lang, 'resumed'), x.resumedAt?.slice(0, 10))}${dd(L(lang, 'field_statementDate'), x.statementDate)}${dd(L(lang, 'field_maxPercent'), x.maxPercent === undefined ? undefined : `${x.maxPercent} %`)}${dd(L(lang, 'field_avoidTasks'), x.avoidTasks)}</dl>`,
      ),
    );
  if (c.activities.length)
    section(
      'sec_activities',
      html`<ul>${c.activities.map((a) => html`<li>${a.date}: ${L(lang, `activity_${a.kind}`)}${a.note ? ` – ${a.note}` : ''}</li>`)}</ul>`,
    );
  const r = c.closing?.record;
  if (c.closing?.early || r || c.afterClosing.fourWeeks || c.afterClosing.sixMonths)
    section(
      'sec_closing',
      html`<dl>${c.closing?.early ? dd(L(lang, 'earlyClosing'), `${L(lang, `early_${c.closing.early.reason}`)}: ${c.closing.early.note}`) : ''}${r ? html`${dd(L(lang, 'field_closingOutcome'), L(lang, `result_${r.outcome}`))}${dd(L(lang, 'field_summary'), r.summary)}${dd(L(lang, 'field_evaluation'), r.evaluation)}${dd(L(lang, 'field_explanation'), r.explanation)}${dd(L(lang, 'field_nextStepPlan'), r.nextStepPlan)}` : ''}${[c.afterClosing.fourWeeks, c.afterClosing.sixMonths].map((a) => (a ? dd(L(lang, 'afterClosingNote'), `${L(lang, `result_${a.outcome}`)}${a.note ? `: ${a.note}` : ''}`) : ''))}</dl>`,
    );
  return html`${sections}`;
}

export function extractPage(o: {
  lang: Lang;
  principal: Principal;
  extract: RegisterExtract;
  units: Unit[];
  path: string;
}): Raw {
  const { lang, extract } = o;
  const title = L(lang, 'extractTitle');
  const cases = extract.cases;
  const orgs = [...new Set(cases.map((x) => x.c.caseOfficer.organisationName))].join(', ') || '–';
  const officers =
    [...new Set(cases.map((x) => `${x.c.caseOfficer.name}, ${x.c.caseOfficer.organisationName}`))].join(
      '; ',
    ) || '–';
  const unitNames =
    [...new Set(cases.map((x) => o.units.find((u) => u.unitId === x.c.unitId)?.name ?? x.c.unitId))].join(
      ', ',
    ) || '–';
  const body = html`${PRINT_CSS}<div class="extract">
<h1>${title}</h1>
<p>${L(lang, 'extractLead', { id: formatIdentityNumber(extract.identity), at: formatDateTime(lang, extract.generatedAt) })}</p>
<p class="no-print"><a href="/admin/privacy">${L(lang, 'privacyTitle')}</a></p>
${
  cases.length
    ? cases.map(
        ({ c, talks }) =>
          html`<section aria-labelledby="case-${c.caseId}"><h2 id="case-${c.caseId}">${L(lang, 'extractCase', { ref: c.reference })}</h2>
${caseSections(lang, c, talks, o.units)}
<p class="no-print"><a href="/admin/privacy/erase/${c.caseId}">${L(lang, 'eraseLink')}</a></p></section>`,
      )
    : html`<p>${L(lang, 'extractNone')}</p>`
}
<section aria-labelledby="purposes-h"><h2 id="purposes-h">${L(lang, 'purposesHeading')}</h2><p>${L(lang, 'purposesText')}</p></section>
<section aria-labelledby="recipients-h"><h2 id="recipients-h">${L(lang, 'recipientsHeading')}</h2><p>${L(lang, 'recipientsText', { orgs, units: unitNames })}</p></section>
<section aria-labelledby="source-h"><h2 id="source-h">${L(lang, 'sourceHeading')}</h2><p>${L(lang, 'sourceText', { officers })}</p></section>
<section aria-labelledby="ret-h"><h2 id="ret-h">${L(lang, 'retentionHeading')}</h2>${retentionTable(lang)}</section>
<section aria-labelledby="rights-h"><h2 id="rights-h">${L(lang, 'rightsHeading')}</h2><p>${L(lang, 'rightsText')}</p></section>
</div>`;
  return page({ lang, title, principal: o.principal, path: o.path, body });
}

export function erasePage(o: {
  lang: Lang;
  principal: Principal;
  c: CaseRecord;
  cases: CaseRecord[];
  formId: string;
  issues: readonly FieldIssue[];
  values: { reason?: string };
  path: string;
}): Raw {
  const { lang, c } = o;
  const title = L(lang, 'eraseTitle', { ref: c.reference });
  const body = html`<p><a href="/cases/${c.caseId}">${t(lang, 'caseTitle')} ${c.reference}</a></p>
<h1>${title}</h1>
${errorSummary(lang, o.issues)}
<p>${L(lang, 'eraseExplain')}</p>
<h2>${L(lang, 'eraseCases')}</h2>
<ul>${o.cases.map((x) => html`<li>${x.reference} – ${tDynamic(lang, `status_${x.status}`)}</li>`)}</ul>
<form method="post" action="/admin/privacy/erase/${c.caseId}" novalidate>
<input type="hidden" name="formId" value="${o.formId}">
${textArea({ lang, name: 'reason', label: L(lang, 'field_reason'), hint: L(lang, 'hint_privacyReason'), value: o.values.reason, required: true, issues: o.issues })}
<div class="actions-row"><button type="submit">${L(lang, 'eraseConfirm')}</button> <a href="/cases/${c.caseId}">${L(lang, 'cancel')}</a></div>
</form>`;
  return page({ lang, title: errorTitle(lang, o.issues, title), principal: o.principal, path: o.path, body });
}
