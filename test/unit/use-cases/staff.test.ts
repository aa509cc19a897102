import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '#core/errors';
import type { StaffDirectory, StaffInvite, StaffMember } from '#core/ports';
import { inviteStaff, listStaff, type StaffDeps, setStaffEnabled } from '#core/use-cases/staff';
import { ADMIN, COORDINATOR, iso, T0, world } from '#test/support/use-case-world';

/** An account store in memory, with Cognito's answers: a second account of an address is refused. */
class MemoryDirectory implements StaffDirectory {
  readonly members: StaffMember[] = [];
  readonly calls: string[] = [];
  async list() {
    return this.members.map((m) => ({ ...m, roles: [...m.roles] }));
  }
  async invite(i: StaffInvite) {
    this.calls.push(`invite ${i.email}`);
    if (this.members.some((m) => m.email === i.email)) return { duplicate: true as const };
    const sub = `sub-${this.members.length + 1}`;
    this.members.push({
      sub,
      name: i.name,
      email: i.email,
      roles: [i.role],
      organisation: i.organisation,
      enabled: true,
    });
    return { sub };
  }
  async setEnabled(sub: string, enabled: boolean) {
    this.calls.push(`${enabled ? 'enable' : 'disable'} ${sub}`);
    const m = this.members.find((x) => x.sub === sub);
    if (m) m.enabled = enabled;
  }
}

function staffWorld() {
  const w = world();
  const directory = new MemoryDirectory();
  const deps: StaffDeps = { repo: w.repo, clock: w.clock, newId: w.deps.newId, directory };
  return { ...w, directory, staff: deps };
}

const invite = (over: Record<string, string> = {}) => ({
  staffName: 'Lina Handledare',
  staffEmail: 'Lina@Example.se',
  staffRole: 'supervisor',
  staffOrganisation: 'skane-stadsmission',
  formId: 'form-0000-0001',
  ...over,
});

