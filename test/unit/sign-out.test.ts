import { describe, expect, it } from 'vitest';
import { sessionEnded } from '#core/ports';
import { MemoryRepo } from '#test/support/memory-repo';

/**
 * Sign-out on the server: the account's mark (one read in the authorizer) refuses the sessions
 * issued before it and the signed-out one, and lets a fresh sign-in of the same second through.
 */
describe('sessionEnded', () => {
  const mark = { disabled: false, signedOutAtSec: 1000, revokedJtis: ['old'] };

  it('lets every session through without a mark, and none of a disabled account', () => {
    expect(sessionEnded({ disabled: false }, { iat: 1, jti: 'a' })).toBe(false);
    expect(sessionEnded({ disabled: true }, { iat: 5000, jti: 'a' })).toBe(true);
  });

  it('refuses a session from an earlier second than the sign-out, whatever its id', () => {
    expect(sessionEnded(mark, { iat: 999, jti: 'other-device' })).toBe(true);
    expect(sessionEnded(mark, { iat: 999 })).toBe(true);
  });

  it('in the second of the sign-out: refuses the signed-out session, lets a fresh sign-in through', () => {
    expect(sessionEnded(mark, { iat: 1000, jti: 'old' })).toBe(true);
    expect(sessionEnded(mark, { iat: 1000, jti: 'fresh' })).toBe(false);
    // Without an id it cannot be told apart: refused.
    expect(sessionEnded(mark, { iat: 1000 })).toBe(true);
  });

  it('lets sessions of later seconds through; refuses one without iat', () => {
    expect(sessionEnded(mark, { iat: 1001, jti: 'old' })).toBe(false);
    expect(sessionEnded(mark, {})).toBe(true);
  });
});

describe('the mark in the repository', () => {
  it('keeps the ids of the same second, drops them when a later sign-out comes, and survives enable/disable', async () => {
    const repo = new MemoryRepo();
    await repo.markSignedOut('s', { atSec: 1000, jti: 'a' });
    await repo.markSignedOut('s', { atSec: 1000, jti: 'b' });
    expect(await repo.staffSessionMark('s')).toEqual({
      disabled: false,
      signedOutAtSec: 1000,
      revokedJtis: ['a', 'b'],
    });
    await repo.markSignedOut('s', { atSec: 1002, jti: 'c' });
    await repo.setStaffDisabled('s', true);
    await repo.setStaffDisabled('s', false);
    expect(await repo.staffSessionMark('s')).toEqual({
      disabled: false,
      signedOutAtSec: 1002,
      revokedJtis: ['c'],
    });
  });
});
