import { describe, expect, it } from 'vitest';
import { type CaseRecord, DAY_MS } from '#core/case';
import { ForbiddenError, NotFoundError } from '#core/errors';
import { parseUnitForm, unitFormValues } from '#core/forms/unit';
import { saveUnit, unitForEdit, unitIdFrom, unitsOverview } from '#core/use-cases/units-admin';
import {
  ADMIN,
  COORDINATOR,
  COORDINATOR_EMAIL,
  caseIn,
  iso,
  T0,
  UNIT,
  waitingOn,
  world,
} from '#test/support/use-case-world';

const queued = (id: string, queuedDaysAgo: number, extra: Partial<CaseRecord> = {}) =>
  caseIn('queued', id, T0, {
    place: { queuedAt: iso(T0 - queuedDaysAgo * DAY_MS) },
    ...waitingOn('placeAvailable', `tok-${id}`),
    ...extra,
  });

/** The edit form of the stored unit, with `over` typed into it. */
const form = (over: Record<string, string> = {}) => ({ ...unitFormValues(UNIT), ...over });

describe('the unit form', () => {
  it('reads a whole unit: lists a line each, a supervisor as "name, e-mail", the ladder with or without %', () => {
    const r = parseUnitForm(
      form({
        tasks: 'sy\n\n  packa  \n',
        ladder: '20 %, 40%, 60, 100',
        coordinatorEmails: 'Karin@Example.se\nolle@example.se',
        supervisors: 'Sami Handledare, sami@example.se\nLinnea af Klint, Jr, linnea@example.se',
        unitPhone: '+46 40-12 34 56',
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        name: 'REMAKE',
        tasks: ['sy', 'packa'],
        ladder: [20, 40, 60, 100],
        coordinatorEmails: ['karin@example.se', 'olle@example.se'],
        supervisors: [
          { name: 'Sami Handledare', email: 'sami@example.se' },
          { name: 'Linnea af Klint, Jr', email: 'linnea@example.se' },
        ],
        phone: '+46 40-12 34 56',
        places: 2,
        talkIntervalDays: 14,
        talkEscalationDays: 7,
        followUpIntervalDays: 56,
        version: 0,
      },
    });
  });

  it('names every wrong field in one round, with the line of a bad list entry', () => {
    const r = parseUnitForm(
      form({
        unitName: ' ',
        address: '',
        unitPhone: 'ring mig',
        tasks: '',
        places: '-1',
        talkIntervalDays: '3',
        talkEscalationDays: '',
        followUpIntervalDays: '400',
        ladder: '50, 75, 100',
        coordinatorEmails: 'karin@example.se\nnot-an-address',
        supervisors: 'sami@example.se',
        version: 'x',
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual(
      expect.arrayContaining([
        { field: 'unitName', code: 'required' },
        { field: 'address', code: 'required' },
        { field: 'unitPhone', code: 'format' },
        { field: 'tasks', code: 'required' },
        { field: 'places', code: 'range', params: { min: 0, max: 500 } },
        { field: 'talkIntervalDays', code: 'range', params: { min: 7, max: 31 } },
        { field: 'talkEscalationDays', code: 'required' },
        { field: 'followUpIntervalDays', code: 'range', params: { min: 14, max: 182 } },
        { field: 'ladder', code: 'ladder' },
        { field: 'coordinatorEmails', code: 'emailLine', params: { line: 2 } },
        { field: 'supervisors', code: 'supervisorLine', params: { line: 1 } },
        { field: 'version', code: 'format' },
      ]),
    );
    expect(r.issues).toHaveLength(12);
  });

  it('takes the edges: 0 and 500 places, 7 and 31 days, a two-step ladder; refuses 501 and duplicates', () => {
    expect(parseUnitForm(form({ places: '0', talkIntervalDays: '7', ladder: '10, 20' })).ok).toBe(true);
    expect(parseUnitForm(form({ places: '500', talkIntervalDays: '31' })).ok).toBe(true);
    expect(parseUnitForm(form({ places: '501' }))).toMatchObject({
      ok: false,
      issues: [{ field: 'places' }],
    });
    expect(parseUnitForm(form({ places: '2.5' }))).toMatchObject({
      ok: false,
      issues: [{ field: 'places' }],
    });
    expect(parseUnitForm(form({ tasks: 'sy\nSy' }))).toMatchObject({
      ok: false,
      issues: [{ field: 'tasks', code: 'duplicate' }],
    });
    expect(parseUnitForm(form({ ladder: '25, 40, 40, 100' }))).toMatchObject({
      ok: false,
      issues: [{ field: 'ladder', code: 'ladder' }],
    });
    expect(parseUnitForm(form({ coordinatorEmails: '' }))).toMatchObject({
      ok: false,
      issues: [{ field: 'coordinatorEmails', code: 'required' }],
    });
  });
});

describe('unitIdFrom', () => {
  it('makes a readable ASCII id of the name', () => {
    expect(unitIdFrom('Sofielunds Folkets Hus')).toBe('sofielunds-folkets-hus');
    expect(unitIdFrom('Återbruk & Café Öster')).toBe('aterbruk-cafe-oster');
    expect(unitIdFrom('Ö')).toBe('unit-o');
  });
});

describe('saveUnit', () => {
  it('is for admins only: coordinators are refused, even to read the list', async () => {
    const w = world();
    await expect(saveUnit(w.deps, COORDINATOR, 'remake', form())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(unitsOverview(w.deps, COORDINATOR)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(unitForEdit(w.deps, COORDINATOR, 'remake')).rejects.toBeInstanceOf(ForbiddenError);
    expect(w.repo.audit).toEqual([]);
  });

  it('saves nothing when the form has errors', async () => {
    const w = world();
    const r = await saveUnit(w.deps, ADMIN, 'remake', form({ places: 'many', unitName: 'Nytt namn' }));
    expect(r).toEqual({
      ok: false,
      issues: [{ field: 'places', code: 'range', params: { min: 0, max: 500 } }],
    });
    expect(await w.repo.getUnit('remake')).toEqual(UNIT);
    expect(w.repo.audit).toEqual([]);
  });

  it('stores the edit with the next version and writes the audit trail', async () => {
    const w = world();
    const r = await saveUnit(w.deps, ADMIN, 'remake', form({ address: 'Industrigatan 1', unitPhone: '' }));
    expect(r).toEqual({ ok: true, unitId: 'remake', created: false, moved: 0, overfull: 0 });
    const stored = await w.repo.getUnit('remake');
    expect(stored).toMatchObject({ address: 'Industrigatan 1', version: 1, places: 2 });
    expect(stored?.phone).toBeUndefined();
    expect(w.repo.audit).toEqual([
      {
        auditId: expect.any(String),
        at: iso(T0),
        by: { sub: 'a1', name: 'Ada' },
        action: 'unit.update',
        target: 'unit:remake',
        outcome: 'done',
      },
    ]);
  });

  it('refuses a stale form (someone saved in between) and keeps the other edit', async () => {
    const w = world();
    const opened = form();
    expect((await saveUnit(w.deps, ADMIN, 'remake', form({ address: 'Först' }))).ok).toBe(true);
    const r = await saveUnit(w.deps, ADMIN, 'remake', { ...opened, address: 'Sedan' });
    expect(r).toEqual({ ok: false, issues: [{ field: 'version', code: 'stale' }] });
    expect((await w.repo.getUnit('remake'))?.address).toBe('Först');
    expect(w.repo.audit).toHaveLength(1);
    // Opened again, the form carries the new version and saves.
    const again = unitFormValues(await w.repo.getUnit('remake'));
    expect((await saveUnit(w.deps, ADMIN, 'remake', { ...again, address: 'Sedan' })).ok).toBe(true);
    expect(await w.repo.getUnit('remake')).toMatchObject({ address: 'Sedan', version: 2 });
  });

  it('takes a double submit of one form as the one save it is (not a conflict), audited once', async () => {
    const w = world();
    const once = form({ address: 'Industrigatan 1' });
    expect((await saveUnit(w.deps, ADMIN, 'remake', once)).ok).toBe(true);
    expect(await saveUnit(w.deps, ADMIN, 'remake', once)).toEqual({
      ok: true,
      unitId: 'remake',
      created: false,
      moved: 0,
      overfull: 0,
    });
    expect(await w.repo.getUnit('remake')).toMatchObject({ address: 'Industrigatan 1', version: 1 });
    expect(w.repo.audit).toHaveLength(1);
  });

  it('creates a new unit with an id from its name; a second unit of the same name is refused', async () => {
    const w = world();
    const values = { ...unitFormValues(undefined), ...form({ unitName: 'Café Öster', version: '0' }) };
    const r = await saveUnit(w.deps, ADMIN, undefined, values);
    expect(r).toEqual({ ok: true, unitId: 'cafe-oster', created: true, moved: 0, overfull: 0 });
    expect(await w.repo.getUnit('cafe-oster')).toMatchObject({ name: 'Café Öster', version: 1, places: 2 });
    expect(w.repo.audit.map((a) => [a.action, a.target])).toEqual([['unit.create', 'unit:cafe-oster']]);
    expect(await saveUnit(w.deps, ADMIN, undefined, values)).toEqual({
      ok: false,
      issues: [{ field: 'unitName', code: 'duplicate' }],
    });
    expect(await saveUnit(w.deps, ADMIN, 'remake', { ...form(), unitName: 'café öster' })).toEqual({
      ok: false,
      issues: [{ field: 'unitName', code: 'duplicate' }],
    });
  });

  it('answers an unknown unit with not found', async () => {
    const w = world();
    await expect(saveUnit(w.deps, ADMIN, 'nowhere', form())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('more places move the queue now: oldest acceptance first, coordinators told, workflows woken', async () => {
    const w = world();
    await w.seed(queued('queuea00001', 5), queued('queueb00001', 10), queued('queuec00001', 1));
    w.repo.places.set('remake', 2);
    const r = await saveUnit(w.deps, ADMIN, 'remake', form({ places: '4' }));
    expect(r).toEqual({ ok: true, unitId: 'remake', created: false, moved: 2, overfull: 0 });
    expect((await w.get('queueb00001')).phase).toBe('studyVisitScheduling');
    expect((await w.get('queuea00001')).phase).toBe('studyVisitScheduling');
    expect((await w.get('queuec00001')).phase).toBe('queued');
    expect(await w.repo.placesInUse('remake')).toBe(4);
    expect(w.workflow.tokens.map((t) => t.token)).toEqual(['tok-queueb00001', 'tok-queuea00001']);
    expect(w.mail.sent.map((m) => m.to)).toEqual([[COORDINATOR_EMAIL], [COORDINATOR_EMAIL]]);
    expect((await unitsOverview(w.deps, ADMIN))[0]).toMatchObject({ inUse: 4, free: 0, queue: 1 });
  });

  it('fewer places than are held: saved, nobody loses a place, no new placement until below', async () => {
    const w = world();
    await w.seed(queued('queuea00001', 5));
    w.repo.places.set('remake', 2);
    const r = await saveUnit(w.deps, ADMIN, 'remake', form({ places: '1' }));
    expect(r).toEqual({ ok: true, unitId: 'remake', created: false, moved: 0, overfull: 1 });
    expect(await w.repo.placesInUse('remake')).toBe(2);
    expect((await w.get('queuea00001')).phase).toBe('queued');
    expect((await unitsOverview(w.deps, ADMIN))[0]).toMatchObject({ inUse: 2, free: 0, queue: 1 });
  });

  it('changed clocks refresh the console summary of the unit’s cases (their due dates move)', async () => {
    const w = world();
    const training = caseIn('training', 'training0001', T0);
    const elsewhere = caseIn('training', 'elsewhere001', T0, { unitId: 'matmissionen' });
    await w.seed(training, elsewhere);
    const before = (await w.get('training0001')).version;
    await saveUnit(w.deps, ADMIN, 'remake', form({ talkIntervalDays: '28' }));
    const after = await w.get('training0001');
    expect(after.version).toBe(before + 1);
    expect(after.summary).toBeDefined();
    expect((await w.get('elsewhere001')).version).toBe(elsewhere.version);
    // An edit that leaves the clocks alone does not touch the cases.
    await saveUnit(w.deps, ADMIN, 'remake', {
      ...unitFormValues(await w.repo.getUnit('remake')),
      address: 'Ny adress',
    });
    expect((await w.get('training0001')).version).toBe(after.version);
  });
});
