import type { Principal } from '#core/auth';
import type { AnswerItem, WorkItem } from '#core/use-cases/worklist';
import { html } from './html.ts';
import { type Lang, tDynamic } from './i18n.ts';
import { formatDateTime, page } from './layout.ts';

const L = tDynamic;

/** "To do": each step waiting on the signed-in person, a link to its form, overdue first. */
export interface UnitQueue {
  unitId: string;
  name: string;
  places: number;
  inUse: number;
  queue: { caseId: string; reference: string; since?: string }[];
}

export function todoPage(o: {
  lang: Lang;
  principal: Principal;
  items: WorkItem[];
  answers?: AnswerItem[];
  queues?: UnitQueue[];
}) {
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
        ) => html`<tr${i.overdue ? html` class="overdue"` : ''}><td><a href="/cases/${i.caseId}#${i.anchor ?? `form-${i.action}-h`}">${L(lang, `action_${i.action}`)}</a><br><span class="hint">${i.note ? html`<strong>${L(lang, 'answerOtherTime')}</strong> · ` : ''}${L(lang, `phase_${i.phase}`)}</span></td>
<td>${i.reference}</td>
<td>${i.due !== undefined ? formatDateTime(lang, i.due) : '–'}${i.overdue ? html` <strong class="tag">⚠ ${L(lang, 'overdue')}</strong>` : ''}</td></tr>`,
      )}</tbody></table>`
}`;
  const answers = o.answers?.length
    ? html`<section aria-labelledby="answers-h"><h2 id="answers-h">${L(lang, 'participantAnswers')}</h2>
<table><caption class="skip">${L(lang, 'participantAnswers')}</caption>
<thead><tr><th scope="col">${L(lang, 'meeting')}</th><th scope="col">${L(lang, 'reference')}</th><th scope="col">${L(lang, 'participantAnswer')}</th></tr></thead>
<tbody>${o.answers.map(
        (a) =>
          html`<tr><td><a href="/cases/${a.caseId}#meeting-${a.meetingId}-h">${L(lang, `meeting_${a.kind}`)}</a><br><span class="hint">${formatDateTime(lang, a.start)}</span></td><td>${a.reference}</td><td>${a.answer === 'otherTime' ? html`<strong>${L(lang, 'answerOtherTimeShort')}</strong>` : L(lang, 'answerComingShort')}<br><span class="hint">${formatDateTime(lang, a.at)}</span></td></tr>`,
      )}</tbody></table></section>`
    : '';
  const queues = o.queues?.length
    ? html`<section aria-labelledby="queues-h"><h2 id="queues-h">${L(lang, 'placesAndQueues')}</h2>
<table><caption class="skip">${L(lang, 'placesAndQueues')}</caption>
<thead><tr><th scope="col">${L(lang, 'unit')}</th><th scope="col">${L(lang, 'placesUsed')}</th><th scope="col">${L(lang, 'queue')}</th></tr></thead>
<tbody>${o.queues.map(
        (u) =>
          html`<tr><td>${u.name}</td><td>${u.inUse} / ${u.places}</td><td>${
            u.queue.length
              ? html`<ol>${u.queue.map((q) => html`<li><a href="/cases/${q.caseId}">${q.reference}</a>${q.since ? html` <span class="hint">${formatDateTime(lang, q.since)}</span>` : ''}</li>`)}</ol>`
              : '–'
          }</td></tr>`,
      )}</tbody></table></section>`
    : '';
  return page({
    lang,
    title: L(lang, 'todoTitle'),
    principal: o.principal,
    path: '/todo',
    body: html`${body}${answers}${queues}`,
  });
}
