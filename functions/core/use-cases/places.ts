import type { CaseRecord } from '../case.ts';
import { UnitFullError } from '../errors.ts';
import { placeFreedNotice } from '../messages.ts';
import type { Deps } from '../ports.ts';
import { derivePhase } from '../process/derive.ts';
import type { Unit } from '../units.ts';
import { sendOnce } from './outbox.ts';
import { updateCase } from './update-case.ts';
import { wakeWorkflow } from './wake.ts';

/**
 * Places and the queue. A unit has a number of places (data); a case holds one from acceptance
 * (or from the queue) until it closes. The count is kept by the repository in the same
 * transaction as the record, so two coordinators can never fill one place twice.
 */

export async function unitOf(deps: Pick<Deps, 'repo'>, unitId: string): Promise<Unit | undefined> {
  return (await deps.repo.listUnits()).find((u) => u.unitId === unitId);
}

/** Accepted referrals waiting for a place in the unit, in order of acceptance. */
export async function queueOf(deps: Pick<Deps, 'repo'>, unitId: string): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  let after: string | undefined;
  do {
    const page = await deps.repo.listActiveCases({ limit: 100, after });
    // Queued: accepted, waiting for a place (derivePhase says exactly that).
    for (const c of page.items) if (c.unitId === unitId && derivePhase(c) === 'queued') out.push(c);
    after = page.next;
  } while (after);
  return out.sort((a, b) => (a.place?.queuedAt ?? '').localeCompare(b.place?.queuedAt ?? ''));
}

/**
 * Gives free places to the queue, oldest acceptance first; each case that gets one moves on
 * (its workflow is woken) and the unit's coordinators are told. Safe to call any time and from
 * several places at once: each claim is conditional on a free place.
 */
export async function fillQueue(deps: Deps, unitId: string, known?: Unit): Promise<number> {
  // `known`: the unit just saved (a read through the units index may not show it yet).
  const unit = known ?? (await unitOf(deps, unitId));
  if (!unit) return 0;
  let moved = 0;
  for (const queued of await queueOf(deps, unitId)) {
    if ((await deps.repo.placesInUse(unitId)) >= unit.places) break;
    const now = deps.clock.now();
    let result: Awaited<ReturnType<typeof updateCase>>;
    try {
      result = await updateCase(
        deps.repo,
        queued.caseId,
        now,
        (c) => {
          if (c.place?.assignedAt || derivePhase(c) !== 'queued') return undefined;
          c.place = { ...c.place, assignedAt: new Date(now).toISOString() };
          return c;
        },
        { claimPlace: { unitId, capacity: unit.places } },
      );
    } catch (err) {
      if (err instanceof UnitFullError) break;
      throw err;
    }
    if (!result.changed) continue;
    moved++;
    const assigned = result.after;
    if (unit.coordinatorEmails.length)
      await sendOnce(deps, { caseId: assigned.caseId, key: `placeFreed:${assigned.place?.assignedAt}` }, () =>
        placeFreedNotice(assigned, unit, unit.coordinatorEmails, deps.baseUrl),
      );
    await wakeWorkflow(deps, result.before);
  }
  return moved;
}

/** Every unit's places in use and its queue (references only), for the coordinators' overview. */
export async function unitQueues(deps: Pick<Deps, 'repo'>) {
  const units = await deps.repo.listUnits();
  return Promise.all(
    units.map(async (u) => ({
      unitId: u.unitId,
      name: u.name,
      places: u.places,
      inUse: await deps.repo.placesInUse(u.unitId),
      queue: (await queueOf(deps, u.unitId)).map((c) => ({
        caseId: c.caseId,
        reference: c.reference,
        since: c.place?.queuedAt,
      })),
    })),
  );
}
