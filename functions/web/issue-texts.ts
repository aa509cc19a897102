import type { FieldIssue } from '#core/errors';
import type { Lang } from './i18n.ts';
import { formatDateTime } from './layout.ts';
import { processText } from './process-texts.ts';

/**
 * The words of a form issue, for a person: the catalogue's text for `issue_<field>.<code>`, else
 * for `issue_<code>`, params filled in. Rules carry codes only; every word lives in the catalogue.
 */
export function issueText(lang: Lang, issue: FieldIssue): string {
  const text =
    processText(lang, `issue_${issue.field}.${issue.code}`) ??
    processText(lang, `issue_${issue.code}`) ??
    processText(lang, 'issue_format') ??
    issue.code;
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => {
    const v = issue.params?.[k];
    if (v === undefined) return '';
    return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? formatDateTime(lang, v) : String(v);
  });
}
