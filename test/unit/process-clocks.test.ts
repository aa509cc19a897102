import { describe, expect, it } from 'vitest';
import { type CaseRecord, DAY_MS, type Meeting } from '#core/case';
import { dueOf, markSent, runningClocks, upcomingNotices } from '#core/process/clocks';
import { CLOCKS, type ClockDecl, MAX_WAIT_SECONDS, SEGMENT_LIMITS } from '#core/process/declaration';
import { derivePhase, nextRoute, placeToRelease } from '#core/process/derive';
import { unitPolicy } from '#core/units';
import { newCaseRecord } from '#test/support/records';

const T0 = Date.parse('2027-01-04T09:00:00Z');
const policy = unitPolicy(undefined);
const iso = (ms: number) => new Date(ms).toISOString();

const meeting = (kind: Meeting['kind'], startMs: number, recorded = false): Meeting => ({
  meetingId: `${kind}-1`,
  kind,
  start: iso(startMs),
  end: iso(startMs + 3_600_000),
  location: 'X',
  organizer: { name: 'Karin', email: 'karin@example.se' },
  attendees: ['participant', 'supervisor', 'caseOfficer'],
  sequence: 0,
  invitationSentForSequence: 0,
  scheduledAt: iso(startMs - DAY_MS),
  scheduledBy: 'k',
  ...(recorded ? { recordedAt: iso(startMs + 7_200_000) } : {}),
});

/** A case in training since T0 at 25 %. */
function inTraining(extra: Partial<CaseRecord> = {}): CaseRecord {
  return {
    ...newCaseRecord('clockcase0001', T0 - 30 * DAY_MS),
    plannedEnd: '2027-12-31',
    intake: { decision: 'accepted', decidedAt: iso(T0 - 29 * DAY_MS), decidedBy: 'k' },
    place: { assignedAt: iso(T0 - 29 * DAY_MS) },
    notifiedCoordinatorsAt: iso(T0 - 30 * DAY_MS),
    studyVisit: {
      start: iso(T0 - 20 * DAY_MS),
      end: iso(T0 - 20 * DAY_MS + 3_600_000),
      location: 'X',
      organizer: { name: 'Karin', email: 'karin@example.se' },
      sequence: 0,
      invitationSentForSequence: 0,
      outcome: 'wantsToStart',
    },
    meetings: [meeting('startup', T0 - 2 * DAY_MS, true)],
    plan: {
      goals: 'g',
      tasks: ['sy'],
      percent: 25,
      hoursPerWeek: 10,
      adaptations: '',
      startDate: '2027-01-04',
      recordedAt: iso(T0),
      recordedBy: 's',
    },
    workingTime: { percent: 25, hoursPerWeek: 10, since: '2027-01-04' },
    ...extra,
  };
}
const due = (name: keyof typeof CLOCKS, c: CaseRecord, now = T0) =>
  (CLOCKS[name] as ClockDecl).due(c, policy, now);
const day = Date.parse('2027-01-04T00:00:00Z');

