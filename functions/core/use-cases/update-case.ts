import { type CaseRecord, derivePhase } from '../case.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { CaseRepository } from '../ports.ts';

/**
 * Read-modify-write of a case with optimistic locking. `change` returns the new record, or
 * undefined to leave it as it is. Lost races are retried with a fresh read; the derived phase
 * and the version are maintained here, never by callers.
 */
export async function updateCase(
  repo: CaseRepository,
  caseId: string,
  now: number,
  change: (current: CaseRecord) => CaseRecord | undefined,
): Promise<{ before: CaseRecord; after: CaseRecord; changed: boolean }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const before = await repo.getCase(caseId);
    if (!before) throw new NotFoundError(`Case ${caseId} not found`);
    const next = change(structuredClone(before));
    if (!next) return { before, after: before, changed: false };
    const after: CaseRecord = {
      ...next,
      phase: derivePhase(next),
      version: before.version + 1,
      updatedAt: new Date(now).toISOString(),
    };
    if (await repo.saveCase(after)) return { before, after, changed: true };
    // Jittered backoff so racing writers do not collide again in lockstep.
    await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
  }
  throw new ConflictError(`Case ${caseId} is being changed by someone else; try again`);
}
