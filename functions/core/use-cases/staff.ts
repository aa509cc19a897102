import type { Principal } from '../auth.ts';
import { type FieldIssue, NotFoundError } from '../errors.ts';
import type { Raw } from '../forms/fields.ts';
import { parseAccountChange, parseInviteForm } from '../forms/staff.ts';
import type { Deps, StaffDirectory, StaffMember } from '../ports.ts';
import { recordAudit } from './audit.ts';
import { requireAdmin } from './units-admin.ts';

/**
 * Admins invite people (coordinators, supervisors, admins, referrers) and disable or re-enable
 * their accounts. The directory is the account store (Cognito on AWS, the local issuer's user store
 * locally); the repository marks a disabled account so the authorizer refuses its sessions at once,
 * even with an ID token that has not expired. Every change goes into the audit trail.
 */
export type StaffDeps = Pick<Deps, 'repo' | 'clock' | 'newId'> & { directory: StaffDirectory };

/** A form id is claimed for a day: a double submit within it invites once. */
const CLAIM_S = 24 * 3600;

export async function listStaff(deps: StaffDeps, p: Principal): Promise<StaffMember[]> {
  requireAdmin(p);
  const all = await deps.directory.list();
  return all.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export type InviteResult = { ok: false; issues: FieldIssue[] } | { ok: true; sub?: string; again: boolean };

export async function inviteStaff(deps: StaffDeps, p: Principal, raw: Raw): Promise<InviteResult> {
  requireAdmin(p);
  const parsed = parseInviteForm(raw);
  if (!parsed.ok) return parsed;
  const { formId, ...invite } = parsed.value;
  const claim = formId ? `staff-invite#${formId}` : undefined;
  if (
    claim &&
    !(await deps.repo.claimRequest(claim, { expiresAt: Math.floor(deps.clock.now() / 1000) + CLAIM_S }))
  )
    return { ok: true, again: true };
  let result: Awaited<ReturnType<StaffDirectory['invite']>>;
  try {
    result = await deps.directory.invite(invite);
  } catch (err) {
    if (claim) await deps.repo.releaseRequest(claim);
    throw err;
  }
  if ('duplicate' in result) {
    if (claim) await deps.repo.releaseRequest(claim);
    return { ok: false, issues: [{ field: 'staffEmail', code: 'duplicate' }] };
  }
  // A sub reused after an account was removed and made again must not start disabled.
  await deps.repo.setStaffDisabled(result.sub, false);
  await recordAudit(deps, p, 'staff.invite', `staff:${result.sub}`);
  return { ok: true, sub: result.sub, again: false };
}

export async function staffMember(deps: StaffDeps, p: Principal, sub: string): Promise<StaffMember> {
  requireAdmin(p);
  const member = (await deps.directory.list()).find((m) => m.sub === sub);
  if (!member) throw new NotFoundError('No such account');
  return member;
}

export type AccountChangeResult =
  | { ok: false; issues: FieldIssue[]; member: StaffMember }
  | { ok: true; changed: boolean; member: StaffMember };

/**
 * Disables (`enabled: false`) or enables an account. Disabling marks the account in the table
 * first, so its sessions are refused from that moment, then disables it in the directory (which
 * signs it out everywhere). An admin cannot disable their own account.
 */
export async function setStaffEnabled(
  deps: StaffDeps,
  p: Principal,
  sub: string,
  enabled: boolean,
  raw: Raw,
): Promise<AccountChangeResult> {
  const member = await staffMember(deps, p, sub);
  const parsed = parseAccountChange(raw, enabled);
  if (!parsed.ok) return { ok: false, issues: parsed.issues, member };
  if (!enabled && sub === p.sub) return { ok: false, issues: [{ field: 'reason', code: 'self' }], member };
  const marked = await deps.repo.isStaffDisabled(sub);
  if (member.enabled === enabled && marked === !enabled) return { ok: true, changed: false, member };
  if (!enabled) {
    await deps.repo.setStaffDisabled(sub, true);
    await deps.directory.setEnabled(sub, false);
  } else {
    await deps.directory.setEnabled(sub, true);
    await deps.repo.setStaffDisabled(sub, false);
  }
  await recordAudit(
    deps,
    p,
    enabled ? 'staff.enable' : 'staff.disable',
    `staff:${sub}`,
    parsed.value.reason || undefined,
  );
  return { ok: true, changed: true, member: { ...member, enabled } };
}
