import type { Principal } from '../auth.ts';
import type { AuditEvent, Deps } from '../ports.ts';

export type AuditAction = 'unit.create' | 'unit.update' | 'staff.invite' | 'staff.disable' | 'staff.enable';

/**
 * The audit trail of admin actions (units edited, accounts invited, disabled, enabled): who, what,
 * which target, when and why. Targets are opaque references (`unit:<id>`, `staff:<sub>`), so the
 * trail names no one but the admin who acted. The same log as the console's actions on cases
 * (admin-actions.ts): read as a whole on /admin/audit.
 */
export async function recordAudit(
  deps: Pick<Deps, 'repo' | 'clock' | 'newId'>,
  by: Principal,
  action: AuditAction,
  target: string,
  reason?: string,
): Promise<AuditEvent> {
  const event: AuditEvent = {
    auditId: deps.newId(),
    at: new Date(deps.clock.now()).toISOString(),
    by: { sub: by.sub, name: by.name },
    action,
    target,
    ...(reason ? { reason } : {}),
    outcome: 'done',
  };
  await deps.repo.claimAudit(event);
  return event;
}
