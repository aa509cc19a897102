import type { Principal } from '../auth.ts';
import type { AuditAction, AuditEvent, Deps } from '../ports.ts';

/**
 * The audit trail of admin actions (units edited, accounts invited, disabled, enabled): who, what,
 * which target, when and why. Targets are opaque references (`unit:<id>`, `staff:<sub>`), so the
 * trail names no one but the admin who acted.
 */
export async function recordAudit(
  deps: Pick<Deps, 'repo' | 'clock' | 'newId'>,
  by: Principal,
  action: AuditAction,
  target: string,
  reason?: string,
): Promise<AuditEvent> {
  const event: AuditEvent = {
    id: deps.newId(),
    at: new Date(deps.clock.now()).toISOString(),
    by: { sub: by.sub, name: by.name },
    action,
    target,
    ...(reason ? { reason } : {}),
  };
  await deps.repo.putAudit(event);
  return event;
}
