import { describe, expect, it } from 'vitest';
import { type CaseRecord, DAY_MS } from '#core/case';
import { UnitFullError } from '#core/errors';
import type { SaveOptions } from '#core/ports';
import { fillQueue, queueOf, unitOf, unitQueues } from '#core/use-cases/places';
import { COORDINATOR_EMAIL, caseIn, iso, T0, UNIT, waitingOn, world } from '#test/support/use-case-world';

const queued = (id: string, queuedDaysAgo: number, extra: Partial<CaseRecord> = {}) =>
  caseIn('queued', id, T0, {
    place: { queuedAt: iso(T0 - queuedDaysAgo * DAY_MS) },
    ...waitingOn('placeAvailable', `tok-${id}`),
    ...extra,
  });

describe('unitOf and queueOf', () => {
  it('find the unit by id', async () => {
    const w = world({ units: [{ ...UNIT, unitId: 'other', name: 'Other' }, UNIT] });
    expect(await unitOf(w.deps, 'remake')).toBe(UNIT);
    expect(await unitOf(w.deps, 'nowhere')).toBeUndefined();
  });

  it('put a record that has no place yet (written before the queue existed) first', async () => {
    const w = world();
    await w.seed(queued('queuea00001', 5), { ...queued('noplace00001', 1), place: undefined });
    expect((await queueOf(w.deps, 'remake')).map((c) => c.caseId)).toEqual(['noplace00001', 'queuea00001']);
    expect((await unitQueues(w.deps))[0]?.queue).toEqual([
      { caseId: 'noplace00001', reference: expect.any(String), since: undefined },
      { caseId: 'queuea00001', reference: expect.any(String), since: iso(T0 - 5 * DAY_MS) },
    ]);
  });

  it('give the unit’s accepted referrals waiting for a place, oldest acceptance first, over every page', async () => {
    const w = world({ pageSize: 1 });
    await w.seed(
      queued('queuea00001', 5),
      caseIn('studyVisitScheduling', 'assigned0001'),
      queued('queueb00001', 10),
      queued('elsewhere001', 20, { unitId: 'matmissionen' }),
      caseIn('intake', 'intake000001'),
      queued('queuec00001', 1),
      { ...queued('closed000001', 30), status: 'closed' },
    );
    expect((await queueOf(w.deps, 'remake')).map((c) => c.caseId)).toEqual([
      'queueb00001',
      'queuea00001',
      'queuec00001',
    ]);
  });
});

