import * as z from 'zod/mini';
import { STAFF_ROLES, type StaffInvite } from '../ports.ts';
import { isDeliverableAddress } from './email.ts';
import { choice, formId, type Parsed, parse, type Raw, required, text } from './fields.ts';

/** The invitation form of the admin console: a person's name, e-mail, role and organisation. */
const InviteForm = z.object({
  staffName: required(120, 2),
  staffEmail: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, { error: 'required' }),
      z.refine(isDeliverableAddress, { error: 'format' }),
    ),
  staffRole: choice(STAFF_ROLES),
  staffOrganisation: required(100, 2),
  formId: formId(),
});

/** Organisation ids are short slugs (`malmo-stad-ama`): they scope what a referrer sees. */
const ORGANISATION = /^[a-z0-9][a-z0-9-]{1,99}$/;

export function parseInviteForm(raw: Raw): Parsed<StaffInvite & { formId?: string }> {
  const r = parse(InviteForm, raw);
  const issues = r.ok ? [] : [...r.issues];
  const org = raw.staffOrganisation?.trim() ?? '';
  if (org && !ORGANISATION.test(org) && !issues.some((i) => i.field === 'staffOrganisation'))
    issues.push({ field: 'staffOrganisation', code: 'format' });
  if (!r.ok || issues.length) return { ok: false, issues };
  return {
    ok: true,
    value: {
      name: r.value.staffName,
      email: r.value.staffEmail.toLowerCase(),
      role: r.value.staffRole,
      organisation: r.value.staffOrganisation,
      formId: r.value.formId,
    },
  };
}

/** Disabling an account needs a reason (it goes into the audit trail); enabling may give one. */
const ChangeForm = z.object({ reason: text(500) });
export function parseAccountChange(raw: Raw, enabled: boolean): Parsed<{ reason: string }> {
  const r = parse(ChangeForm, raw);
  if (!r.ok) return r;
  if (!enabled && r.value.reason.length === 0)
    return { ok: false, issues: [{ field: 'reason', code: 'required' }] };
  if (!enabled && r.value.reason.length < 3)
    return { ok: false, issues: [{ field: 'reason', code: 'tooShort', params: { min: 3 } }] };
  return r;
}
