import { describe, expect, it } from 'vitest';
import { canSeeCase, canSeeParticipant, type Principal, requireRole } from '#core/auth';
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
