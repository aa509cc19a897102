import type { Principal } from '#core/auth';
import { dateTimeFormat } from '#core/clock';
import type { FieldIssue } from '#core/errors';
import { html, type Raw, raw } from './html.ts';
import { type Lang, type StringKey, t, tDynamic } from './i18n.ts';
import { issueText } from './issue-texts.ts';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f6f6f4}
a{color:#0b4f8a}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f2a900;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:2}
header{background:#1d3b2a;color:#fff;padding:12px 24px;display:flex;flex-wrap:wrap;gap:16px;align-items:center;justify-content:space-between}
header a{color:#fff}
header nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:8px 16px;margin:0;padding:0}
.brand{font-weight:700;font-size:1.25rem;color:#fff;text-decoration:none}
.who{display:flex;flex-wrap:wrap;gap:12px;align-items:center;font-size:.9rem}
main{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:1.75rem;margin-top:0}
fieldset{border:1px solid #b5b5b0;border-radius:6px;margin:0 0 20px;padding:12px 16px;background:#fff}
legend{font-weight:700;padding:0 4px}
.field{margin:12px 0}
label,.label{display:block;font-weight:600}
.hint{color:#4a4a48;font-size:.9rem;margin:2px 0 4px}
input[type=text],input[type=email],input[type=tel],input[type=date],input[type=time],select,textarea{width:100%;max-width:32rem;padding:8px;border:2px solid #5d5d5a;border-radius:4px;font:inherit;background:#fff}
textarea{min-height:6rem}
.radio{display:flex;gap:8px;align-items:center;margin:4px 0;font-weight:400}
.radio input{width:1.2rem;height:1.2rem}
.error-text{color:#a4000f;font-weight:600;margin:4px 0}
.has-error input,.has-error select,.has-error textarea{border-color:#a4000f}
.error-summary{border:3px solid #a4000f;background:#fff;padding:12px 16px;margin-bottom:20px}
.error-summary h2{margin-top:0;font-size:1.2rem}
.overdue td{background:#fff4e5}.tag{color:#7a2e00}
ul.plain{list-style:none;padding:0;background:#fff;margin:0 0 12px}ul.plain li{padding:4px 16px}
section.action{background:#fff;border:1px solid #d0d0cc;border-radius:6px;padding:12px 16px;margin:0 0 20px}
dd,dt{overflow-wrap:anywhere;min-width:0}
input,select,textarea{max-width:100%}
.notice{border-left:6px solid #1d6b3a;background:#fff;padding:12px 16px;margin-bottom:20px}
button,.button{background:#1d6b3a;color:#fff;border:0;border-radius:4px;padding:10px 18px;font:inherit;font-weight:600;cursor:pointer}
button.link{background:none;color:#fff;text-decoration:underline;padding:0}
button.danger{background:#a4000f}
details{margin:12px 0}
summary{cursor:pointer;font-weight:600;color:#0b4f8a;text-decoration:underline;padding:6px 0}
summary:focus{outline:3px solid #f2a900;outline-offset:2px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:8px;border-bottom:1px solid #d0d0cc;vertical-align:top}
table.cards td{overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#fff;padding:12px 16px;border-radius:6px}
dt{font-weight:600}dd{margin:0}
.status{font-weight:600}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:8px 16px;align-items:end}
.filters .field{margin:0}.filters select,.filters input{max-width:100%}
.actions-row{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:12px 0}
.tag-stuck{color:#7a0010;font-weight:700}.tag-overdue{color:#7a2e00;font-weight:700}
.muted{color:#4a4a48}
@media (max-width:600px){table.cards td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
@media (max-width:600px){dl{grid-template-columns:1fr}dd{margin-bottom:8px}main{padding:12px}header{padding:12px}table,thead,tbody,tr,th,td{display:block}thead{position:absolute;left:-9999px}td{border:0;padding:4px 8px}tr{border-bottom:1px solid #d0d0cc;padding:4px 0}}
`;

export interface PageOpts {
  lang: Lang;
  title: string;
  principal?: Principal;
  /** Path (and query) of this page, for the language switch. */
  path: string;
  body: Raw;
  status?: number;
  /** A page for someone without an account (a participant's link): no sign-in links. */
  plain?: boolean;
}

const isStaffLike = (p: Principal) =>
  p.groups.some((g) => g === 'referrer' || g === 'coordinator' || g === 'admin');

function nav(lang: Lang, p: Principal | undefined): Raw {
  if (!p) return html``;
  const items: [string, StringKey][] = [['/todo', 'navTodo']];
  items.push([
    '/referrals',
    p.groups.includes('supervisor') && !isStaffLike(p) ? 'navMyCases' : 'navReferrals',
  ]);
  if (p.groups.includes('referrer')) items.push(['/referrals/new', 'navNewReferral']);
  if (p.groups.includes('admin') || p.groups.includes('coordinator'))
    items.push(['/admin/placements', 'navPlacements'], ['/admin/dashboard', 'navDashboard']);
  if (p.groups.includes('admin')) items.push(['/admin/audit', 'navAudit']);
  const admin: [string, string][] = p.groups.includes('admin')
    ? [
        ['/admin/units', 'navUnits'],
        ['/admin/staff', 'navStaff'],
        ['/admin/privacy', 'navPrivacy'],
      ]
    : [];
  return html`<nav aria-label="${t(lang, 'mainNav')}"><ul>${items.map(([href, key]) => html`<li><a href="${href}">${t(lang, key)}</a></li>`)}${admin.map(([href, key]) => html`<li><a href="${href}">${tDynamic(lang, key)}</a></li>`)}</ul></nav>`;
}

/** The same page (path and query) in another language. */
function withLang(path: string, lang: Lang): string {
  const u = new URL(path, 'http://page.invalid');
  u.searchParams.set('lang', lang);
  return u.pathname + u.search;
}

export function page(o: PageOpts): Raw {
  const other: Lang = o.lang === 'sv' ? 'en' : 'sv';
  return html`<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} – Stegvis</title>
<style>${raw(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">${t(o.lang, 'skipToContent')}</a>
<header>
  ${o.plain ? html`<span class="brand">Stegvis</span>` : html`<a class="brand" href="/">Stegvis</a>`}
  ${o.plain ? '' : nav(o.lang, o.principal)}
  <div class="who">
    <a href="${withLang(o.path, other)}" lang="${other}">${t(o.lang, 'otherLanguage')}</a>
    ${
      o.principal
        ? html`<span>${t(o.lang, 'signedInAs')} ${o.principal.name}</span>
    <form method="post" action="/auth/logout"><button class="link" type="submit">${t(o.lang, 'signOut')}</button></form>`
        : ''
    }
  </div>
</header>
<main id="main" tabindex="-1">
${o.body}
</main>
</body>
</html>`;
}

const HIDDEN_FIELDS = new Set(['submissionId', 'body', 'version', 'formId']);

/** Page title prefix when a form came back with errors, so screen readers hear it first. */
export const errorTitle = (lang: Lang, issues: readonly FieldIssue[], title: string) =>
  issues.length ? `${lang === 'sv' ? 'Fel' : 'Error'}: ${title}` : title;

export function errorSummary(lang: Lang, issues: readonly FieldIssue[], prefix?: string): Raw {
  if (issues.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus>
<h2>${t(lang, 'errorSummary')}</h2>
<ul>${issues.map((i) =>
    // Issues without a visible field (an expired form) are plain text, not dead links.
    HIDDEN_FIELDS.has(i.field)
      ? html`<li>${issueText(lang, i)}</li>`
      : html`<li><a href="#${fieldId(i.field, prefix)}">${issueText(lang, i)}</a></li>`,
  )}</ul>
</div>`;
}

export interface FieldOpts {
  lang: Lang;
  name: string;
  label: string;
  value?: string;
  type?: 'text' | 'email' | 'tel' | 'date' | 'time';
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  issues: readonly FieldIssue[];
  /** Prefix of the element ids, unique per form: a page with several forms has no duplicate ids. */
  prefix?: string;
}

/** The id of a field's element (its label's `for`, the error summary's link target). */
export const fieldId = (name: string, prefix?: string) => (prefix ? `${prefix}-${name}` : name);

const issueFor = (issues: readonly FieldIssue[], name: string) => issues.find((i) => i.field === name);

function describedBy(name: string, hint: string | undefined, err: FieldIssue | undefined) {
  // `name` here is the field's element id.
  const ids = [hint ? `${name}-hint` : '', err ? `${name}-error` : ''].filter(Boolean).join(' ');
  return ids ? raw(` aria-describedby="${ids}"`) : raw('');
}

/** Every message about the field, beside it: one decision can break several rules at once. */
export const errorText = (lang: Lang, id: string, issues: readonly FieldIssue[], name: string) => {
  const own = issues.filter((i) => i.field === name);
  return own.length
    ? html`<p class="error-text" id="${id}-error">${own.map((i) => issueText(lang, i)).join(' ')}</p>`
    : '';
};

export function textField(o: FieldOpts): Raw {
  const err = issueFor(o.issues, o.name);
  const fid = fieldId(o.name, o.prefix);
  return html`<div class="field${err ? ' has-error' : ''}">
<label for="${fid}">${o.label}${o.required ? ' *' : ''}</label>
${o.hint ? html`<p class="hint" id="${fid}-hint">${o.hint}</p>` : ''}
${errorText(o.lang, fid, o.issues, o.name)}
<input type="${o.type ?? 'text'}" id="${fid}" name="${o.name}" value="${o.value ?? ''}"${o.required ? raw(' required') : ''}${
    o.autocomplete ? raw(` autocomplete="${o.autocomplete}"`) : ''
  }${err ? raw(' aria-invalid="true"') : ''}${describedBy(fid, o.hint, err)}>
</div>`;
}

export function textArea(o: FieldOpts): Raw {
  const err = issueFor(o.issues, o.name);
  const fid = fieldId(o.name, o.prefix);
  return html`<div class="field${err ? ' has-error' : ''}">
<label for="${fid}">${o.label}${o.required ? ' *' : ''}</label>
${o.hint ? html`<p class="hint" id="${fid}-hint">${o.hint}</p>` : ''}
${errorText(o.lang, fid, o.issues, o.name)}
<textarea id="${fid}" name="${o.name}"${err ? raw(' aria-invalid="true"') : ''}${describedBy(fid, o.hint, err)}>${o.value ?? ''}</textarea>
</div>`;
}

export function selectField(
  o: FieldOpts & { options: { value: string; label: string }[]; placeholder: string },
): Raw {
  const err = issueFor(o.issues, o.name);
  const fid = fieldId(o.name, o.prefix);
  return html`<div class="field${err ? ' has-error' : ''}">
<label for="${fid}">${o.label}${o.required ? ' *' : ''}</label>
${o.hint ? html`<p class="hint" id="${fid}-hint">${o.hint}</p>` : ''}
${errorText(o.lang, fid, o.issues, o.name)}
<select id="${fid}" name="${o.name}"${o.required ? raw(' required') : ''}${err ? raw(' aria-invalid="true"') : ''}${describedBy(fid, o.hint, err)}>
<option value="">${o.placeholder}</option>
${o.options.map((op) => html`<option value="${op.value}"${op.value === o.value ? raw(' selected') : ''}>${op.label}</option>`)}
</select>
</div>`;
}

export function radioGroup(o: FieldOpts & { options: { value: string; label: string }[] }): Raw {
  const err = issueFor(o.issues, o.name);
  const fid = fieldId(o.name, o.prefix);
  // The first radio carries the field's id, so the error summary's link moves focus to it.
  const id = (i: number) => (i === 0 ? fid : `${fid}-${i}`);
  return html`<fieldset class="field${err ? ' has-error' : ''}" id="${fid}-group"${err ? raw(` aria-describedby="${fid}-error"`) : ''}>
<legend>${o.label}${o.required ? ' *' : ''}</legend>
${errorText(o.lang, fid, o.issues, o.name)}
${o.options.map(
  (op, i) =>
    html`<label class="radio"><input type="radio" name="${o.name}" id="${id(i)}" value="${op.value}"${
      op.value === o.value ? raw(' checked') : ''
    }${o.required ? raw(' required') : ''}${err ? raw(` aria-invalid="true" aria-describedby="${fid}-error"`) : ''}> ${op.label}</label>`,
)}
</fieldset>`;
}

export function formatDateTime(lang: Lang, d: Date | string | number): string {
  return dateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {
    timeZone: 'Europe/Stockholm',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(d));
}
