import * as z from 'zod/mini';
import {
  ACTIVITY_KINDS,
  EARLY_CLOSING_REASONS,
  EDUCATION_LEVELS,
  FOLLOW_UP_DECISIONS,
  FOREIGN_BACKGROUNDS,
  LABOUR_MARKET_STATUSES,
  OUTCOMES,
  STUDY_VISIT_OUTCOMES,
  TALK_POINTS,
  YES_NO_UNDISCLOSED,
} from '../case.ts';
import { TARGET_GROUPS, type TargetGroup } from '../target-groups.ts';
import {
  addIssue,
  choice,
  date,
  formId,
  optionalPercent,
  parse,
  percent,
  type Raw,
  required,
  splitList,
  text,
  yesNo,
} from './fields.ts';

/**
 * The forms of the process's actions, as zod/mini schemas over what a browser posts (strings).
 * Every issue carries a field and a code (the web catalogue words it in Swedish and English);
 * every field is checked in one round. Rules that need the record (working time, meetings held)
 * are checked by the use case.
 */

const StudyVisitOutcome = z.object({ outcome: choice(STUDY_VISIT_OUTCOMES), declineReason: text(2000) });
/** The outcome of the study visit; "does not want to start" needs the participant's reason. */
export function parseStudyVisitOutcome(raw: Raw) {
  const r = parse(StudyVisitOutcome, raw);
  const issues = r.ok ? [] : [...r.issues];
  if (raw.outcome?.trim() === 'declined' && !raw.declineReason?.trim())
    addIssue(issues, { field: 'declineReason', code: 'required' });
  if (issues.length || !r.ok) return { ok: false as const, issues };
  return { ok: true as const, value: r.value };
}

const Intake = z.object({
  decision: choice(['accepted', 'declined'] as const),
  reason: text(2000),
  labourMarketStatus: z.optional(z.string()),
  education: z.optional(z.string()),
  disability: z.optional(z.string()),
  foreignBackground: z.optional(z.string()),
  targetGroup: z.optional(z.string()),
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
  // The project's target group: optional (a case without it counts as "not recorded"), but
  // never a value the project does not have.
  const targetGroup = raw.targetGroup?.trim() ?? '';
  if (decision === 'accepted' && targetGroup && !TARGET_GROUPS.includes(targetGroup as TargetGroup))
    issues.push({ field: 'targetGroup', code: 'format' });
  if (issues.length || !v) return { ok: false as const, issues };
  return {
    ok: true as const,
    value: {
      decision: v.decision,
      ...(v.decision === 'declined'
        ? { reason: v.reason }
        : { entry: { ...entry, ...(targetGroup ? { targetGroup: targetGroup as TargetGroup } : {}) } }),
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
  if (!r.ok) {
    // The cap rule needs no record: named in the same round as the other fields' errors.
    const [cap, wanted] = [Number(raw.maxPercent?.trim()), Number(raw.percent?.trim())];
    const issues = [...r.issues];
    if (!issues.some((i) => i.field === 'percent' || i.field === 'maxPercent') && wanted > cap)
      issues.push({ field: 'percent', code: 'aboveCap', params: { cap } });
    return { ok: false as const, issues };
  }
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

const AfterClosing = z.object({
  outcome: choice(OUTCOMES),
  note: text(1000),
  /** Which question the form answers (set by the page). */
  which: z.optional(z.enum(['fourWeeks', 'sixMonths'], { error: 'format' })),
  /** Has the participant gained a qualification (ESF+)? Optional: yes, no or not answered. */
  qualificationGained: z.optional(z.enum(['yes', 'no', ''], { error: 'format' })),
});
export function parseAfterClosing(raw: Raw) {
  const r = parse(AfterClosing, raw);
  if (!r.ok) return r;
  const { qualificationGained, ...rest } = r.value;
  return {
    ok: true as const,
    value: {
      ...rest,
      ...(qualificationGained ? { qualificationGained: qualificationGained === 'yes' } : {}),
    },
  };
}

const ParticipantAnswerForm = z.object({
  answer: choice(['coming', 'otherTime'] as const),
  message: text(500),
});
/** A participant's answer through their link: coming, or another time (a short message optional). */
export function parseParticipantAnswer(raw: Raw) {
  const r = parse(ParticipantAnswerForm, raw);
  if (!r.ok) return r;
  return { ok: true as const, value: { answer: r.value.answer, message: r.value.message || undefined } };
}
