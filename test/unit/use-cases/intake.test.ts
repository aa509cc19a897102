import { describe, expect, it } from 'vitest';
import type { CaseRecord, EntryStatistics } from '#core/case';
import { DAY_MS } from '#core/case';
import { ForbiddenError, NotFoundError, StepNotWaitingError } from '#core/errors';
import type { SaveOptions } from '#core/ports';
import { decideIntake } from '#core/use-cases/intake';
import {
  ADMIN,
  CASE_OFFICER,
  COORDINATOR,
  caseIn,
  iso,
  OTHER_OFFICER,
  SUPERVISOR,
  T0,
  waitingOn,
  world,
} from '#test/support/use-case-world';

const ID = 'case00000001';
const entry: EntryStatistics = {
  labourMarketStatus: 'unemployed',
  education: 'isced3to4',
  disability: 'undisclosed',
  foreignBackground: 'thirdCountryNational',
};
const accept = { decision: 'accepted' as const, entry };

async function setup(...others: CaseRecord[]) {
  const w = world();
  await w.seed(caseIn('intake', ID, T0, waitingOn('intakeDecision')), ...others);
  return w;
}

describe('decideIntake', () => {
  it('accepts into a free place: the decision, the ESF+ entry figures, the place claimed', async () => {
    const w = await setup();
    w.repo.places.set('remake', 1);
    const after = await decideIntake(w.deps, COORDINATOR, ID, accept);
    expect(after.intake).toEqual({ decision: 'accepted', decidedAt: iso(T0), decidedBy: 'c1' });
    expect(after.entryStatistics).toEqual(entry);
    expect(after.place).toEqual({ assignedAt: iso(T0) });
    expect(after.phase).toBe('studyVisitScheduling');
    expect(after.version).toBe(2);
    expect(await w.repo.placesInUse('remake')).toBe(2);
    expect(w.workflow.tokens).toEqual([{ token: 'token-intakeDecision', output: { caseId: ID } }]);
  });

  it("records the project's target group with the entry figures", async () => {
    const w = await setup();
    const withGroup: EntryStatistics = { ...entry, targetGroup: 'illHealthFirstTraining' };
    const after = await decideIntake(w.deps, COORDINATOR, ID, { decision: 'accepted', entry: withGroup });
    expect(after.entryStatistics).toEqual(withGroup);
  });

  it('keeps a reason given with an acceptance, and records no figures when none are given', async () => {
    const w = await setup();
    const after = await decideIntake(w.deps, COORDINATOR, ID, { decision: 'accepted', reason: 'Passar bra' });
    expect(after.intake).toEqual({
      decision: 'accepted',
      reason: 'Passar bra',
      decidedAt: iso(T0),
      decidedBy: 'c1',
    });
    expect('entryStatistics' in after).toBe(false);
  });

  it('queues an acceptance when every place is held', async () => {
    const w = await setup();
    w.repo.places.set('remake', 2);
    const after = await decideIntake(w.deps, COORDINATOR, ID, accept);
    expect(after.place).toEqual({ queuedAt: iso(T0) });
    expect(after.phase).toBe('queued');
    expect(after.entryStatistics).toEqual(entry);
    expect(await w.repo.placesInUse('remake')).toBe(2);
  });

  it('queues behind others already waiting even when a place is free', async () => {
    const waiting = caseIn('queued', 'queued000001');
    const w = await setup(waiting);
    const after = await decideIntake(w.deps, COORDINATOR, ID, accept);
    expect(after.place).toEqual({ queuedAt: iso(T0) });
    expect(await w.repo.placesInUse('remake')).toBe(0);
  });

  it('is not held back by the queue of another unit', async () => {
    const elsewhere = caseIn('queued', 'queued000001', T0, { unitId: 'matmissionen' });
    const w = await setup(elsewhere);
    const after = await decideIntake(w.deps, COORDINATOR, ID, accept);
    expect(after.place).toEqual({ assignedAt: iso(T0) });
  });

  it('queues an acceptance for a unit that is not configured (no places)', async () => {
    const w = world();
    await w.seed(caseIn('intake', ID, T0, { unitId: 'nowhere' }));
    const after = await decideIntake(w.deps, COORDINATOR, ID, accept);
    expect(after.place).toEqual({ queuedAt: iso(T0) });
    expect(await w.repo.placesInUse('nowhere')).toBe(0);
  });

  it('declines with the reason, takes no place and records no figures', async () => {
    const w = await setup();
    const after = await decideIntake(w.deps, COORDINATOR, ID, {
      decision: 'declined',
      reason: 'Ingen passande uppgift',
      entry,
    });
    expect(after.intake).toEqual({
      decision: 'declined',
      reason: 'Ingen passande uppgift',
      decidedAt: iso(T0),
      decidedBy: 'c1',
    });
    expect(after.place).toBeUndefined();
    expect(after.entryStatistics).toBeUndefined();
    expect(after.phase).toBe('intakeDeclined');
    expect(await w.repo.placesInUse('remake')).toBe(0);
  });

  it('takes the same decision twice as one', async () => {
    const w = await setup();
    await decideIntake(w.deps, COORDINATOR, ID, accept);
    const again = await decideIntake(w.deps, COORDINATOR, ID, accept);
    expect(again.version).toBe(2);
    expect(await w.repo.placesInUse('remake')).toBe(1);
    const w2 = await setup();
    await decideIntake(w2.deps, COORDINATOR, ID, { decision: 'declined', reason: 'Nej' });
    expect(
      (await decideIntake(w2.deps, COORDINATOR, ID, { decision: 'declined', reason: 'Nej' })).version,
    ).toBe(2);
  });

  it('refuses a different decision once one is recorded, with nothing saved', async () => {
    const w = await setup();
    await decideIntake(w.deps, COORDINATOR, ID, accept);
    const err = await decideIntake(w.deps, COORDINATOR, ID, { decision: 'declined', reason: 'Nej' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StepNotWaitingError);
    expect(err).toMatchObject({ code: 'alreadyDone', params: { phase: 'studyVisitScheduling' } });
    expect((await w.get(ID)).version).toBe(2);
    // The same decision with another reason is a different decision.
    const w2 = await setup();
    await decideIntake(w2.deps, COORDINATOR, ID, { decision: 'declined', reason: 'Nej' });
    await expect(
      decideIntake(w2.deps, COORDINATOR, ID, { decision: 'declined', reason: 'Något annat' }),
    ).rejects.toMatchObject({ code: 'alreadyDone' });
    await expect(decideIntake(w2.deps, COORDINATOR, ID, { decision: 'declined' })).rejects.toThrow(
      StepNotWaitingError,
    );
    // A decline without a reason after an acceptance without one is still a different decision.
    const w3 = await setup();
    await decideIntake(w3.deps, COORDINATOR, ID, { decision: 'accepted' });
    await expect(decideIntake(w3.deps, COORDINATOR, ID, { decision: 'declined' })).rejects.toMatchObject({
      code: 'alreadyDone',
    });
  });

  it('refuses an acceptance with other ESF+ figures once one is recorded: they were not saved', async () => {
    const w = await setup();
    await decideIntake(w.deps, COORDINATOR, ID, accept);
    const other = { ...accept, entry: { ...entry, targetGroup: 'nonNordicSwedish' as const } };
    await expect(decideIntake(w.deps, COORDINATOR, ID, other)).rejects.toMatchObject({ code: 'alreadyDone' });
    expect((await w.get(ID)).entryStatistics).toEqual(accept.entry);
    expect((await w.get(ID)).version).toBe(2);
  });

  it('is refused while a failed step waits for repair', async () => {
    const w = world();
    await w.seed(
      caseIn('intake', ID, T0, {
        problem: { state: 'NotifyCoordinators', error: 'MailDeliveryError', at: iso(T0) },
      }),
    );
    await expect(decideIntake(w.deps, COORDINATOR, ID, accept)).rejects.toMatchObject({
      code: 'needsRepair',
      params: { phase: 'intake' },
    });
  });

  it('is the coordinator’s decision alone', async () => {
    const w = await setup();
    await expect(decideIntake(w.deps, SUPERVISOR, ID, accept)).rejects.toThrow(ForbiddenError);
    await expect(decideIntake(w.deps, ADMIN, ID, accept)).rejects.toThrow(ForbiddenError);
    await expect(decideIntake(w.deps, CASE_OFFICER, ID, accept)).rejects.toThrow(ForbiddenError);
    await expect(decideIntake(w.deps, OTHER_OFFICER, ID, accept)).rejects.toThrow(NotFoundError);
    expect((await w.get(ID)).version).toBe(1);
    expect(await w.repo.placesInUse('remake')).toBe(0);
  });

  it('refuses a case that does not exist', async () => {
    const w = await setup();
    await expect(decideIntake(w.deps, COORDINATOR, 'nosuchcase01', accept)).rejects.toThrow(NotFoundError);
  });

  it('gives the queue the place a racing acceptance took', async () => {
    const w = await setup();
    // The queue was empty when read, then the last place went to someone else.
    const save = w.repo.saveCase.bind(w.repo);
    w.repo.saveCase = async (next: CaseRecord, o?: SaveOptions) => {
      if (o?.claimPlace) w.repo.places.set('remake', 2);
      return save(next, o);
    };
    const after = await decideIntake(w.deps, COORDINATOR, ID, accept);
    expect(after.place).toEqual({ queuedAt: iso(T0) });
  });

  it('passes on other storage failures', async () => {
    const w = await setup();
    w.repo.saveCase = async () => {
      throw new Error('storage down');
    };
    await expect(decideIntake(w.deps, COORDINATOR, ID, accept)).rejects.toThrow('storage down');
    // Even one that fails only the claim of a place: the acceptance is not queued instead.
    const w2 = await setup();
    const save = w2.repo.saveCase.bind(w2.repo);
    w2.repo.saveCase = async (next: CaseRecord, o?: SaveOptions) => {
      if (o?.claimPlace) throw new Error('transaction cancelled');
      return save(next, o);
    };
    await expect(decideIntake(w2.deps, COORDINATOR, ID, accept)).rejects.toThrow('transaction cancelled');
    expect((await w2.get(ID)).version).toBe(1);
  });

  it('decides on a case that has waited a long time the same way', async () => {
    const w = await setup();
    w.clock.advance(30 * DAY_MS);
    const after = await decideIntake(w.deps, COORDINATOR, ID, accept);
    expect(after.intake?.decidedAt).toBe(iso(T0 + 30 * DAY_MS));
  });
});