describe('clocks', () => {
  it('run only in their steps', () => {
    const c = inTraining();
    expect(derivePhase(c)).toBe('training');
    expect(runningClocks(c).sort()).toEqual([
      'closingPlan',
      'followUp',
      'followUpRecord',
      'followUpRequested',
      'talk',
    ]);
    expect(runningClocks({ ...c, pauses: [{ startedAt: iso(T0), reason: 'x' }] }).sort()).toEqual([
      'closingPlan',
      'followUpRecord',
      'pauseCheckIn',
    ]);
  });

  it('a talk is due the unit interval after training started, then after the last talk', () => {
    expect(due('talk', inTraining())).toBe(day + 14 * DAY_MS);
    expect(due('talk', inTraining({ talks: { count: 1, lastDate: '2027-01-20' } }))).toBe(
      Date.parse('2027-02-03'),
    );
  });

  it('a follow-up is asked two weeks before it is due, and not while one is booked', () => {
    expect(due('followUp', inTraining())).toBe(day + 42 * DAY_MS);
    const booked = inTraining({
      meetings: [meeting('startup', T0, true), meeting('followUp', T0 + 50 * DAY_MS)],
    });
    expect(due('followUp', booked)).toBeUndefined();
    // The booked one is to be recorded the day after it ends.
    expect(due('followUpRecord', booked)).toBe(T0 + 50 * DAY_MS + 3_600_000 + DAY_MS);
    const held = inTraining({ meetings: [meeting('followUp', T0 + 50 * DAY_MS, true)] });
    expect(due('followUp', held)).toBe(T0 + 50 * DAY_MS + 42 * DAY_MS);
  });

  it('asks for a follow-up when a talk flags a decline, until one is booked after it', () => {
    const flagged = inTraining({
      talks: { count: 1, lastDate: '2027-01-18', followUpRequestedAt: iso(T0 + 14 * DAY_MS) },
    });
    expect(due('followUpRequested', flagged)).toBe(T0 + 14 * DAY_MS);
    const booked = {
      ...flagged,
      meetings: [{ ...meeting('followUp', T0 + 20 * DAY_MS), scheduledAt: iso(T0 + 15 * DAY_MS) }],
    };
    expect(due('followUpRequested', booked)).toBeUndefined();
  });

  it('reminds to plan the closing meeting four weeks before the planned end', () => {
    expect(due('closingPlan', inTraining())).toBe(Date.parse('2027-12-31') - 28 * DAY_MS);
    expect(
      due('closingPlan', inTraining({ meetings: [meeting('closing', T0 + 300 * DAY_MS)] })),
    ).toBeUndefined();
  });

  it('checks in every four weeks of a pause', () => {
    const paused = inTraining({ pauses: [{ startedAt: iso(T0), reason: 'x' }] });
    expect(due('pauseCheckIn', paused, T0)).toBe(T0 + 28 * DAY_MS);
    expect(due('pauseCheckIn', paused, T0 + 28 * DAY_MS)).toBe(T0 + 28 * DAY_MS);
    expect(due('pauseCheckIn', paused, T0 + 28 * DAY_MS + 1)).toBe(T0 + 56 * DAY_MS);
  });

  it('asks the case officer four weeks and six months after the end', () => {
    const ended = inTraining({ closing: { endedOn: '2027-06-30', record: {} as never } });
    expect(derivePhase(ended)).toBe('afterClosing');
    expect(due('afterClosingFourWeeks', ended)).toBe(Date.parse('2027-06-30') + 28 * DAY_MS);
    expect(due('afterClosingSixMonths', ended)).toBe(Date.parse('2027-12-30'));
    const answered = {
      ...ended,
      afterClosing: { fourWeeks: { outcome: 'jobSeeking', note: '', recordedAt: '', recordedBy: '' } },
    } as CaseRecord;
    expect(due('afterClosingFourWeeks', answered)).toBeUndefined();
  });
});

describe('notices', () => {
  it('sends each notice once, repeats at its interval up to its maximum, escalates once, and starts afresh in a new period', () => {
    let c = inTraining();
    const talkDue = day + 14 * DAY_MS;
    const at = (now: number) =>
      upcomingNotices(c, policy, now).filter((n) => n.clock === 'talk' && n.at <= now);
    expect(at(talkDue - 1)).toEqual([]);
    const first = at(talkDue);
    expect(first.map((n) => n.kind)).toEqual(['reminder']);
    for (const n of first) markSent(c, n, talkDue);
    expect(at(talkDue)).toEqual([]); // a retried deadline sends nothing twice
    expect(
      at(talkDue + 7 * DAY_MS)
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['escalation', 'reminder']);
    for (const n of at(talkDue + 7 * DAY_MS)) markSent(c, n, talkDue + 7 * DAY_MS);
    expect(c.notices.talk).toMatchObject({ period: talkDue, reminders: 2 });
    expect(c.notices.talk?.escalatedAt).toBe(talkDue + 7 * DAY_MS);
    for (let k = 2; k < 10; k++)
      for (const n of at(talkDue + k * 7 * DAY_MS)) markSent(c, n, talkDue + k * 7 * DAY_MS);
    expect(c.notices.talk?.reminders).toBe(4); // maxReminders
    // A talk recorded: the next period counts afresh.
    c = { ...c, talks: { count: 1, lastDate: '2027-02-01' } };
    expect(at(Date.parse('2027-02-15')).map((n) => n.kind)).toEqual(['reminder']);
  });

  it('the wait is the earliest notice, within bounds', () => {
    const c = inTraining();
    const next = upcomingNotices(c, policy, T0)[0];
    expect(next?.clock).toBe('talk');
    expect(MAX_WAIT_SECONDS).toBe(30 * 24 * 3600);
  });
});

