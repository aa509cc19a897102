import type { FieldIssue } from '#core/errors';
import type { GoneReason, LinkView } from '#core/use-cases/participant-links';
import { html, raw } from './html.ts';
import type { Lang } from './i18n.ts';
import { errorSummary, errorTitle, formatDateTime, page, radioGroup, textArea } from './layout.ts';
import { processText } from './process-texts.ts';

/**
 * The participant's own page behind their link: which meeting, when, where, and two answers.
 * Plain words, no sign-in, works without JavaScript and at 320 px.
 */
const P = (lang: Lang, key: string) => processText(lang, key) ?? key;

function meetingFacts(lang: Lang, v: LinkView) {
  return html`<dl>
<dt>${P(lang, 'p_what')}</dt><dd>${P(lang, `p_meeting_${v.meeting.kind}`)}, ${v.unitName}</dd>
<dt>${P(lang, 'p_when')}</dt><dd>${formatDateTime(lang, v.meeting.start)}–${formatDateTime(lang, v.meeting.end).slice(-5)}</dd>
<dt>${P(lang, 'p_where')}</dt><dd>${v.meeting.location}</dd>
${v.phone ? html`<dt>${P(lang, 'p_phone')}</dt><dd><a href="tel:${v.phone.replace(/[^+\d]/g, '')}">${v.phone}</a></dd>` : ''}
</dl>`;
}

export function answerPage(o: {
  lang: Lang;
  path: string;
  view: LinkView;
  values?: Record<string, string>;
  issues?: readonly FieldIssue[];
}) {
  const { lang, view } = o;
  const issues = o.issues ?? [];
  const v = o.values ?? {};
  const body = html`<h1>${P(lang, `p_meeting_${view.meeting.kind}`)}</h1>
${meetingFacts(lang, view)}
<section class="action" aria-labelledby="answer-h"><h2 id="answer-h">${P(lang, 'p_question')}</h2>
${errorSummary(lang, issues)}
<form method="post" action="${o.path.split('?')[0]}" novalidate>
${radioGroup({
  lang,
  name: 'answer',
  label: P(lang, 'p_answer'),
  required: true,
  value: v.answer,
  issues,
  options: [
    { value: 'coming', label: P(lang, 'p_coming') },
    { value: 'otherTime', label: P(lang, 'p_otherTime') },
  ],
})}
${textArea({ lang, name: 'message', label: P(lang, 'p_message'), hint: P(lang, 'p_messageHint'), value: v.message, issues })}
<button type="submit">${P(lang, 'p_send')}</button>
</form></section>`;
  return page({
    lang,
    title: errorTitle(lang, issues, P(lang, `p_meeting_${view.meeting.kind}`)),
    path: o.path,
    body,
    plain: true,
  });
}

export function answeredPage(o: {
  lang: Lang;
  path: string;
  view: LinkView;
  answer: 'coming' | 'otherTime';
}) {
  const { lang } = o;
  return page({
    lang,
    title: P(lang, 'p_thanks'),
    path: o.path,
    plain: true,
    body: html`<h1>${P(lang, 'p_thanks')}</h1>
<div class="notice" role="status"><p>${P(lang, o.answer === 'coming' ? 'p_thanksComing' : 'p_thanksOtherTime')}</p></div>
${meetingFacts(lang, o.view)}`,
  });
}

export function gonePage(o: { lang: Lang; path: string; reason: GoneReason; phone?: string }) {
  const { lang } = o;
  return page({
    lang,
    title: P(lang, 'p_goneTitle'),
    path: o.path,
    plain: true,
    body: html`<h1>${P(lang, 'p_goneTitle')}</h1>
<p>${P(lang, `p_gone_${o.reason}`)}</p>
<p>${o.phone ? html`${P(lang, 'p_callUs')} <a href="tel:${o.phone.replace(/[^+\d]/g, '')}">${o.phone}</a>.` : raw(P(lang, 'p_askStaff'))}</p>`,
  });
}
