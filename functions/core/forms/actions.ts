import * as z from 'zod/mini';
import {
  ACTIVITY_KINDS,
  EARLY_CLOSING_REASONS,
  EDUCATION_LEVELS,
  FOLLOW_UP_DECISIONS,
  FOREIGN_BACKGROUNDS,
  LABOUR_MARKET_STATUSES,
  OUTCOMES,
  TALK_POINTS,
  YES_NO_UNDISCLOSED,
} from '../case.ts';
import type { FieldIssue } from '../errors.ts';

/**
 * The forms of the process's actions, as zod/mini schemas over what a browser posts (strings).
 * Every issue carries a field and a code (the web catalogue words it in Swedish and English);
 * every field is checked in one round. Rules that need the record (working time, meetings held)
 * are checked by the use case.
 */

type Raw = Record<string, string | undefined>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (s: string) =>
  ISO_DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

const text = (max: number) => z.string().check(z.trim(), z.maxLength(max, { error: 'length' }));
const required = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, { error: 'required' }), z.maxLength(max, { error: 'length' }));
const date = () => z.string().check(z.trim(), z.refine(realDate, { error: 'date' }));
const choice = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: 'required' });
const yesNo = () => z.enum(['yes', 'no'], { error: 'required' });
const percent = () =>
  z.string().check(
    z.trim(),
    z.refine((s) => /^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= 100, { error: 'percent' }),
  );
const optionalPercent = () =>
  z.string().check(
    z.trim(),
    z.refine((s) => s === '' || (/^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= 100), {
      error: 'percent',
    }),
  );
const formId = () => z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'format' })));

/** Runs a schema over a posted form: each field is read as a string ('' when absent). */
function parse<S extends z.ZodMiniObject>(schema: S, raw: Raw, lists: string[] = []): Parsed<z.infer<S>> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const optional = (schema.shape[key] as z.ZodMiniType)._zod.optin === 'optional';
    if (lists.includes(key)) input[key] = raw[key] ?? '';
    else input[key] = raw[key] ?? (optional ? undefined : '');
  }
  const out = z.safeParse(schema, input);
  if (out.success) return { ok: true, value: out.data };
  const issues: FieldIssue[] = [];
  for (const i of out.error.issues) {
    const field = String(i.path[0] ?? 'form');
    if (issues.some((x) => x.field === field)) continue; // one message per field
    const code = i.message && /^[a-zA-Z]+$/.test(i.message) ? i.message : 'format';
    const max = (i as { maximum?: number }).maximum;
    issues.push({
      field,
      code,
      ...(code === 'length' && typeof max === 'number' ? { params: { max } } : {}),
    });
  }
  return { ok: false, issues };
}

/** Tasks come as one comma-free list: repeated fields `tasks` joined by newlines by the web layer. */
export const splitList = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

const Intake = z.object({
  decision: choice(['accepted', 'declined'] as const),
  reason: text(2000),
  labourMarketStatus: z.optional(z.string()),
  education: z.optional(z.string()),
  disability: z.optional(z.string()),
  foreignBackground: z.optional(z.string()),
});
export function parseIntake(raw: Raw) {
  const r = parse(Intake, raw);
  const issues = r.ok ? [] : [...r.issues];
  const v = r.ok ? r.value : undefined;
  const decision = raw.decision?.trim();
  if (decision === 'declined' && !raw.reason?.trim()) issues.push({ field: 'reason', code: 'required' });
  const pick = <T extends readonly string[]>(field: string, values: T) => {
    const value = raw[field]?.trim() ?? '';
    if (decision === 'accepted' && !values.includes(value)) issues.push({ field, code: 'required' });
    return value as T[number];
  };
  const entry = {
    labourMarketStatus: pick('labourMarketStatus', LABOUR_MARKET_STATUSES),
    education: pick('education', EDUCATION_LEVELS),
    disability: pick('disability', YES_NO_UNDISCLOSED),
    foreignBackground: pick('foreignBackground', FOREIGN_BACKGROUNDS),
  };
  if (issues.length || !v) return { ok: false as const, issues };
  return {
    ok: true as const,
    value: {
      decision: v.decision,
      ...(v.decision === 'declined' ? { reason: v.reason } : { entry }),
    },
  };
}