describe('routes', () => {
  const c = inTraining();
  it('go by priority: closed, repair, coordinators, place, invitation, segment, phase', () => {
    const r = (x: CaseRecord, loop = 0, now = T0) => nextRoute(x, { loop, now }).state;
    expect(r(c)).toBe('AwaitTraining');
    expect(
      r({
        ...c,
        meetings: [
          ...c.meetings,
          { ...meeting('followUp', T0 + DAY_MS), invitationSentForSequence: undefined },
        ],
      }),
    ).toBe('SendInvitation');
    expect(r({ ...c, problem: { state: 'SendInvitation', error: 'MailAddressError', at: iso(T0) } })).toBe(
      'AwaitRepair',
    );
    expect(r({ ...c, status: 'closed', place: { assignedAt: iso(T0) } })).toBe('ReleasePlace');
    expect(r({ ...c, status: 'closed', place: { assignedAt: iso(T0), releasedAt: iso(T0) } })).toBe(
      'CaseClosed',
    );
    expect(r({ ...newCaseRecord('n1', T0) })).toBe('NotifyCoordinators');
    expect(r({ ...newCaseRecord('n1', T0), notifiedCoordinatorsAt: iso(T0) })).toBe('AwaitIntakeDecision');
    expect(r(c, SEGMENT_LIMITS.maxLoops)).toBe('AwaitTraining');
    expect(r(c, SEGMENT_LIMITS.maxLoops + 1)).toBe('ContinueAsNew');
    const started = Date.parse(c.execution.startedAt ?? '');
    expect(r(c, 0, started + SEGMENT_LIMITS.maxDays * DAY_MS)).toBe('AwaitTraining');
    expect(r(c, 0, started + SEGMENT_LIMITS.maxDays * DAY_MS + 1)).toBe('ContinueAsNew');
  });
});

describe('clocks at their edges', () => {
  it('none run outside a human step', () => {
    const closed = inTraining({ status: 'closed' });
    expect(runningClocks(closed)).toEqual([]);
    expect(upcomingNotices(closed, policy, T0)).toEqual([]);
  });

  it('a clock with no readable due date sends nothing', () => {
    const c = inTraining({ plannedEnd: '' });
    expect(upcomingNotices(c, policy, T0).map((n) => n.clock)).not.toContain('closingPlan');
    expect(upcomingNotices(c, policy, T0).every((n) => Number.isFinite(n.at))).toBe(true);
  });

  it('stops reminding at the clock’s maximum in a period', () => {
    const c = inTraining();
    const period = due('talk', c) ?? 0;
    const sent = (reminders: number) =>
      upcomingNotices(
        { ...c, notices: { talk: { period, reminders, lastReminderAt: T0 } } },
        policy,
        T0,
      ).filter((n) => n.clock === 'talk' && n.kind === 'reminder');
    expect(sent(3).map((n) => n.at)).toEqual([T0 + 7 * DAY_MS]);
    expect(sent(4)).toEqual([]);
  });

  it('tell the worklist when a clock is due and whether that has passed', () => {
    const c = inTraining();
    const talk = due('talk', c) ?? 0;
    expect(dueOf(c, policy, talk, 'talk')).toEqual({ due: talk, overdue: true });
    expect(dueOf(c, policy, talk - 1, 'talk')).toEqual({ due: talk, overdue: false });
    expect(dueOf(c, policy, T0, 'repair')).toBeUndefined();
  });
});

