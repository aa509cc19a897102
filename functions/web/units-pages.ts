import type { Principal } from '#core/auth';
import type { FieldIssue } from '#core/errors';
import type { UnitOverview } from '#core/use-cases/units-admin';
import { html } from './html.ts';
import { type Lang, tDynamic } from './i18n.ts';
import { errorSummary, errorTitle, page, textArea, textField } from './layout.ts';

/** The admin console's unit pages: the list with places and queue, and the edit (or new) form. */
const L = (lang: Lang, key: string, params: Record<string, string | number> = {}) =>
  tDynamic(lang, key).replace(/\{(\w+)\}/g, (_m, k: string) => String(params[k] ?? ''));

export interface UnitsNotice {
  saved?: 'created' | 'updated';
  moved?: number;
  overfull?: number;
}

export function unitsListPage(o: {
  lang: Lang;
  principal: Principal;
  units: UnitOverview[];
  notice: UnitsNotice;
}) {
  const { lang } = o;
  const title = L(lang, 'unitsTitle');
  const notices = [
    o.notice.saved ? L(lang, o.notice.saved === 'created' ? 'unitCreated' : 'unitSaved') : '',
    o.notice.moved ? L(lang, 'unitMoved', { n: o.notice.moved }) : '',
    o.notice.overfull ? L(lang, 'unitOverfull', { n: o.notice.overfull }) : '',
  ].filter(Boolean);
  const body = html`<h1>${title}</h1>
${notices.length ? html`<div class="notice" role="status">${notices.map((n) => html`<p>${n}</p>`)}</div>` : ''}
<p>${L(lang, 'unitsIntro')}</p>
<p><a class="button" href="/admin/units/new">${L(lang, 'addUnit')}</a></p>
<table class="cards"><caption class="skip">${title}</caption>
<thead><tr><th scope="col">${L(lang, 'unitName')}</th><th scope="col">${L(lang, 'places')}</th><th scope="col">${L(lang, 'placesUsed')}</th><th scope="col">${L(lang, 'placesFree')}</th><th scope="col">${L(lang, 'queueLength')}</th></tr></thead>
<tbody>${o.units.map(
    (u) =>
      html`<tr id="unit-${u.unit.unitId}"><td data-label="${L(lang, 'unitName')}"><a href="/admin/units/${u.unit.unitId}" aria-label="${L(lang, 'editUnitNamed', { name: u.unit.name })}">${u.unit.name}</a></td><td data-label="${L(lang, 'places')}">${u.unit.places}</td><td data-label="${L(lang, 'placesUsed')}">${u.inUse}</td><td data-label="${L(lang, 'placesFree')}">${u.free}</td><td data-label="${L(lang, 'queueLength')}">${u.queue}</td></tr>`,
  )}</tbody></table>`;
  return page({ lang, title, principal: o.principal, path: '/admin/units', body });
}

export function unitFormPage(o: {
  lang: Lang;
  principal: Principal;
  /** Undefined for a new unit. */
  unitId?: string;
  inUse: number;
  values: Record<string, string>;
  issues: readonly FieldIssue[];
}) {
  const { lang, values: v, issues } = o;
  const f = (name: string) => ({ lang, name, value: v[name], issues });
  const heading = o.unitId ? L(lang, 'editUnitTitle') : L(lang, 'newUnitTitle');
  const action = o.unitId ? `/admin/units/${o.unitId}` : '/admin/units';
  const path = o.unitId ? `/admin/units/${o.unitId}` : '/admin/units/new';
  const stale = issues.some((i) => i.field === 'version');
  const body = html`<h1>${heading}${o.unitId ? html`: ${v.unitName ?? ''}` : ''}</h1>
${errorSummary(lang, issues)}
${stale && o.unitId ? html`<p><a href="/admin/units/${o.unitId}">${L(lang, 'openAgain')}</a></p>` : ''}
<form method="post" action="${action}" novalidate>
<input type="hidden" name="version" value="${v.version ?? '0'}">
<fieldset><legend>${L(lang, 'unitAbout')}</legend>
${textField({ ...f('unitName'), label: L(lang, 'unitName'), required: true })}
${textArea({ ...f('description'), label: L(lang, 'unitDescription') })}
${textField({ ...f('address'), label: L(lang, 'unitAddress'), required: true })}
${textField({ ...f('unitPhone'), type: 'tel', label: L(lang, 'unitPhone'), hint: L(lang, 'unitPhoneHint') })}
${textArea({ ...f('tasks'), label: L(lang, 'unitTasks'), hint: L(lang, 'oneALine'), required: true })}
</fieldset>
<fieldset><legend>${L(lang, 'unitCapacity')}</legend>
${textField({ ...f('places'), label: L(lang, 'places'), hint: L(lang, 'placesHint', { inUse: o.inUse }), required: true })}
</fieldset>
<fieldset><legend>${L(lang, 'unitClocks')}</legend>
<p class="hint">${L(lang, 'clocksHint')}</p>
${textField({ ...f('talkIntervalDays'), label: L(lang, 'talkIntervalDays'), required: true })}
${textField({ ...f('talkEscalationDays'), label: L(lang, 'talkEscalationDays'), required: true })}
${textField({ ...f('followUpIntervalDays'), label: L(lang, 'followUpIntervalDays'), required: true })}
${textField({ ...f('ladder'), label: L(lang, 'ladder'), hint: L(lang, 'ladderHint'), required: true })}
</fieldset>
<fieldset><legend>${L(lang, 'unitPeople')}</legend>
${textArea({ ...f('coordinatorEmails'), label: L(lang, 'coordinatorEmails'), hint: L(lang, 'oneALine'), required: true })}
${textArea({ ...f('supervisors'), label: L(lang, 'supervisorsField'), hint: L(lang, 'supervisorsHint') })}
</fieldset>
<div class="actions-row"><button type="submit">${o.unitId ? L(lang, 'saveUnit') : L(lang, 'createUnit')}</button>
<a href="/admin/units">${L(lang, 'backToUnits')}</a></div>
</form>`;
  return page({ lang, title: errorTitle(lang, issues, heading), principal: o.principal, path, body });
}
