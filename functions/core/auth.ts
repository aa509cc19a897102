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

type Visible = Pick<CaseRecord, 'organisationId'> & { supervisor?: { email: string } };

/** The supervisor assigned to the case (they run the training and need its details). */
export const isAssignedSupervisor = (p: Principal, c: Visible) =>
  p.groups.includes('supervisor') &&
  !!c.supervisor &&
  c.supervisor.email.toLowerCase() === p.email.toLowerCase();

const sameOrganisation = (p: Principal, c: Visible) =>
  p.groups.includes('referrer') && !!p.organisationId && p.organisationId === c.organisationId;

/** Who may see the participant's identity, contact details and needs: the coordinators who
 * place them, the assigned supervisor and the referring organisation. Admins watch runs and
 * see references only. */
export function canSeeParticipant(p: Principal, c: Visible): boolean {
  return p.groups.includes('coordinator') || sameOrganisation(p, c) || isAssignedSupervisor(p, c);
}

/** Referrers see only the cases of their own organisation, supervisors those assigned to them; staff see all. */
export function canSeeCase(p: Principal, c: Visible): boolean {
  return isStaff(p) || sameOrganisation(p, c) || isAssignedSupervisor(p, c);
}

/** The ESF+ entry statistics (sensitive): the coordinators and the referring organisation. */
export function canSeeEntryStatistics(p: Principal, c: Visible): boolean {
  return p.groups.includes('coordinator') || sameOrganisation(p, c);
}
