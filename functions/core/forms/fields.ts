import * as z from 'zod/mini';
import type { FieldIssue } from '../errors.ts';

/**
 * The building blocks of every form: zod/mini fields over what a browser posts (strings), each
 * failing with a code (never words: functions/web/issue-texts.ts and the catalogue word them in
 * Swedish and English), and `parse`, which reads a whole form in one round.
 */

export type Raw = Record<string, string | undefined>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar date written YYYY-MM-DD (not 2026-02-30). */
export function isRealDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`); // month 13 or day 32 is an invalid Date, not an exception
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Adds whole calendar months to a YYYY-MM-DD date (clamped by Date: 31 Jan + 1 month = 3 Mar). */
export function addMonthsToDate(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export const text = (max: number) => z.string().check(z.trim(), z.maxLength(max, { error: 'length' }));
export const required = (max: number, min = 1) =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, { error: 'required' }),
      ...(min > 1 ? [z.minLength(min, { error: 'length' })] : []),
      z.maxLength(max, { error: 'length' }),
    );
export const date = () => z.string().check(z.trim(), z.refine(isRealDate, { error: 'date' }));
export const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: 'required' });
export const yesNo = () => z.enum(['yes', 'no'], { error: 'required' });
const isPercent = (s: string) => /^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= 100;
export const percent = () => z.string().check(z.trim(), z.refine(isPercent, { error: 'percent' }));
export const optionalPercent = () =>
  z.string().check(
    z.trim(),
    z.refine((s) => s === '' || isPercent(s), { error: 'percent' }),
  );
export const formId = () =>
  z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'format' })));

/**
 * Runs a schema over a posted form: each field is read as a string ('' when absent, except
 * optional fields). Returns every field's first issue, all in one round.
 */
export function parse<S extends z.ZodMiniObject>(
  schema: S,
  raw: Raw,
  lists: string[] = [],
): Parsed<z.infer<S>> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const optional = (schema.shape[key] as z.ZodMiniType)._zod.optin === 'optional';
    if (lists.includes(key)) input[key] = raw[key] ?? '';
    else input[key] = raw[key] ?? (optional ? undefined : '');
  }
  const out = z.safeParse(schema, input);
  if (out.success) return { ok: true, value: out.data };
  return { ok: false, issues: issuesOf(out.error.issues) };
}

/** One issue per field, the first zod reported; a length issue names its limits. */
function issuesOf(zodIssues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const i of zodIssues) {
    const field = String(i.path[0] ?? 'form');
    if (issues.some((x) => x.field === field)) continue;
    const code = i.message && /^[a-zA-Z0-9]+$/.test(i.message) ? i.message : 'format';
    const { maximum, minimum } = i as { maximum?: number; minimum?: number };
    const params: FieldIssue['params'] =
      code !== 'length'
        ? undefined
        : typeof maximum === 'number'
          ? { max: maximum }
          : { min: Number(minimum) };
    issues.push({ field, code, ...(params ? { params } : {}) });
  }
  return issues;
}

/** Adds an issue unless its field already has one (a person sees one message per field). */
export function addIssue(issues: FieldIssue[], issue: FieldIssue) {
  if (!issues.some((i) => i.field === issue.field)) issues.push(issue);
}

/** Tasks come as one comma-free list: repeated fields `tasks` joined by newlines by the web layer. */
export const splitList = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