describe('fillQueue', () => {
  it('gives a free place to the oldest acceptance, tells the coordinators and wakes its workflow', async () => {
    const w = world();
    await w.seed(queued('queuea00001', 5), queued('queueb00001', 10), queued('queuec00001', 1));
    w.repo.places.set('remake', 1);
    w.clock.set(T0 + 5000);
    expect(await fillQueue(w.deps, 'remake')).toBe(1);
    const b = await w.get('queueb00001');
    expect(b.place).toEqual({ queuedAt: iso(T0 - 10 * DAY_MS), assignedAt: iso(T0 + 5000) });
    expect(b.phase).toBe('studyVisitScheduling');
    expect((await w.get('queuea00001')).place?.assignedAt).toBeUndefined();
    expect(await w.repo.placesInUse('remake')).toBe(2);
    expect(w.mail.sent).toHaveLength(1);
    expect(w.mail.sent[0]).toMatchObject({
      to: [COORDINATOR_EMAIL],
      subject: `Plats ledig på REMAKE: ${b.reference} går vidare`,
    });
    expect(w.mail.sent[0]?.text).toContain('https://stegvis.example/cases/queueb00001');
    expect(w.mail.sent[0]?.text).toContain('REMAKE');
    expect(w.workflow.tokens).toEqual([{ token: 'tok-queueb00001', output: { caseId: 'queueb00001' } }]);
  });

  it('fills every free place in order', async () => {
    const w = world({ units: [{ ...UNIT, places: 3 }] });
    await w.seed(queued('queuea00001', 5), queued('queueb00001', 10), queued('queuec00001', 1));
    w.repo.places.set('remake', 1);
    expect(await fillQueue(w.deps, 'remake')).toBe(2);
    expect(w.workflow.tokens.map((t) => t.token)).toEqual(['tok-queueb00001', 'tok-queuea00001']);
    expect((await w.get('queuec00001')).phase).toBe('queued');
  });

  it('moves nobody when the unit is full or unknown', async () => {
    const w = world();
    await w.seed(queued('queuea00001', 5), queued('nowhere00001', 5, { unitId: 'nowhere' }));
    w.repo.places.set('remake', 2);
    expect(await fillQueue(w.deps, 'remake')).toBe(0);
    expect(await fillQueue(w.deps, 'nowhere')).toBe(0);
    expect((await w.get('queuea00001')).version).toBe(1);
    expect((await w.get('nowhere00001')).version).toBe(1);
    expect(w.mail.sent).toEqual([]);
    expect(w.workflow.tokens).toEqual([]);
  });

  it('trusts the count of places in use before it tries a claim', async () => {
    const w = world();
    await w.seed(queued('queuea00001', 5));
    let claims = 0;
    const save = w.repo.saveCase.bind(w.repo);
    w.repo.saveCase = async (next: CaseRecord, o?: SaveOptions) => {
      if (o?.claimPlace) claims++;
      return save(next, o);
    };
    w.repo.placesInUse = async () => 2;
    expect(await fillQueue(w.deps, 'remake')).toBe(0);
    w.repo.placesInUse = async () => 3;
    expect(await fillQueue(w.deps, 'remake')).toBe(0);
    expect(claims).toBe(0);
    w.repo.placesInUse = async () => 1;
    expect(await fillQueue(w.deps, 'remake')).toBe(1);
    expect(claims).toBe(1);
  });

  it('gives no place to a case closed after the queue was read', async () => {
    const w = world();
    const stale = queued('queuea00001', 5);
    await w.seed({ ...stale, status: 'closed' });
    w.repo.listActiveCases = async () => ({ items: [stale] });
    expect(await fillQueue(w.deps, 'remake')).toBe(0);
    expect((await w.get('queuea00001')).place?.assignedAt).toBeUndefined();
    expect(await w.repo.placesInUse('remake')).toBe(0);
  });

  it('sends no mail to a unit without coordinators', async () => {
    const w = world({ units: [{ ...UNIT, coordinatorEmails: [] }] });
    await w.seed(queued('queuea00001', 5));
    expect(await fillQueue(w.deps, 'remake')).toBe(1);
    expect(w.mail.sent).toEqual([]);
    expect(w.workflow.tokens).toHaveLength(1);
  });

  it('skips a case that left the queue after it was read', async () => {
    const w = world();
    const stale = queued('queuea00001', 5);
    await w.seed({ ...stale, place: { ...stale.place, assignedAt: iso(T0) } }, queued('queueb00001', 1));
    w.repo.listActiveCases = async () => ({ items: [stale, await w.get('queueb00001')] });
    expect(await fillQueue(w.deps, 'remake')).toBe(1);
    expect(w.workflow.tokens.map((t) => t.token)).toEqual(['tok-queueb00001']);
    expect(await w.repo.placesInUse('remake')).toBe(1);
  });

  it('stops at the first claim refused because the last place went elsewhere', async () => {
    const w = world();
    await w.seed(queued('queuea00001', 5), queued('queueb00001', 1));
    const save = w.repo.saveCase.bind(w.repo);
    let refusals = 0;
    w.repo.saveCase = async (next: CaseRecord, o?: SaveOptions) => {
      if (o?.claimPlace && refusals++ === 0) throw new UnitFullError('taken');
      return save(next, o);
    };
    expect(await fillQueue(w.deps, 'remake')).toBe(0);
    expect(refusals).toBe(1);
    expect(w.mail.sent).toEqual([]);
  });

  it('passes on other storage failures', async () => {
    const w = world();
    await w.seed(queued('queuea00001', 5));
    w.repo.saveCase = async () => {
      throw new Error('storage down');
    };
    await expect(fillQueue(w.deps, 'remake')).rejects.toThrow('storage down');
  });
});

describe('unitQueues', () => {
  it('gives every unit’s places in use and its queue by reference', async () => {
    const other = { ...UNIT, unitId: 'matmissionen', name: 'Matmissionen', places: 5 };
    const w = world({ units: [UNIT, other] });
    const a = queued('queuea00001', 5);
    const b = queued('queueb00001', 10);
    await w.seed(a, b);
    w.repo.places.set('remake', 2);
    expect(await unitQueues(w.deps)).toEqual([
      {
        unitId: 'remake',
        name: 'REMAKE',
        places: 2,
        inUse: 2,
        queue: [
          { caseId: 'queueb00001', reference: b.reference, since: iso(T0 - 10 * DAY_MS) },
          { caseId: 'queuea00001', reference: a.reference, since: iso(T0 - 5 * DAY_MS) },
        ],
      },
      { unitId: 'matmissionen', name: 'Matmissionen', places: 5, inUse: 0, queue: [] },
    ]);
  });
});
