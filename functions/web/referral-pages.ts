import type { Principal } from '#core/auth';
import { type CaseRecord, GENDERS } from '#core/case';
import type { FieldIssue } from '#core/errors';
import type { Unit } from '#core/units';
import { html } from './html.ts';
import { type Lang, t, tDynamic } from './i18n.ts';
import {
  errorSummary,
  errorTitle,
  formatDateTime,
  page,
  radioGroup,
  selectField,
  textArea,
  textField,
} from './layout.ts';

export function referralFormPage(o: {
  lang: Lang;
  principal: Principal;
  units: Unit[];
  values: Record<string, string>;
  issues: readonly FieldIssue[];
}) {
  const { lang, values: v, issues } = o;
  const f = (name: string) => ({ lang, name, value: v[name], issues });
  const body = html`<h1>${t(lang, 'newReferralTitle')}</h1>
${errorSummary(lang, issues)}
<p>${t(lang, 'newReferralIntro')}</p>
<form method="post" action="/referrals" novalidate>
<input type="hidden" name="submissionId" value="${v.submissionId ?? ''}">
<fieldset><legend>${t(lang, 'participant')}</legend>
${textField({ ...f('participantName'), label: t(lang, 'participantName'), required: true, autocomplete: 'off' })}
${textField({ ...f('identityNumber'), label: t(lang, 'identityNumber'), hint: t(lang, 'identityNumberHint'), required: true, autocomplete: 'off' })}
${textField({ ...f('email'), type: 'email', label: t(lang, 'email'), required: true, autocomplete: 'off' })}
${textField({ ...f('phone'), type: 'tel', label: t(lang, 'phone'), required: true, autocomplete: 'off' })}
${radioGroup({
  ...f('gender'),
  label: t(lang, 'gender'),
  required: true,
  options: GENDERS.map((g) => ({ value: g, label: tDynamic(lang, `gender_${g}`) })),
})}
</fieldset>
<fieldset><legend>${t(lang, 'caseOfficer')}</legend>
<p>${o.principal.name}, ${o.principal.organisationName} (${o.principal.email})</p>
</fieldset>
<fieldset><legend>${t(lang, 'placement')}</legend>
${textField({ ...f('placementAgreementRef'), label: t(lang, 'placementAgreementRef'), required: true })}
${selectField({
  ...f('unitId'),
  label: t(lang, 'unitId'),
  required: true,
  placeholder: t(lang, 'chooseUnit'),
  options: o.units.map((u) => ({ value: u.unitId, label: `${u.name} – ${u.tasks.join(', ')}` })),
})}
</fieldset>
<fieldset><legend>${t(lang, 'needs')}</legend>
${textArea({ ...f('adaptationNeeds'), label: t(lang, 'adaptationNeeds'), hint: t(lang, 'adaptationNeedsHint') })}
${radioGroup({
  ...f('languageSupport'),
  label: t(lang, 'languageSupport'),
  required: true,
  options: [
    { value: 'no', label: t(lang, 'no') },
    { value: 'yes', label: t(lang, 'yes') },
  ],
})}
${textField({ ...f('language'), label: t(lang, 'language') })}
${radioGroup({
  ...f('mailLanguage'),
  value: v.mailLanguage ?? 'sv',
  label: t(lang, 'mailLanguage'),
  required: true,
  options: [
    { value: 'sv', label: t(lang, 'mailLanguage_sv') },
    { value: 'en', label: t(lang, 'mailLanguage_en') },
  ],
})}
</fieldset>
<fieldset><legend>${t(lang, 'period')}</legend>
${textField({ ...f('plannedStart'), type: 'date', label: t(lang, 'plannedStart'), hint: t(lang, 'dateHint'), required: true })}
${textField({ ...f('plannedEnd'), type: 'date', label: t(lang, 'plannedEnd'), hint: t(lang, 'dateHint'), required: true })}
</fieldset>
<button type="submit">${t(lang, 'submitReferral')}</button>
</form>`;
  return page({
    lang,
    title: errorTitle(lang, issues, t(lang, 'newReferralTitle')),
    principal: o.principal,
    path: '/referrals/new',
    body,
  });
}

/** The next meeting on the calendar (not yet recorded), for the case officer's overview. */
function nextMeeting(lang: Lang, c: CaseRecord): string {
  const upcoming = (c.meetings ?? [])
    .filter((m) => !m.recordedAt)
    .sort((a, b) => a.start.localeCompare(b.start))[0];
  if (upcoming)
    return `${tDynamic(lang, `meeting_${upcoming.kind}`)}: ${formatDateTime(lang, upcoming.start)}`;
  const v = c.studyVisit;
  return v && !v.outcome ? `${t(lang, 'studyVisit')}: ${formatDateTime(lang, v.start)}` : '–';
}

export function referralListPage(o: {
  lang: Lang;
  principal: Principal;
  cases: CaseRecord[];
  /** Cursor of the next (older) page, if any. */
  next?: string;
  units: Unit[];
}) {
  const { lang } = o;
  const unitName = (id: string) => o.units.find((u) => u.unitId === id)?.name ?? id;
  const body = html`<h1>${t(lang, 'referralsTitle')}</h1>
${
  o.cases.length === 0
    ? html`<p>${t(lang, 'noReferrals')}</p>`
    : html`<table><caption class="skip">${t(lang, 'referralsTitle')}</caption>
<thead><tr><th scope="col">${t(lang, 'reference')}</th><th scope="col">${t(lang, 'unit')}</th><th scope="col">${t(lang, 'phase')}</th><th scope="col">${tDynamic(lang, 'workingTime')}</th><th scope="col">${tDynamic(lang, 'nextMeeting')}</th><th scope="col">${t(lang, 'created')}</th></tr></thead>
<tbody>${o.cases.map(
        (c) =>
          html`<tr><td><a href="/cases/${c.caseId}">${c.reference}</a></td><td>${unitName(c.unitId)}</td><td>${tDynamic(
            lang,
            `phase_${c.phase}`,
          )}</td><td>${c.workingTime ? `${c.workingTime.percent} %` : '–'}</td><td>${nextMeeting(lang, c)}</td><td>${formatDateTime(lang, c.createdAt)}</td></tr>`,
      )}</tbody></table>`
}
${o.next ? html`<p><a href="/referrals?${new URLSearchParams({ after: o.next }).toString()}">${t(lang, 'nextPage')}</a></p>` : ''}`;
  return page({ lang, title: t(lang, 'referralsTitle'), principal: o.principal, path: '/referrals', body });
}
