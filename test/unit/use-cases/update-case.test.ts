import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CaseRecord, normalizeCase } from '#core/case';
import { ConflictError, NotFoundError } from '#core/errors';
import type { SaveOptions } from '#core/ports';
import { readCase, requireCase, updateCase } from '#core/use-cases/update-case';
import { caseIn, iso, T0, world } from '#test/support/use-case-world';

const ID = 'case00000001';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readCase and requireCase', () => {
  it('fill in what an older record lacks', async () => {
    const w = world();
    const old = caseIn('training', ID) as Partial<CaseRecord>;
    delete old.activities;
    delete old.appliedForms;
    await w.seed(old as CaseRecord);
    const c = await readCase(w.repo, ID);
    expect(c?.activities).toEqual([]);
    expect(c?.appliedForms).toEqual([]);
    expect(await requireCase(w.repo, ID)).toEqual(normalizeCase(old as CaseRecord));
    expect(await readCase(w.repo, 'nosuchcase01')).toBeUndefined();
    await expect(requireCase(w.repo, 'nosuchcase01')).rejects.toThrow(
      new NotFoundError('Case nosuchcase01 not found'),
    );
  });
});

describe('updateCase', () => {
  it('writes the change with the next version, the time and the phase it derives', async () => {
    const w = world();
    await w.seed(caseIn('training', ID, T0, { phase: 'intake' }));
    const { before, after, changed } = await updateCase(w.repo, ID, T0 + 5, (c) => {
      c.tasks = ['packa'];
      return c;
    });
    expect(changed).toBe(true);
    expect(before.version).toBe(1);
    expect(before.tasks).toEqual(['sy']);
    expect(after).toMatchObject({ version: 2, updatedAt: iso(T0 + 5), phase: 'training', tasks: ['packa'] });
    expect(await w.get(ID)).toEqual(after);
  });

  it('writes nothing when the change gives nothing', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    const r = await updateCase(w.repo, ID, T0, () => undefined);
    expect(r.changed).toBe(false);
    expect(r.after).toBe(r.before);
    expect((await w.get(ID)).version).toBe(1);
  });

  it('hands the change a copy, so a change that is dropped leaves nothing behind', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    const { before } = await updateCase(w.repo, ID, T0, (c) => {
      c.tasks.push('x');
      return undefined;
    });
    expect(before.tasks).toEqual(['sy']);
  });

  it('passes options, or options made from the new and old record, to the same write', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    const seen: (SaveOptions | undefined)[] = [];
    const save = w.repo.saveCase.bind(w.repo);
    w.repo.saveCase = async (next, o) => {
      seen.push(o);
      return save(next, o);
    };
    await updateCase(w.repo, ID, T0, (c) => c, { releasePlace: { unitId: 'remake' } });
    await updateCase(
      w.repo,
      ID,
      T0,
      (c) => c,
      (next, before) => ({
        claimPlace: { unitId: `${next.version}-${before.version}`, capacity: 9 },
      }),
    );
    expect(seen).toEqual([
      expect.objectContaining({ releasePlace: { unitId: 'remake' } }),
      expect.objectContaining({ claimPlace: { unitId: '3-2', capacity: 9 } }),
    ]);
    // The summary the stored record had goes along, so its index rows can be replaced.
    expect(seen[1]?.summaryBefore?.caseId).toBe(ID);
  });

  it('retries a lost race on a fresh read', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    vi.spyOn(Math, 'random').mockReturnValue(0);
    let raced = false;
    const save = w.repo.saveCase.bind(w.repo);
    w.repo.saveCase = async (next, o) => {
      if (!raced) {
        raced = true;
        const c = await w.get(ID);
        await save({ ...c, talks: { count: 5 }, version: c.version + 1 });
      }
      return save(next, o);
    };
    const { after } = await updateCase(w.repo, ID, T0, (c) => {
      c.talks.count += 1;
      return c;
    });
    expect(after.talks.count).toBe(6);
    expect(after.version).toBe(3);
  });

  it('gives up with a conflict after eight lost races, backing off between them', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const delays: number[] = [];
    const timeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((f: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return timeout(f, 0);
    }) as typeof setTimeout);
    let attempts = 0;
    w.repo.saveCase = async () => {
      attempts++;
      return false;
    };
    await expect(updateCase(w.repo, ID, T0, (c) => c)).rejects.toThrow(
      new ConflictError(`Case ${ID} is being changed by someone else; try again`),
    );
    expect(attempts).toBe(8);
    expect(delays).toEqual(Array(8).fill(0));
  });

  it('backs off longer after each lost race', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const delays: number[] = [];
    const timeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((f: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return timeout(f, 0);
    }) as typeof setTimeout);
    w.repo.saveCase = async () => false;
    await expect(updateCase(w.repo, ID, T0, (c) => c)).rejects.toThrow(ConflictError);
    expect(delays).toEqual([10, 20, 40, 80, 160, 320, 640, 1280]);
  });
});
