import { type CaseRecord, normalizeCase } from '../case.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { placementSummary } from '../placements.ts';
import type { CaseRepository, SaveOptions } from '../ports.ts';
import { derivePhase } from '../process/derive.ts';
import { unitPolicy } from '../units.ts';

/** The record with its summary for the console's list (see placements.ts) brought up to date. */
export async function withSummary(repo: CaseRepository, c: CaseRecord, now: number): Promise<CaseRecord> {
  const unit = (await repo.listUnits()).find((u) => u.unitId === c.unitId);
  return { ...c, summary: placementSummary(c, unitPolicy(unit), now) };
}

/** Reads a case with the collections an older record lacks filled in. */
export async function readCase(repo: CaseRepository, caseId: string): Promise<CaseRecord | undefined> {
  const c = await repo.getCase(caseId);
  return c ? normalizeCase(c) : undefined;
}

export async function requireCase(repo: CaseRepository, caseId: string): Promise<CaseRecord> {
  const c = await readCase(repo, caseId);
  if (!c) throw new NotFoundError(`Case ${caseId} not found`);
  return c;
}

/**
 * Read-modify-write of a case with optimistic locking. `change` returns the new record, or
 * undefined to leave it as it is. Lost races are retried with a fresh read; the derived phase
 * and the version are maintained here, never by callers. `options` (or a function of the new
 * record giving them) go into the same transaction: a place claimed or given back, entries.
 */
export async function updateCase(
  repo: CaseRepository,
  caseId: string,
  now: number,
  change: (current: CaseRecord) => CaseRecord | undefined,
  options?: SaveOptions | ((next: CaseRecord, before: CaseRecord) => SaveOptions | undefined),
): Promise<{ before: CaseRecord; after: CaseRecord; changed: boolean }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const before = await requireCase(repo, caseId);
    const next = change(structuredClone(before));
    if (!next) return { before, after: before, changed: false };
    const after = await withSummary(
      repo,
      {
        ...next,
        phase: derivePhase(next),
        version: before.version + 1,
        updatedAt: new Date(now).toISOString(),
      },
      now,
    );
    const opts = typeof options === 'function' ? options(after, before) : options;
    if (await repo.saveCase(after, { ...opts, summaryBefore: before.summary }))
      return { before, after, changed: true };
    // Jittered backoff so racing writers do not collide again in lockstep.
    await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
  }
  throw new ConflictError(`Case ${caseId} is being changed by someone else; try again`);
}
