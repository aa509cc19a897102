import * as z from 'zod/mini';
import { GENDERS, type Gender } from '../case.ts';
import { dateTimeFormat } from '../clock.ts';
import type { FieldIssue } from '../errors.ts';
import { type IdentityNumber, parseIdentityNumber } from '../personnummer.ts';
import { isDeliverableAddress } from './email.ts';
import {
  addIssue,
  addMonthsToDate,
  choice,
  date,
  type Parsed,
  parse,
  required,
  text,
  yesNo,
} from './fields.ts';

/**
 * The referral form a referring authority submits. Every issue carries a field and a code; the
 * web catalogue (functions/web/process-texts.ts, `issue_<field>.<code>`) words it in Swedish and
 * English. All fields are checked in one round, the rules between fields beside them.
 */

/** What the referral form posts (all strings, as a browser sends them). */
export type ReferralForm = Partial<Record<ReferralField, string>>;

export const REFERRAL_FIELDS = [
  'participantName',
  'identityNumber',
  'email',
  'phone',
  'gender',
  'placementAgreementRef',
  'unitId',
  'adaptationNeeds',
  'languageSupport',
  'language',
  'mailLanguage',
  'plannedStart',
  'plannedEnd',
  'submissionId',
] as const;
export type ReferralField = (typeof REFERRAL_FIELDS)[number];

export interface ValidReferral {
  participantName: string;
  identity: IdentityNumber;
  email: string;
  phone: string;
  gender: Gender;
  placementAgreementRef: string;
  unitId: string;
  adaptationNeeds: string;
  languageSupport: boolean;
  language: string;
  /** The language of mail and the answer page to the participant. */
  mailLanguage: 'sv' | 'en';
  plannedStart: string;
  plannedEnd: string;
  submissionId: string;
}

/** A placement lasts at most this long (the ESF project: 3 to 24 months). */
export const MAX_PLACEMENT_MONTHS = 24;
/** A planned start may lie at most this far back (a referral written after the fact). */
export const START_MONTHS_BACK = 1;

const PHONE = /^\+?[0-9 ()-]{6,20}$/;
const isPhone = (s: string) => PHONE.test(s) && s.replace(/\D/g, '').length >= 6;

const referralSchema = (today: Date, unitIds: readonly string[]) =>
  z.object({
    participantName: z.string().check(
      z.overwrite((s) => s.trim().replace(/\s+/g, ' ')),
      z.minLength(1, { error: 'required' }),
      z.minLength(2, { error: 'length' }),
      z.maxLength(200, { error: 'length' }),
    ),
    identityNumber: z.string().check(
      z.superRefine((s, ctx) => {
        const id = parseIdentityNumber(s, today);
        if (!id.ok) ctx.issues.push({ code: 'custom', message: id.code, input: s });
      }),
    ),
    email: z.string().check(
      z.overwrite((s) => s.trim().toLowerCase()),
      z.minLength(1, { error: 'required' }),
      z.refine(isDeliverableAddress, { error: 'format' }),
    ),
    phone: z
      .string()
      .check(z.trim(), z.minLength(1, { error: 'required' }), z.refine(isPhone, { error: 'format' })),
    gender: choice(GENDERS),
    placementAgreementRef: required(100),
    unitId: z.string().check(
      z.trim(),
      z.refine((s) => unitIds.includes(s), { error: 'required' }),
    ),
    adaptationNeeds: text(2000),
    languageSupport: yesNo(),
    language: text(100),
    // Absent (an older form, an API caller): Swedish. Present, it must be one of the two.
    mailLanguage: z.optional(choice(['sv', 'en'] as const)),
    plannedStart: date(),
    plannedEnd: date(),
    submissionId: z.string().check(z.trim(), z.regex(/^[A-Za-z0-9-]{16,64}$/, { error: 'format' })),
  });

/** Today's date in Sweden, YYYY-MM-DD (a referral is written and read there). */
function swedishDate(instant: Date): string {
  return dateTimeFormat('en-CA', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/**
 * Validates a referral. Returns every field-level problem at once (never just the first); the
 * form is re-rendered with what was typed.
 */
export function validateReferral(
  form: ReferralForm,
  ctx: { today: Date; unitIds: readonly string[] },
): Parsed<ValidReferral> {
  const r = parse(referralSchema(ctx.today, ctx.unitIds), form);
  const issues: FieldIssue[] = r.ok ? [] : [...r.issues];
  const raw = (k: ReferralField) => (form[k] ?? '').trim();

  // The rules between fields, checked whenever the fields they read can be read.
  const wantsSupport = raw('languageSupport') === 'yes';
  if (wantsSupport && !raw('language')) addIssue(issues, { field: 'language', code: 'required' });
  const start = raw('plannedStart');
  const end = raw('plannedEnd');
  const startOk = !issues.some((i) => i.field === 'plannedStart');
  const endOk = !issues.some((i) => i.field === 'plannedEnd');
  if (startOk && start < addMonthsToDate(swedishDate(ctx.today), -START_MONTHS_BACK))
    addIssue(issues, { field: 'plannedStart', code: 'past', params: { months: START_MONTHS_BACK } });
  if (startOk && endOk && end <= start) addIssue(issues, { field: 'plannedEnd', code: 'order' });
  else if (startOk && endOk && end > addMonthsToDate(start, MAX_PLACEMENT_MONTHS))
    addIssue(issues, { field: 'plannedEnd', code: 'tooLong', params: { months: MAX_PLACEMENT_MONTHS } });

  if (issues.length || !r.ok) return { ok: false, issues };
  const v = r.value;
  const id = parseIdentityNumber(v.identityNumber, ctx.today);
  if (!id.ok) return { ok: false, issues: [{ field: 'identityNumber', code: id.code }] };
  return {
    ok: true,
    value: {
      participantName: v.participantName,
      identity: id.value,
      email: v.email,
      phone: v.phone,
      gender: v.gender,
      placementAgreementRef: v.placementAgreementRef,
      unitId: v.unitId,
      adaptationNeeds: v.adaptationNeeds,
      languageSupport: v.languageSupport === 'yes',
      language: v.languageSupport === 'yes' ? v.language : '',
      mailLanguage: v.mailLanguage ?? 'sv',
      plannedStart: v.plannedStart,
      plannedEnd: v.plannedEnd,
      submissionId: v.submissionId,
    },
  };
}
