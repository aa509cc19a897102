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
  return p;
}

export const isStaff = (p: Principal) => p.groups.includes('coordinator') || p.groups.includes('admin');

/** Referrers see only the cases of their own organisation; staff see all. */
export function canSeeCase(p: Principal, c: Pick<CaseRecord, 'organisationId'>): boolean {
  return isStaff(p) || (p.groups.includes('referrer') && p.organisationId === c.organisationId);
}
