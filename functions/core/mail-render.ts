/**
 * One mail, written once, rendered twice: a plain-text part and an HTML part with the same words
 * in the same order. Plain language: a greeting, short paragraphs, the facts as label and value,
 * at most one link with a sentence saying what it is for, and who to call.
 */
export type MailLang = 'sv' | 'en';

export interface MailDoc {
  lang: MailLang;
  subject: string;
  /** Short paragraphs, in order, before the facts. */
  lead: string[];
  /** Label and value: when, where, phone. */
  facts?: [string, string][];
  /** The one thing to do, with its link. */
  action?: { text: string; url: string; label: string };
  /** Short paragraphs after the facts and the link. */
  after?: string[];
  /** A last line, in smaller print in HTML. */
  footer?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const GREETING: Record<MailLang, string> = { sv: 'Hej!', en: 'Hello,' };

/** HTML-escapes text for an element or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );
}

/** Only http(s) links are ever written into a mail. */
function safeUrl(url: string): string {
  if (!/^https?:\/\/[^\s"'<>]+$/.test(url)) throw new Error('A mail link must be an http(s) URL');
  return url;
}

export function renderMail(doc: MailDoc): RenderedMail {
  const facts = doc.facts ?? [];
  const text = [
    GREETING[doc.lang],
    '',
    ...doc.lead.flatMap((p) => [p, '']),
    ...(facts.length ? [...facts.map(([k, v]) => `${k}: ${v}`), ''] : []),
    ...(doc.action ? [doc.action.text, safeUrl(doc.action.url), ''] : []),
    ...(doc.after ?? []).flatMap((p) => [p, '']),
    ...(doc.footer ? [doc.footer] : []),
  ]
    .join('\n')
    .trimEnd();

  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="${doc.lang}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:17px;line-height:1.5;color:#1b1b1b;background:#ffffff">',
    '<div style="max-width:36em">',
    p(GREETING[doc.lang]),
    ...doc.lead.map(p),
    ...(facts.length
      ? [
          '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">',
          ...facts.map(
            ([k, v]) =>
              `<tr><th scope="row" style="text-align:left;vertical-align:top;padding:4px 16px 4px 0;font-weight:bold">${escapeHtml(k)}</th><td style="padding:4px 0">${escapeHtml(v)}</td></tr>`,
          ),
          '</table>',
        ]
      : []),
    ...(doc.action
      ? [
          p(doc.action.text),
          `<p style="margin:0 0 16px"><a href="${escapeHtml(safeUrl(doc.action.url))}" style="display:inline-block;padding:12px 20px;background:#1d4f91;color:#ffffff;text-decoration:underline;border-radius:4px;font-weight:bold">${escapeHtml(doc.action.label)}</a></p>`,
          `<p style="margin:0 0 16px;font-size:15px;word-break:break-all">${escapeHtml(doc.action.url)}</p>`,
        ]
      : []),
    ...(doc.after ?? []).map(p),
    ...(doc.footer
      ? [`<p style="margin:24px 0 0;font-size:15px;color:#444444">${escapeHtml(doc.footer)}</p>`]
      : []),
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
  return { subject: doc.subject, text, html };
}
