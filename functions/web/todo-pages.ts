import type { Principal } from '#core/auth';
import type { WorkItem } from '#core/use-cases/worklist';
import { html } from './html.ts';
import { type Lang, tDynamic } from './i18n.ts';
import { formatDateTime, page } from './layout.ts';

const L = tDynamic;

/** "To do": each step waiting on the signed-in person, a link to its form, overdue first. */
export function todoPage(o: { lang: Lang; principal: Principal; items: WorkItem[] }) {
  const { lang } = o;
  const body = html`<h1>${L(lang, 'todoTitle')}</h1>
${
  o.items.length === 0
    ? html`<p>${L(lang, 'todoEmpty')}</p>`
    : html`<table class="todo"><caption class="skip">${L(lang, 'todoTitle')}</caption>
<thead><tr><th scope="col">${L(lang, 'whatToDo')}</th><th scope="col">${L(lang, 'reference')}</th><th scope="col">${L(lang, 'due')}</th></tr></thead>
<tbody>${o.items.map(
        (
          i,
        ) => html`<tr${i.overdue ? html` class="overdue"` : ''}><td><a href="/cases/${i.caseId}#form-${i.action}-h">${L(lang, `action_${i.action}`)}</a><br><span class="hint">${L(lang, `phase_${i.phase}`)}</span></td>
<td>${i.reference}</td>
<td>${i.due !== undefined ? formatDateTime(lang, i.due) : '–'}${i.overdue ? html` <strong class="tag">⚠ ${L(lang, 'overdue')}</strong>` : ''}</td></tr>`,
      )}</tbody></table>`
}`;
  return page({ lang, title: L(lang, 'todoTitle'), principal: o.principal, path: '/todo', body });
}