const Plan = z.object({
  goals: required(2000),
  tasks: z.string(),
  percent: percent(),
  adaptations: text(2000),
  startDate: date(),
});
export function parsePlan(raw: Raw) {
  const r = parse(Plan, raw, ['tasks']);
  const issues = r.ok ? [] : [...r.issues];
  const tasks = splitList(raw.tasks ?? '');
  if (!tasks.length && !issues.some((i) => i.field === 'tasks'))
    issues.push({ field: 'tasks', code: 'required' });
  if (issues.length || !r.ok) return { ok: false as const, issues };
  return { ok: true as const, value: { ...r.value, tasks, percent: Number(r.value.percent) } };
}

const Talk = z.object({
  formId: formId(),
  date: date(),
  capacityDeclined: yesNo(),
  ...Object.fromEntries(TALK_POINTS.map((p) => [p, text(2000)])),
} as Record<string, z.ZodMiniType>);
export function parseTalk(raw: Raw) {
  const r = parse(Talk, raw);
  if (!r.ok) return r;
  const v = r.value as Record<string, string>;
  return {
    ok: true as const,
    value: {
      formId: v.formId,
      date: v.date ?? '',
      capacityDeclined: v.capacityDeclined === 'yes',
      points: Object.fromEntries(TALK_POINTS.map((p) => [p, v[p] ?? ''])) as Record<
        (typeof TALK_POINTS)[number],
        string
      >,
    },
  };
}

const FollowUp = z.object({
  participantPresent: yesNo(),
  caseOfficerPresent: yesNo(),
  summary: required(4000),
  decision: choice(FOLLOW_UP_DECISIONS),
  newPercent: optionalPercent(),
  reason: text(2000),
  tasks: z.string(),
});
export function parseFollowUp(raw: Raw) {
  const r = parse(FollowUp, raw, ['tasks']);
  const issues = r.ok ? [] : [...r.issues];
  const decision = raw.decision?.trim();
  if ((decision === 'increase' || decision === 'decrease') && !raw.newPercent?.trim())
    issues.push({ field: 'newPercent', code: 'required' });
  if (issues.length || !r.ok) return { ok: false as const, issues };
  const v = r.value;
  return {
    ok: true as const,
    value: {
      participantPresent: v.participantPresent === 'yes',
      caseOfficerPresent: v.caseOfficerPresent === 'yes',
      summary: v.summary,
      decision: v.decision,
      ...(v.newPercent ? { newPercent: Number(v.newPercent) } : {}),
      ...(v.reason ? { reason: v.reason } : {}),
      tasks: splitList(raw.tasks ?? ''),
    },
  };
}

const Resume = z.object({
  statementDate: date(),
  maxPercent: percent(),
  percent: percent(),
  avoidTasks: text(1000),
});
export function parseResume(raw: Raw) {
  const r = parse(Resume, raw);
  if (!r.ok) return r;
  return {
    ok: true as const,
    value: { ...r.value, maxPercent: Number(r.value.maxPercent), percent: Number(r.value.percent) },
  };
}

const Activity = z.object({ formId: formId(), kind: choice(ACTIVITY_KINDS), date: date(), note: text(500) });
export const parseActivity = (raw: Raw) => parse(Activity, raw);

const Early = z.object({ reason: choice(EARLY_CLOSING_REASONS), note: text(1000) });
export const parseCloseEarly = (raw: Raw) => parse(Early, raw);

const Closing = z.object({
  summary: required(4000),
  evaluation: required(4000),
  outcome: choice(OUTCOMES),
  explanation: text(2000),
  nextStepPlan: required(2000),
});
export function parseClosing(raw: Raw) {
  const r = parse(Closing, raw);
  const issues = r.ok ? [] : [...r.issues];
  if (raw.outcome?.trim() === 'noRealisticNextStep' && !raw.explanation?.trim())
    issues.push({ field: 'explanation', code: 'required' });
  if (issues.length || !r.ok) return { ok: false as const, issues };
  return { ok: true as const, value: r.value };
}

const AfterClosing = z.object({ outcome: choice(OUTCOMES), note: text(1000) });
export const parseAfterClosing = (raw: Raw) => parse(AfterClosing, raw);
