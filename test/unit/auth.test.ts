import { describe, expect, it } from 'vitest';
import {
  canSeeCase,
  canSeeEntryStatistics,
  canSeeParticipant,
  isAssignedSupervisor,
  isStaff,
  type Principal,
  requireRole,
} from '#core/auth';
import { safeReturnTo } from '#http/auth';

const who = (groups: Principal['groups'], organisationId = 'malmo'): Principal => ({
  sub: 's',
  email: 'e@x.se',
  name: 'N',
  groups,
  organisationId,
  organisationName: organisationId,
});

describe('roles and visibility', () => {
  it('answers 401 without a session and 403 for the wrong role', () => {
    expect(() => requireRole(undefined, ['referrer'])).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => requireRole(who(['supervisor']), ['referrer'])).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(requireRole(undefined, 'public')).toBeUndefined();
    expect(requireRole(who(['referrer']), ['referrer'])?.sub).toBe('s');
  });

  it('refuses a referrer without an organisation', () => {
    expect(() => requireRole(who(['referrer'], ''), ['referrer'])).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(canSeeCase(who(['referrer'], ''), { organisationId: '' })).toBe(false);
  });

  it('lets referrers see their own organisation only; staff see all', () => {
    expect(canSeeCase(who(['referrer']), { organisationId: 'malmo' })).toBe(true);
    expect(canSeeCase(who(['referrer']), { organisationId: 'fk' })).toBe(false);
    expect(canSeeCase(who(['coordinator'], 'sm'), { organisationId: 'fk' })).toBe(true);
    expect(canSeeCase(who(['admin'], 'sm'), { organisationId: 'fk' })).toBe(true);
  });

  it('shows participant data to coordinators and the referring organisation, not to admins', () => {
    expect(canSeeParticipant(who(['coordinator'], 'sm'), { organisationId: 'malmo' })).toBe(true);
    expect(canSeeParticipant(who(['referrer']), { organisationId: 'malmo' })).toBe(true);
    expect(canSeeParticipant(who(['referrer']), { organisationId: 'fk' })).toBe(false);
    expect(canSeeParticipant(who(['admin'], 'sm'), { organisationId: 'malmo' })).toBe(false);
  });
});

describe('roles and visibility at their edges', () => {
  const supervised = { organisationId: 'malmo', supervisor: { email: 'Sami@Stadsmissionen.example' } };
  const sami = (groups: Principal['groups'], organisationId = 'sm'): Principal => ({
    ...who(groups, organisationId),
    email: 'sami@stadsmissionen.EXAMPLE',
  });

  it('says why it refuses', () => {
    expect(() => requireRole(undefined, ['referrer'])).toThrow('Sign-in required');
    expect(() => requireRole(who(['supervisor']), ['referrer'])).toThrow('Role not allowed');
    expect(() => requireRole(who(['referrer'], ''), ['referrer'])).toThrow('Referrer without organisation');
  });

  it('lets in a person when any of their roles is allowed', () => {
    expect(requireRole(who(['supervisor', 'coordinator']), ['coordinator'])?.sub).toBe('s');
    expect(requireRole(who(['coordinator', 'supervisor']), ['coordinator'])?.sub).toBe('s');
  });

  it('needs an organisation only of a person who is a referrer and nothing more', () => {
    expect(requireRole(who(['supervisor'], ''), ['supervisor'])?.sub).toBe('s');
    expect(requireRole(who(['coordinator'], ''), ['coordinator'])?.sub).toBe('s');
    expect(requireRole(who(['referrer', 'coordinator'], ''), ['referrer'])?.sub).toBe('s');
    expect(requireRole(who(['referrer', 'admin'], ''), ['referrer'])?.sub).toBe('s');
  });

  it('knows staff', () => {
    expect(isStaff(who(['coordinator']))).toBe(true);
    expect(isStaff(who(['admin']))).toBe(true);
    expect(isStaff(who(['supervisor', 'referrer']))).toBe(false);
  });

  it('knows the assigned supervisor by address, whatever its case', () => {
    expect(isAssignedSupervisor(sami(['supervisor']), supervised)).toBe(true);
    expect(isAssignedSupervisor({ ...sami(['supervisor']), email: 'sara@x.se' }, supervised)).toBe(false);
    expect(isAssignedSupervisor(sami(['supervisor']), { organisationId: 'malmo' })).toBe(false);
    // The same address without the supervisor role is not the supervisor.
    expect(isAssignedSupervisor(sami(['referrer']), supervised)).toBe(false);
    expect(canSeeCase(sami(['referrer'], 'lund'), supervised)).toBe(false);
    expect(canSeeCase(sami(['supervisor']), supervised)).toBe(true);
    expect(canSeeParticipant(sami(['supervisor']), supervised)).toBe(true);
    expect(canSeeCase({ ...sami(['supervisor']), email: 'sara@x.se' }, supervised)).toBe(false);
  });

  it('shows the ESF+ entry figures to the coordinators and the referring organisation only', () => {
    expect(canSeeEntryStatistics(who(['coordinator'], 'sm'), supervised)).toBe(true);
    expect(canSeeEntryStatistics(who(['referrer']), supervised)).toBe(true);
    expect(canSeeEntryStatistics(who(['referrer'], 'lund'), supervised)).toBe(false);
    expect(canSeeEntryStatistics(who(['referrer'], ''), { organisationId: '' })).toBe(false);
    expect(canSeeEntryStatistics(sami(['supervisor']), supervised)).toBe(false);
    expect(canSeeEntryStatistics(who(['admin'], 'sm'), supervised)).toBe(false);
  });
});

describe('safeReturnTo', () => {
  it.each([
    ['/cases/abc?x=1', '/cases/abc?x=1'],
    ['//evil.example/', '/'],
    ['https://evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['/auth/callback?code=x', '/'],
    [undefined, '/'],
  ])('%s → %s', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });
});