describe('routes at their edges', () => {
  const c = inTraining();
  const route = (x: CaseRecord) => nextRoute(x, { loop: 0, now: T0 });
  const held = { assignedAt: iso(T0 - 40 * DAY_MS) };

  it('answer the whole route: its kind, its state and the step it waits on', () => {
    expect(route(c)).toEqual({ kind: 'await', state: 'AwaitTraining', step: 'training' });
    expect(route({ ...c, problem: { state: 'S', error: 'E', at: iso(T0) } })).toEqual({
      kind: 'await',
      state: 'AwaitRepair',
      step: 'repair',
    });
    expect(route({ ...c, status: 'closed', place: { ...held, releasedAt: iso(T0) } })).toEqual({
      kind: 'end',
      state: 'CaseClosed',
    });
    expect(route({ ...c, status: 'closed', place: held })).toEqual({ kind: 'task', state: 'ReleasePlace' });
    expect(route({ ...newCaseRecord('n1', T0) })).toEqual({ kind: 'task', state: 'NotifyCoordinators' });
    expect(
      route({
        ...c,
        meetings: [
          ...c.meetings,
          { ...meeting('followUp', T0 + DAY_MS), invitationSentForSequence: undefined },
        ],
      }),
    ).toEqual({ kind: 'task', state: 'SendInvitation' });
    expect(nextRoute(c, { loop: SEGMENT_LIMITS.maxLoops + 1, now: T0 })).toEqual({
      kind: 'continue',
      state: 'ContinueAsNew',
    });
    expect(
      route({ ...c, intake: { decision: 'declined', decidedAt: iso(T0), decidedBy: 'k' }, place: undefined }),
    ).toEqual({
      kind: 'task',
      state: 'CloseCase',
    });
  });

  it('end a closed case even with work left undone, once its place is back', () => {
    const closed = { ...c, status: 'closed' as const, place: { ...held, releasedAt: iso(T0) } };
    expect(route({ ...closed, problem: { state: 'S', error: 'E', at: iso(T0) } }).state).toBe('CaseClosed');
    expect(
      route({
        ...closed,
        meetings: [...c.meetings, { ...meeting('followUp', T0), invitationSentForSequence: undefined }],
      }).state,
    ).toBe('CaseClosed');
  });

  it('tell the coordinators only about a referral still at intake', () => {
    expect(route({ ...c, notifiedCoordinatorsAt: undefined }).state).toBe('AwaitTraining');
  });

  it('give a place back when the referral or the visit was declined, or the closing recorded', () => {
    const declinedVisit = {
      ...c,
      studyVisit: {
        ...(c.studyVisit as NonNullable<CaseRecord['studyVisit']>),
        outcome: 'declined' as const,
      },
    };
    expect(placeToRelease({ ...declinedVisit, place: held })).toBe(true);
    expect(route({ ...declinedVisit, place: held }).state).toBe('ReleasePlace');
    const declinedIntake = {
      ...c,
      intake: { decision: 'declined' as const, decidedAt: iso(T0), decidedBy: 'k' },
      place: held,
    };
    expect(placeToRelease(declinedIntake)).toBe(true);
    const recorded = {
      ...c,
      place: held,
      closing: {
        record: {
          summary: 's',
          evaluation: 'e',
          outcome: 'internship' as const,
          nextStepPlan: 'n',
          recordedAt: iso(T0),
          recordedBy: 'k',
        },
      },
    };
    expect(placeToRelease(recorded)).toBe(true);
    expect(placeToRelease({ ...c, place: held })).toBe(false);
    expect(placeToRelease({ ...recorded, place: { ...held, releasedAt: iso(T0) } })).toBe(false);
    expect(placeToRelease({ ...recorded, place: { queuedAt: iso(T0) } })).toBe(false);
  });
});

describe('notices at their edges', () => {
  it('come earliest first, whichever clock they belong to', () => {
    // 50 days in: the last talk was yesterday, the follow-up has been due for a week.
    const now = T0 + 50 * DAY_MS;
    const c = inTraining({ talks: { count: 4, lastDate: iso(now - DAY_MS).slice(0, 10) } });
    const all = upcomingNotices(c, policy, now);
    expect(all[0]?.clock).toBe('followUp');
    expect(all.map((n) => n.at)).toEqual([...all.map((n) => n.at)].sort((a, b) => a - b));
    expect(new Set(all.map((n) => n.clock)).size).toBeGreaterThan(1);
  });

  it('escalate once in a period', () => {
    const c = inTraining({
      meetings: [meeting('startup', T0 - 10 * DAY_MS)],
      plan: undefined,
      workingTime: undefined,
    });
    const period = due('individualPlan', c) ?? 0;
    const escalations = (notices: CaseRecord['notices']) =>
      upcomingNotices({ ...c, notices }, policy, T0).filter((n) => n.kind === 'escalation');
    expect(escalations({}).map((n) => n.at)).toEqual([period + 7 * DAY_MS]);
    expect(
      escalations({ individualPlan: { period, reminders: 1, lastReminderAt: T0, escalatedAt: T0 } }),
    ).toEqual([]);
    // A new period escalates afresh.
    expect(
      escalations({ individualPlan: { period: period - 1, reminders: 1, escalatedAt: T0 } }),
    ).toHaveLength(1);
  });
});