describe('inviteStaff', () => {
  it('creates the account in its role and writes the audit trail (the target by id, no name)', async () => {
    const w = staffWorld();
    const r = await inviteStaff(w.staff, ADMIN, invite());
    expect(r).toEqual({ ok: true, sub: 'sub-1', again: false });
    expect(w.directory.members).toEqual([
      {
        sub: 'sub-1',
        name: 'Lina Handledare',
        email: 'lina@example.se',
        roles: ['supervisor'],
        organisation: 'skane-stadsmission',
        enabled: true,
      },
    ]);
    expect(w.repo.audit).toEqual([
      {
        auditId: expect.any(String),
        at: iso(T0),
        by: { sub: 'a1', name: 'Ada' },
        action: 'staff.invite',
        target: 'staff:sub-1',
        outcome: 'done',
      },
    ]);
  });

  it('invites once on a double submit of one form', async () => {
    const w = staffWorld();
    expect((await inviteStaff(w.staff, ADMIN, invite())).ok).toBe(true);
    expect(await inviteStaff(w.staff, ADMIN, invite())).toEqual({ ok: true, again: true });
    expect(w.directory.calls).toEqual(['invite lina@example.se']);
    expect(w.repo.audit).toHaveLength(1);
  });

  it('names a bad e-mail, an unknown role and a missing organisation; invites nobody', async () => {
    const w = staffWorld();
    const r = await inviteStaff(
      w.staff,
      ADMIN,
      invite({ staffEmail: 'lina@', staffRole: 'superuser', staffOrganisation: '', staffName: 'L' }),
    );
    expect(r).toEqual({
      ok: false,
      issues: expect.arrayContaining([
        { field: 'staffEmail', code: 'format' },
        { field: 'staffRole', code: 'required' },
        { field: 'staffOrganisation', code: 'required' },
        { field: 'staffName', code: 'length', params: { min: 2 } },
      ]),
    });
    expect(await inviteStaff(w.staff, ADMIN, invite({ staffOrganisation: 'Malmö stad' }))).toEqual({
      ok: false,
      issues: [{ field: 'staffOrganisation', code: 'format' }],
    });
    expect(w.directory.calls).toEqual([]);
    expect(w.repo.requests.size).toBe(0);
  });

  it('refuses a second account of an address, and the corrected form (same id) can still be sent', async () => {
    const w = staffWorld();
    await inviteStaff(w.staff, ADMIN, invite({ formId: 'form-first-0001' }));
    expect(await inviteStaff(w.staff, ADMIN, invite())).toEqual({
      ok: false,
      issues: [{ field: 'staffEmail', code: 'duplicate' }],
    });
    expect(await inviteStaff(w.staff, ADMIN, invite({ staffEmail: 'lina.b@example.se' }))).toMatchObject({
      ok: true,
      again: false,
    });
    expect(w.directory.members.map((m) => m.email)).toEqual(['lina@example.se', 'lina.b@example.se']);
  });

  it('gives a claim back when the directory fails, so a retry invites', async () => {
    const w = staffWorld();
    const real = w.directory.invite.bind(w.directory);
    w.directory.invite = async () => {
      throw new Error('directory down');
    };
    await expect(inviteStaff(w.staff, ADMIN, invite())).rejects.toThrow('directory down');
    w.directory.invite = real;
    expect((await inviteStaff(w.staff, ADMIN, invite())).ok).toBe(true);
  });

  it('is for admins only', async () => {
    const w = staffWorld();
    await expect(inviteStaff(w.staff, COORDINATOR, invite())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listStaff(w.staff, COORDINATOR)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      setStaffEnabled(w.staff, COORDINATOR, 'sub-1', false, { reason: 'x' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(w.directory.calls).toEqual([]);
  });
});

describe('setStaffEnabled', () => {
  it('disabling marks the account first (sessions refused), disables it, audits the reason', async () => {
    const w = staffWorld();
    await inviteStaff(w.staff, ADMIN, invite());
    const order: string[] = [];
    const mark = w.repo.setStaffDisabled.bind(w.repo);
    w.repo.setStaffDisabled = async (sub, disabled) => {
      order.push(`mark ${disabled}`);
      return mark(sub, disabled);
    };
    const set = w.directory.setEnabled.bind(w.directory);
    w.directory.setEnabled = async (sub, enabled) => {
      order.push(`directory ${enabled}`);
      return set(sub, enabled);
    };
    const r = await setStaffEnabled(w.staff, ADMIN, 'sub-1', false, { reason: 'Slutat' });
    expect(r).toMatchObject({ ok: true, changed: true, member: { enabled: false } });
    expect(order).toEqual(['mark true', 'directory false']);
    expect(await w.repo.isStaffDisabled('sub-1')).toBe(true);
    expect(w.repo.audit.at(-1)).toMatchObject({
      action: 'staff.disable',
      target: 'staff:sub-1',
      reason: 'Slutat',
    });

    order.length = 0;
    expect(await setStaffEnabled(w.staff, ADMIN, 'sub-1', true, {})).toMatchObject({
      ok: true,
      changed: true,
    });
    expect(order).toEqual(['directory true', 'mark false']);
    expect(await w.repo.isStaffDisabled('sub-1')).toBe(false);
    expect(w.repo.audit.at(-1)).toMatchObject({ action: 'staff.enable', target: 'staff:sub-1' });
    expect(w.repo.audit.at(-1)?.reason).toBeUndefined();
  });

  it('needs a reason to disable; an admin cannot disable themself; an unknown account is not found', async () => {
    const w = staffWorld();
    await inviteStaff(w.staff, ADMIN, invite());
    expect(await setStaffEnabled(w.staff, ADMIN, 'sub-1', false, { reason: ' ' })).toMatchObject({
      ok: false,
      issues: [{ field: 'reason', code: 'required' }],
    });
    expect(await setStaffEnabled(w.staff, ADMIN, 'sub-1', false, { reason: 'ok' })).toMatchObject({
      ok: false,
      issues: [{ field: 'reason', code: 'tooShort', params: { min: 3 } }],
    });
    w.directory.members.push({ ...ADMIN, roles: ['admin'], organisation: 'sm', enabled: true });
    expect(await setStaffEnabled(w.staff, ADMIN, ADMIN.sub, false, { reason: 'Test' })).toMatchObject({
      ok: false,
      issues: [{ field: 'reason', code: 'self' }],
    });
    await expect(setStaffEnabled(w.staff, ADMIN, 'nobody', false, { reason: 'Test' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(w.directory.calls).toEqual(['invite lina@example.se']);
    expect(await w.repo.isStaffDisabled('sub-1')).toBe(false);
  });

  it('a repeated disable changes nothing and audits once', async () => {
    const w = staffWorld();
    await inviteStaff(w.staff, ADMIN, invite());
    await setStaffEnabled(w.staff, ADMIN, 'sub-1', false, { reason: 'Slutat' });
    expect(await setStaffEnabled(w.staff, ADMIN, 'sub-1', false, { reason: 'Slutat' })).toMatchObject({
      ok: true,
      changed: false,
    });
    expect(w.repo.audit.filter((a) => a.action === 'staff.disable')).toHaveLength(1);
  });
});
