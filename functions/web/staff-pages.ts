import type { Principal } from '#core/auth';
import type { FieldIssue } from '#core/errors';
import { STAFF_ROLES, type StaffMember } from '#core/ports';
import { html } from './html.ts';
import { type Lang, tDynamic } from './i18n.ts';
import { errorSummary, errorTitle, page, selectField, textArea, textField } from './layout.ts';

/** The admin console's account pages: the list with the invitation form, and the confirmation of a change. */
const L = (lang: Lang, key: string, params: Record<string, string | number> = {}) =>
  tDynamic(lang, key).replace(/\{(\w+)\}/g, (_m, k: string) => String(params[k] ?? ''));

export type StaffNotice = 'invited' | 'disabled' | 'enabled' | 'unchanged';

export function staffPage(o: {
  lang: Lang;
  principal: Principal;
  members: StaffMember[];
  values: Record<string, string>;
  issues: readonly FieldIssue[];
  notice?: StaffNotice;
}) {
  const { lang, values: v, issues } = o;
  const f = (name: string) => ({ lang, name, value: v[name], issues });
  const title = L(lang, 'staffTitle');
  const noticeKey = o.notice ? `${o.notice === 'invited' ? 'invited' : `${o.notice}Notice`}` : '';
  const body = html`<h1>${title}</h1>
${noticeKey ? html`<div class="notice" role="status">${L(lang, noticeKey)}</div>` : ''}
${errorSummary(lang, issues)}
<p>${L(lang, 'staffIntro')}</p>
${
  o.members.length === 0
    ? html`<p>${L(lang, 'noStaff')}</p>`
    : html`<table class="cards" style="overflow-wrap:anywhere"><caption class="skip">${title}</caption>
<thead><tr><th scope="col">${L(lang, 'staffName')}</th><th scope="col">${L(lang, 'staffEmail')}</th><th scope="col">${L(lang, 'staffRole')}</th><th scope="col">${L(lang, 'staffOrganisation')}</th><th scope="col">${L(lang, 'staffStatus')}</th><th scope="col">${L(lang, 'actions')}</th></tr></thead>
<tbody>${o.members.map(
        (m) =>
          html`<tr><td data-label="${L(lang, 'staffName')}">${m.name}</td><td data-label="${L(lang, 'staffEmail')}">${m.email}</td><td data-label="${L(lang, 'staffRole')}">${m.roles.map((r) => L(lang, `role_${r}`)).join(', ') || '–'}</td><td data-label="${L(lang, 'staffOrganisation')}">${m.organisation || '–'}</td><td data-label="${L(lang, 'staffStatus')}">${m.enabled ? L(lang, 'staffEnabled') : L(lang, 'staffDisabled')}</td><td data-label="${L(lang, 'actions')}">${
            m.sub === o.principal.sub
              ? '–'
              : html`<a href="/admin/staff/${m.sub}/${m.enabled ? 'disable' : 'enable'}">${L(lang, m.enabled ? 'disable' : 'enable')}<span class="skip">: ${m.name}</span></a>`
          }</td></tr>`,
      )}</tbody></table>`
}
<section class="action" aria-labelledby="invite-title"><h2 id="invite-title">${L(lang, 'inviteTitle')}</h2>
<form method="post" action="/admin/staff" novalidate>
<input type="hidden" name="formId" value="${v.formId ?? ''}">
${textField({ ...f('staffName'), label: L(lang, 'staffName'), required: true, autocomplete: 'off' })}
${textField({ ...f('staffEmail'), type: 'email', label: L(lang, 'staffEmail'), required: true, autocomplete: 'off' })}
${selectField({
  ...f('staffRole'),
  label: L(lang, 'staffRole'),
  required: true,
  placeholder: L(lang, 'chooseRole'),
  options: STAFF_ROLES.map((r) => ({ value: r, label: L(lang, `role_${r}`) })),
})}
${textField({ ...f('staffOrganisation'), label: L(lang, 'staffOrganisation'), hint: L(lang, 'staffOrganisationHint'), required: true })}
<button type="submit">${L(lang, 'inviteButton')}</button>
</form></section>`;
  return page({
    lang,
    title: errorTitle(lang, issues, title),
    principal: o.principal,
    path: '/admin/staff',
    body,
  });
}

export function accountChangePage(o: {
  lang: Lang;
  principal: Principal;
  member: StaffMember;
  enable: boolean;
  values: Record<string, string>;
  issues: readonly FieldIssue[];
}) {
  const { lang, member: m, issues } = o;
  const verb = o.enable ? 'enable' : 'disable';
  const title = L(lang, o.enable ? 'enableTitle' : 'disableTitle');
  const path = `/admin/staff/${m.sub}/${verb}`;
  const body = html`<h1>${title}</h1>
${errorSummary(lang, issues)}
<p>${L(lang, o.enable ? 'enableIntro' : 'disableIntro', { name: m.name, email: m.email })}</p>
<form method="post" action="${path}" novalidate>
${textArea({ lang, name: 'reason', value: o.values.reason, issues, label: L(lang, 'reasonField'), hint: L(lang, 'reasonHint'), required: !o.enable })}
<div class="actions-row"><button type="submit"${o.enable ? '' : html` class="danger"`}>${L(lang, verb)}</button>
<a href="/admin/staff">${L(lang, 'cancel')}</a></div>
</form>`;
  return page({ lang, title: errorTitle(lang, issues, title), principal: o.principal, path, body });
}
