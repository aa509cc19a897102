import type { Principal } from '../auth.ts';
import type { EntryStatistics } from '../case.ts';
import { UnitFullError } from '../errors.ts';
import type { Deps } from '../ports.ts';
import { act } from './act.ts';
import { queueOf, unitOf } from './places.ts';

export interface IntakeDecision {
  decision: 'accepted' | 'declined';
  /** Required when declining; the referrer sees it. */
  reason?: string;
  /** What ESF+ counts at entry; recorded on acceptance. */
  entry?: EntryStatistics;
}

/**
 * The unit's coordinator accepts or declines a referral. An accepted referral takes a free
 * place, or waits in the unit's queue (in order of acceptance) when every place is held or
 * others already wait.
 */
export async function decideIntake(deps: Deps, p: Principal, caseId: string, v: IntakeDecision) {
  const existing = await deps.repo.getCase(caseId);
  const unit = existing ? await unitOf(deps, existing.unitId) : undefined;
  const capacity = unit?.places ?? 0;
  // Others waiting go first: a new acceptance queues behind them.
  const queueWaiting =
    existing && v.decision === 'accepted' ? (await queueOf(deps, existing.unitId)).length > 0 : false;
  const run = (claim: boolean) =>
    act(deps, p, caseId, 'decideIntake', {
      // A repeat only when it is the decision recorded with the same reason and, for an
      // acceptance, the same ESF+ figures: other figures were not recorded and are refused.
      same: (c) =>
        c.intake?.decision === v.decision &&
        (c.intake?.reason ?? '') === (v.reason ?? '') &&
        (v.decision !== 'accepted' || sameEntry(c.entryStatistics, v.entry)),
      apply: (c, ctx) => {
        const at = new Date(ctx.now).toISOString();
        c.intake = {
          decision: v.decision,
          decidedAt: at,
          decidedBy: p.sub,
          ...(v.reason ? { reason: v.reason } : {}),
        };
        if (v.decision === 'accepted') {
          if (v.entry) c.entryStatistics = v.entry;
          c.place = claim ? { assignedAt: at } : { queuedAt: at };
        }
      },
      saveOptions: (next) =>
        claim && next.place?.assignedAt ? { claimPlace: { unitId: next.unitId, capacity } } : undefined,
    });
  if (v.decision !== 'accepted' || queueWaiting) return run(false);
  try {
    return await run(true);
  } catch (err) {
    if (err instanceof UnitFullError) return run(false);
    throw err;
  }
}

/** Whether two sets of ESF+ entry figures hold the same values (either may be absent). */
function sameEntry(a: EntryStatistics | undefined, b: EntryStatistics | undefined): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]) as Set<keyof EntryStatistics>;
  return [...keys].every((k) => a?.[k] === b?.[k]);
}
