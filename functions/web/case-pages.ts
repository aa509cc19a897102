import { canSeeParticipant, isStaff, type Principal } from '#core/auth';
import type { CaseRecord } from '#core/case';
import type { FieldIssue } from '#core/errors';
import { maskIdentityNumber } from '#core/personnummer';
import type { Unit } from '#core/units';
import { html } from './html.ts';
import { type Lang, t, tDynamic } from './i18n.ts';
import { errorSummary, errorTitle, formatDateTime, page, radioGroup, textArea, textField } from './layout.ts';

export interface CasePageOpts {
  lang: Lang;
  principal: Principal;
  c: CaseRecord;
  unit?: Unit;
  notice?: 'submitted' | 'proposed' | 'recorded';
  form?: 'studyVisit' | 'outcome';
  values?: Record<string, string>;
  issues?: readonly FieldIssue[];
}

function studyVisitSection(o: CasePageOpts) {
  const { lang, c } = o;
  const staff = isStaff(o.principal);
  const issues = o.issues ?? [];
  const v = o.values ?? {};
  const sv = c.studyVisit;
  if (!sv) {
    if (!staff || c.phase !== 'studyVisitScheduling') return html``;
    const f = (name: string) => ({
      lang,
      name,
      value: v[name],
      issues: o.form === 'studyVisit' ? issues : [],
    });
    return html`<section aria-labelledby="sv-h"><h2 id="sv-h">${t(lang, 'proposeStudyVisit')}</h2>
${o.form === 'studyVisit' ? errorSummary(lang, issues) : ''}
<form method="post" action="/cases/${c.caseId}/study-visit" novalidate>
${textField({ ...f('date'), type: 'date', label: t(lang, 'date'), hint: t(lang, 'dateHint'), required: true })}
${textField({ ...f('startTime'), type: 'time', label: t(lang, 'startTime'), hint: t(lang, 'timeHint'), required: true })}
${textField({ ...f('endTime'), type: 'time', label: t(lang, 'endTime'), hint: t(lang, 'timeHint'), required: true })}
${textField({ ...f('location'), label: t(lang, 'location'), value: v.location ?? o.unit?.address, required: true })}
<button type="submit">${t(lang, 'sendInvitation')}</button>
</form></section>`;
  }
  const sent = sv.invitationSentForSequence === sv.sequence;
  const details = html`<section aria-labelledby="sv-h"><h2 id="sv-h">${t(lang, 'studyVisit')}</h2>
<dl><dt>${t(lang, 'time')}</dt><dd>${formatDateTime(lang, sv.start)}–${formatDateTime(lang, sv.end).slice(-5)}</dd>
<dt>${t(lang, 'location')}</dt><dd>${sv.location}</dd>
<dt>${t(lang, 'status')}</dt><dd>${t(lang, sent ? 'invitationSent' : 'invitationPending')}</dd>
${sv.outcome ? html`<dt>${t(lang, 'outcome')}</dt><dd>${tDynamic(lang, `outcome_${sv.outcome}`)}</dd>` : ''}
${sv.declineReason && canSeeParticipant(o.principal, c) ? html`<dt>${t(lang, 'declineReason')}</dt><dd>${sv.declineReason}</dd>` : ''}
</dl></section>`;
  if (!staff || c.phase !== 'studyVisitInvited') return details;
  const f = (name: string) => ({ lang, name, value: v[name], issues: o.form === 'outcome' ? issues : [] });
  return html`${details}
<section aria-labelledby="out-h"><h2 id="out-h">${t(lang, 'recordOutcome')}</h2>
${o.form === 'outcome' ? errorSummary(lang, issues) : ''}
<form method="post" action="/cases/${c.caseId}/study-visit/outcome" novalidate>
${radioGroup({
  ...f('outcome'),
  label: t(lang, 'outcome'),
  required: true,
  options: [
    { value: 'wantsToStart', label: t(lang, 'outcome_wantsToStart') },
    { value: 'declined', label: t(lang, 'outcome_declined') },
  ],
})}
${textArea({ ...f('declineReason'), label: t(lang, 'declineReason') })}
<button type="submit">${t(lang, 'save')}</button>
</form></section>`;
}

export function casePage(o: CasePageOpts) {
  const { lang, c } = o;
  // Identity, contact details, needs and free-text reasons only for those who need them.
  const personal = canSeeParticipant(o.principal, c);
  const notice =
    o.notice === 'submitted'
      ? html`<div class="notice" role="status">${t(lang, 'referralReceived')}</div>`
      : o.notice
        ? html`<div class="notice" role="status">${t(lang, o.notice === 'proposed' ? 'invitationPending' : 'outcomeSaved')}</div>`
        : '';
  const body = html`<h1>${t(lang, 'caseTitle')} ${c.reference}</h1>
${notice}
<dl>
<dt>${t(lang, 'status')}</dt><dd class="status">${tDynamic(lang, `status_${c.status}`)}</dd>
<dt>${t(lang, 'phase')}</dt><dd>${tDynamic(lang, `phase_${c.phase}`)}</dd>
<dt>${t(lang, 'unit')}</dt><dd>${o.unit?.name ?? c.unitId}</dd>
<dt>${t(lang, 'period')}</dt><dd>${c.plannedStart} – ${c.plannedEnd}</dd>
<dt>${t(lang, 'placementAgreementRef')}</dt><dd>${c.placementAgreementRef}</dd>
<dt>${t(lang, 'caseOfficer')}</dt><dd>${c.caseOfficer.name}, ${c.caseOfficer.organisationName}</dd>
${c.closure && personal ? html`<dt>${t(lang, 'closedReason')}</dt><dd>${c.closure.reason}</dd>` : ''}
</dl>
${
  personal
    ? html`<section aria-labelledby="p-h"><h2 id="p-h">${t(lang, 'participantContact')}</h2>
<dl>
<dt>${t(lang, 'participantName')}</dt><dd>${c.participant.name}</dd>
<dt>${t(lang, 'identityNumber')}</dt><dd>${maskIdentityNumber(c.participant.identityNumber)}</dd>
<dt>${t(lang, 'email')}</dt><dd>${c.participant.email}</dd>
<dt>${t(lang, 'phone')}</dt><dd>${c.participant.phone}</dd>
<dt>${t(lang, 'adaptationNeeds')}</dt><dd>${c.needs.adaptation || '–'}</dd>
<dt>${t(lang, 'language')}</dt><dd>${c.needs.languageSupport ? c.needs.language : t(lang, 'no')}</dd>
</dl></section>`
    : ''
}
${studyVisitSection(o)}`;
  return page({
    lang,
    title: errorTitle(lang, o.issues ?? [], `${t(lang, 'caseTitle')} ${c.reference}`),
    principal: o.principal,
    path: `/cases/${c.caseId}`,
    body,
  });
}
