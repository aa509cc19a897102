import { describe, expect, it } from 'vitest';
import {
  listingKeys,
  matchesResidual,
  nextDue,
  type PlacementSummary,
  placementSummary,
  planPlacementQuery,
  sortValues,
  staffKey,
  stuckReasons,
} from '#core/placements';
import { unitPolicy } from '#core/units';
import { caseIn, T0, UNIT } from '#test/support/use-case-world';

const policy = unitPolicy(UNIT);
const summary = (over: Partial<PlacementSummary> = {}): PlacementSummary => ({
  caseId: 'case00000001',
  reference: 'SV-2027-0001',
  status: 'active',
  phase: 'training',
  unitId: 'remake',
  supervisor: { key: staffKey('sami@example.se'), name: 'Sami' },
  organisationId: 'malmo',
  organisationName: 'Malmö',
  percent: 50,
  next: { clock: 'talk', due: '2027-03-10T09:00:00.000Z' },
  startedOn: '2027-01-01',
  createdAt: '2026-12-01T09:00:00.000Z',
  stuck: [],
  ...over,
});

describe('the summary of a placement', () => {
  it('holds the staff facts and the reference, nothing about the participant', () => {
    const c = caseIn('training', 'case00000001');
    const s = placementSummary(c, policy, T0);
    expect(s).toMatchObject({
      caseId: c.caseId,
      reference: c.reference,
      phase: 'training',
      status: 'active',
    });
    const text = JSON.stringify(s);
    for (const secret of [
      c.participant.name,
      c.participant.identityNumber,
      c.participant.email,
      c.participant.phone,
    ])
      expect(text).not.toContain(secret);
    // The supervisor by an opaque key, never the address.
    if (c.supervisor) expect(text).not.toContain(c.supervisor.email);
    expect(s.next).toEqual(nextDue(c, policy, T0));
  });

  it('says why a placement is stuck', () => {
    const c = caseIn('training', 'case00000001');
    expect(stuckReasons(c, policy, T0)).toEqual([]);
    c.problem = { state: 'SendInvitation', error: 'MailRejected', at: 'x' };
    c.execution = {
      ...c.execution,
      failure: { status: 'FAILED', at: 'x' },
      stopped: { at: 'x', by: 'a', reason: 'r' },
    };
    c.mailProblems = [{ who: 'participant', kind: 'bounce', at: 'x' }];
    expect(stuckReasons(c, policy, T0)).toEqual(['stepFailed', 'runFailed', 'runStopped', 'mailProblem']);
    expect(stuckReasons({ ...c, status: 'closed' }, policy, T0)).toEqual([]);
  });
});

describe('the index rows of a placement', () => {
  it('has one row for all, its reference, each value and each pair of values', () => {
    const keys = listingKeys(summary());
    const sup = staffKey('sami@example.se');
    expect(keys).toEqual(
      expect.arrayContaining([
        'active|',
        'ref|SV-2027-0001',
        'active|unit=remake',
        `active|supervisor=${sup}`,
        'active|phase=training',
        'active|percent=50',
        'active|step=talk',
        'active|unit=remake|phase=training',
        `active|unit=remake|supervisor=${sup}`,
        'active|phase=training|percent=50',
      ]),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.some((k) => k.includes('flag='))).toBe(false);
    const stuck = listingKeys(summary({ stuck: ['runFailed'] }));
    expect(stuck).toEqual(
      expect.arrayContaining(['active|flag=stuck', 'active|flag=failed', 'active|unit=remake|flag=failed']),
    );
    expect(listingKeys(summary({ status: 'closed' }))).toContain('closed|unit=remake');
  });

  it('sorts running training by its start, those not started after, ended training last', () => {
    const running = sortValues(summary()).start;
    const notStarted = sortValues(summary({ startedOn: undefined })).start;
    const ended = sortValues(summary({ endedOn: '2027-02-01' })).start;
    expect([ended, notStarted, running].sort()).toEqual([running, notStarted, ended]);
    expect(sortValues(summary({ next: undefined })).due > sortValues(summary()).due).toBe(true);
  });
});

describe('planning the query of a filter', () => {
  const NOW = Date.parse('2027-03-01T09:00:00Z');
  it('serves two filters by one pair key, a third as a filter on those rows', () => {
    expect(planPlacementQuery({ status: 'active', unit: 'remake', phase: 'training' }, 'due', NOW)).toEqual({
      key: 'active|unit=remake|phase=training',
      index: 'due',
      forward: true,
      residual: {},
    });
    const three = planPlacementQuery(
      { status: 'active', unit: 'remake', phase: 'training', percent: 50 },
      'newest',
      NOW,
    );
    expect(three.index).toBe('created');
    expect(three.forward).toBe(false);
    // The most selective pair (percent) is the key; the rest is filtered.
    expect(three.key).toBe('active|unit=remake|percent=50');
    expect(three.residual).toEqual({ phase: 'training' });
    expect(matchesResidual(summary(), three.residual)).toBe(true);
    expect(matchesResidual(summary({ phase: 'paused' }), three.residual)).toBe(false);
  });

  it('finds a reference by its own row, overdue as a range on the due date, training bands on the start', () => {
    expect(planPlacementQuery({ status: 'active', reference: 'SV-2027-0001' }, 'due', NOW).key).toBe(
      'ref|SV-2027-0001',
    );
    expect(planPlacementQuery({ status: 'active', flag: 'overdue' }, 'newest', NOW)).toMatchObject({
      key: 'active|',
      index: 'due',
      range: { to: new Date(NOW).toISOString() },
    });
    expect(planPlacementQuery({ status: 'active', flag: 'stuck', unit: 'remake' }, 'due', NOW).key).toBe(
      'active|unit=remake|flag=stuck',
    );
    expect(planPlacementQuery({ status: 'active', training: 'from3to6' }, 'due', NOW)).toMatchObject({
      index: 'start',
      range: { from: '2026-09-01', to: '2026-12-01#~' },
    });
    expect(planPlacementQuery({ status: 'closed' }, 'oldest', NOW)).toMatchObject({
      key: 'closed|',
      forward: true,
    });
    expect(planPlacementQuery({ status: 'active' }, 'longest', NOW)).toMatchObject({
      index: 'start',
      forward: true,
    });
  });
});
