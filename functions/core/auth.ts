import type { CaseRecord } from './case.ts';
import { ForbiddenError, UnauthenticatedError } from './errors.ts';

export type RoleName = 'referrer' | 'supervisor' | 'coordinator' | 'admin';

/** The signed-in person, from the ID token's claims (Cognito on AWS, the local issuer locally). */
export interface Principal {
  sub: string;
  email: string;
  name: string;
  groups: RoleName[];
  organisationId: string;
  organisationName: string;
}

export function requireRole(
  p: Principal | undefined,
  roles: readonly RoleName[] | 'public',
): Principal | undefined {
  if (roles === 'public') return p;
  if (!p) throw new UnauthenticatedError('Sign-in required');
  if (!p.groups.some((g) => roles.includes(g))) throw new ForbiddenError('Role not allowed');
  // A referrer is scoped by organisation; without one they could match other unscoped data.
  if (isReferrerOnly(p) && !p.organisationId) throw new ForbiddenError('Referrer without organisation');
  return p;
}

export const isStaff = (p: Principal) => p.groups.includes('coordinator') || p.groups.includes('admin');
const isReferrerOnly = (p: Principal) => p.groups.includes('referrer') && !isStaff(p);

/** Who may see the participant's identity, contact details and needs: the coordinators who
 * place them and the referring organisation. Admins watch runs and see references only. */
export function canSeeParticipant(p: Principal, c: Pick<CaseRecord, 'organisationId'>): boolean {
  return (
    p.groups.includes('coordinator') ||
    (p.groups.includes('referrer') && !!p.organisationId && p.organisationId === c.organisationId)
  );
}

/** Referrers see only the cases of their own organisation; staff see all. */
export function canSeeCase(p: Principal, c: Pick<CaseRecord, 'organisationId'>): boolean {
  return (
    isStaff(p) ||
    (p.groups.includes('referrer') && !!p.organisationId && p.organisationId === c.organisationId)
  );
}
