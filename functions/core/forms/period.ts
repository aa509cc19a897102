import type { FieldIssue } from '../errors.ts';
import type { Period } from '../reports.ts';
import { isRealDate } from './fields.ts';

/**
 * A report's period from the query string: two real dates, the first not after the second, at
 * most ten years apart. Issues are per field; nothing is computed while there is one.
 */
export function parsePeriod(
  q: Record<string, string | undefined>,
): { ok: true; value: Period } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const from = q.from?.trim() ?? '';
  const to = q.to?.trim() ?? '';
  for (const [field, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!v) issues.push({ field, code: 'required' });
    else if (!isRealDate(v)) issues.push({ field, code: 'date' });
  }
  if (!issues.length && to < from) issues.push({ field: 'to', code: 'order' });
  if (!issues.length && Number(to.slice(0, 4)) - Number(from.slice(0, 4)) > 10)
    issues.push({ field: 'to', code: 'tooLong' });
  return issues.length ? { ok: false, issues } : { ok: true, value: { from, to } };
}
