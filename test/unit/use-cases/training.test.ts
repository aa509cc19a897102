import { describe, expect, it } from 'vitest';
import { type Activity, type CaseRecord, DAY_MS, TALK_POINTS } from '#core/case';
import { ForbiddenError, NotFoundError, StepNotWaitingError, ValidationError } from '#core/errors';
import { scheduleClosing } from '#core/use-cases/meetings';
import {
  closeEarly,
  type FollowUpValues,
  followUpRuleIssues,
  logActivity,
  recordFollowUp,
  recordTalk,
  resumeTraining,
  type TalkValues,
} from '#core/use-cases/training';
import {
  CASE_OFFICER,
  COORDINATOR,
  caseIn,
  HOUR_MS,
  iso,
  isoDay,
  meeting,
  meetingForm,
  OTHER_OFFICER,
  OTHER_SUPERVISOR,
  SUPERVISOR,
  T0,
  TALK,
  trainingStartOf,
  UNIT,
  waitingOn,
  world,
} from '#test/support/use-case-world';

const ID = 'case00000001';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const issuesOf = async (p: Promise<unknown>) => {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).issues;
};

describe('recordTalk', () => {
  const talk: TalkValues = {
    formId: 'talk-form-0001',
    date: isoDay(T0),
    points: TALK,
    capacityDeclined: false,
  };
  async function setup(extra: Partial<CaseRecord> = {}, phase: 'training' | 'closing' = 'training') {
    const w = world();
    await w.seed(caseIn(phase, ID, T0, { ...waitingOn(phase), ...extra }));
    return w;
  }

  it('counts the talk and keeps its seven points as an entry beside the record', async () => {
    const w = await setup();
    const after = await recordTalk(w.deps, SUPERVISOR, ID, talk);
    expect(after.talks).toEqual({ count: 1, lastDate: isoDay(T0), lastCapacityDeclined: false });
    expect(JSON.stringify(after)).not.toContain(TALK.challenges);
    const entries = await w.repo.listEntries(ID, 'talk');
    expect(entries).toEqual([
      {
        kind: 'talk',
        entryId: expect.stringMatching(UUID),
        data: { date: isoDay(T0), capacityDeclined: false, recordedBy: 's1', points: TALK },
      },
    ]);
    expect(after.appliedForms).toEqual([{ formId: 'talk-form-0001', action: 'recordTalk', at: iso(T0) }]);
    expect(w.workflow.tokens).toEqual([{ token: 'token-training', output: { caseId: ID } }]);
  });

  it('records a double submit once', async () => {
    const w = await setup();
    await recordTalk(w.deps, SUPERVISOR, ID, talk);
    const again = await recordTalk(w.deps, SUPERVISOR, ID, talk);
    expect(again.talks.count).toBe(1);
    expect(await w.repo.listEntries(ID, 'talk')).toHaveLength(1);
  });

  it('records two talks without form ids as two, each with its own entry', async () => {
    const w = await setup();
    await recordTalk(w.deps, SUPERVISOR, ID, { ...talk, formId: undefined });
    const after = await recordTalk(w.deps, COORDINATOR, ID, { ...talk, formId: undefined });
    expect(after.talks.count).toBe(2);
    const entries = await w.repo.listEntries(ID, 'talk');
    expect(entries.map((e) => e.data.recordedBy)).toEqual(['s1', 'c1']);
    expect(entries[0]?.entryId).not.toBe(entries[1]?.entryId);
    expect(after.appliedForms).toEqual([]);
  });

  it('asks for a follow-up meeting when the talk shows a decline in work capacity', async () => {
    const w = await setup();
    const after = await recordTalk(w.deps, SUPERVISOR, ID, { ...talk, capacityDeclined: true });
    expect(after.talks).toEqual({
      count: 1,
      lastDate: isoDay(T0),
      lastCapacityDeclined: true,
      followUpRequestedAt: iso(T0),
    });
    expect((await w.repo.listEntries(ID, 'talk'))[0]?.data.capacityDeclined).toBe(true);
  });

  it('keeps the latest talk date when an earlier talk is recorded late', async () => {
    const w = await setup({
      talks: { count: 3, lastDate: isoDay(T0 - 2 * DAY_MS), followUpRequestedAt: iso(T0) },
    });
    const late = await recordTalk(w.deps, SUPERVISOR, ID, { ...talk, date: isoDay(T0 - 5 * DAY_MS) });
    expect(late.talks).toEqual({
      count: 4,
      lastDate: isoDay(T0 - 2 * DAY_MS),
      lastCapacityDeclined: false,
      followUpRequestedAt: iso(T0),
    });
    const next = await recordTalk(w.deps, SUPERVISOR, ID, { ...talk, formId: 'talk-form-0002' });
    expect(next.talks.lastDate).toBe(isoDay(T0));
  });

  it('keeps exactly the seven agenda points', async () => {
    const w = await setup();
    const { actionPlan: _, ...six } = TALK;
    await recordTalk(w.deps, SUPERVISOR, ID, {
      ...talk,
      points: { ...six, health: 'x' } as unknown as typeof TALK,
    });
    const points = (await w.repo.listEntries(ID, 'talk'))[0]?.data.points as Record<string, string>;
    expect(Object.keys(points)).toEqual([...TALK_POINTS]);
    expect(points.actionPlan).toBe('');
  });

  it('refuses a date in the future or before training started, saving nothing', async () => {
    const w = await setup();
    expect(
      await issuesOf(recordTalk(w.deps, SUPERVISOR, ID, { ...talk, date: isoDay(T0 + DAY_MS) })),
    ).toEqual([{ field: 'date', code: 'future' }]);
    const dayBefore = isoDay(T0 - 61 * DAY_MS);
    expect(await issuesOf(recordTalk(w.deps, SUPERVISOR, ID, { ...talk, date: dayBefore }))).toEqual([
      { field: 'date', code: 'beforeStart' },
    ]);
    expect((await w.get(ID)).talks.count).toBe(0);
    expect(await w.repo.listEntries(ID, 'talk')).toEqual([]);
    // The first day of training is fine.
    const first = await recordTalk(w.deps, SUPERVISOR, ID, { ...talk, date: trainingStartOf(T0) });
    expect(first.talks.count).toBe(1);
  });

  it('is open while the case is closing, not during a pause', async () => {
    const w = await setup({}, 'closing');
    expect((await recordTalk(w.deps, SUPERVISOR, ID, talk)).talks.count).toBe(1);
    const w2 = world();
    await w2.seed(caseIn('paused', ID));
    await expect(recordTalk(w2.deps, SUPERVISOR, ID, talk)).rejects.toMatchObject({
      code: 'alreadyDone',
      params: { phase: 'paused' },
    });
  });

  it('is for the assigned supervisor and the coordinators', async () => {
    const w = await setup();
    await expect(recordTalk(w.deps, OTHER_SUPERVISOR, ID, talk)).rejects.toThrow(ForbiddenError);
    await expect(recordTalk(w.deps, CASE_OFFICER, ID, talk)).rejects.toThrow(ForbiddenError);
    await expect(recordTalk(w.deps, OTHER_OFFICER, ID, talk)).rejects.toThrow(NotFoundError);
    expect(await w.repo.listEntries(ID, 'talk')).toEqual([]);
  });
});

describe('recordFollowUp', () => {
  const held = (startMs = T0 - 2 * HOUR_MS) => meeting('followUp', startMs);
  /** Training since 60 days at 25 %, a follow-up meeting begun two hours ago. */
  async function setup(extra: Partial<CaseRecord> = {}, phase: 'training' | 'paused' = 'training') {
    const w = world();
    const c = caseIn(phase, ID, T0, {
      ...waitingOn(phase),
      talks: { count: 2, followUpRequestedAt: iso(T0 - DAY_MS) },
    });
    await w.seed({ ...c, meetings: [...c.meetings, held()], ...extra });
    return w;
  }
  const base: FollowUpValues = {
    participantPresent: true,
    caseOfficerPresent: true,
    summary: 'Landat väl',
    decision: 'increase',
    newPercent: 40,
    tasks: ['sy'],
  };

  it('raises working time one step, keeps the tasks and closes the meeting', async () => {
    const w = await setup();
    const after = await recordFollowUp(w.deps, COORDINATOR, ID, base);
    const day = isoDay(T0 - 2 * HOUR_MS);
    expect(after.workingTime).toEqual({ percent: 40, hoursPerWeek: 16, since: day });
    expect(after.workingTimeHistory.at(-1)).toEqual({
      percent: 40,
      hoursPerWeek: 16,
      since: day,
      kind: 'increase',
      meetingId: 'followUp-1',
      decidedAt: iso(T0),
      decidedBy: 'c1',
    });
    expect(after.followUps).toEqual([
      {
        meetingId: 'followUp-1',
        participantPresent: true,
        caseOfficerPresent: true,
        summary: 'Landat väl',
        decision: 'increase',
        newPercent: 40,
        newHoursPerWeek: 16,
        tasks: ['sy'],
        recordedAt: iso(T0),
        recordedBy: 'c1',
      },
    ]);
    expect(after.tasks).toEqual(['sy']);
    expect(after.pauses).toEqual([]);
    expect(after.meetings.at(-1)?.recordedAt).toBe(iso(T0));
    expect(after.talks).toEqual({ count: 2 });
    expect(w.workflow.tokens).toEqual([{ token: 'token-training', output: { caseId: ID } }]);
  });

  it('keeps the tasks as they were with an increase, even listed in another order', async () => {
    const w = await setup({ tasks: ['sy', 'packa'] });
    const after = await recordFollowUp(w.deps, COORDINATOR, ID, { ...base, tasks: ['packa', 'sy'] });
    expect(after.workingTime?.percent).toBe(40);
    expect(after.tasks).toEqual(['sy', 'packa']);
    expect(after.followUps[0]?.tasks).toEqual(['packa', 'sy']);
  });

  it('lowers working time with a reason, from the meeting’s day, and changes the tasks', async () => {
    const w = await setup({ meetings: [held(T0 - 3 * DAY_MS)] });
    const after = await recordFollowUp(w.deps, SUPERVISOR, ID, {
      ...base,
      decision: 'decrease',
      newPercent: 10,
      reason: 'Trött',
      tasks: ['packa'],
    });
    const day = isoDay(T0 - 3 * DAY_MS);
    expect(after.workingTime).toEqual({ percent: 10, hoursPerWeek: 4, since: day });
    expect(after.workingTimeHistory.at(-1)).toMatchObject({ kind: 'decrease', reason: 'Trött', since: day });
    expect(after.tasks).toEqual(['packa']);
    expect(after.followUps[0]).toMatchObject({
      decision: 'decrease',
      reason: 'Trött',
      newPercent: 10,
      newHoursPerWeek: 4,
    });
  });

  it('pauses training from the meeting', async () => {
    const w = await setup();
    const after = await recordFollowUp(w.deps, COORDINATOR, ID, {
      ...base,
      decision: 'pause',
      newPercent: undefined,
      reason: 'Vårdkontakt',
      tasks: ['sy', 'packa'],
    });
    expect(after.pauses).toEqual([{ startedAt: iso(T0), meetingId: 'followUp-1', reason: 'Vårdkontakt' }]);
    expect(after.phase).toBe('paused');
    expect(after.workingTime?.percent).toBe(25);
    expect(after.workingTimeHistory).toHaveLength(1);
    expect(after.tasks).toEqual(['sy', 'packa']);
  });

  it('records no change: the tasks as decided, the working time kept, no percent stored', async () => {
    const w = await setup();
    const after = await recordFollowUp(w.deps, COORDINATOR, ID, {
      ...base,
      decision: 'noChange',
      newPercent: undefined,
      tasks: ['sy', 'packa'],
    });
    expect(after.followUps[0]).toEqual({
      meetingId: 'followUp-1',
      participantPresent: true,
      caseOfficerPresent: true,
      summary: 'Landat väl',
      decision: 'noChange',
      tasks: ['sy', 'packa'],
      recordedAt: iso(T0),
      recordedBy: 'c1',
    });
    expect(after.workingTime).toEqual({ percent: 25, hoursPerWeek: 10, since: trainingStartOf(T0) });
    expect(after.workingTimeHistory).toHaveLength(1);
    expect(after.pauses).toEqual([]);
    expect(after.tasks).toEqual(['sy', 'packa']);
  });

  it('changes no working time for a percent sent with "no change"', async () => {
    const w = await setup();
    const after = await recordFollowUp(w.deps, COORDINATOR, ID, {
      ...base,
      decision: 'noChange',
      newPercent: 50,
    });
    expect(after.workingTime?.percent).toBe(25);
    expect(after.workingTimeHistory).toHaveLength(1);
    expect(after.followUps[0]).toMatchObject({ newPercent: 50, newHoursPerWeek: 20 });
  });

  it('checks the working-time rules against the meeting’s date, not today', async () => {
    // Training started 28 days before today: landed today, not at the meeting three days ago.
    const since = isoDay(T0 - 28 * DAY_MS);
    const w = await setup({
      meetings: [held(T0 - 3 * DAY_MS)],
      workingTime: { percent: 25, hoursPerWeek: 10, since },
      workingTimeHistory: [
        { percent: 25, hoursPerWeek: 10, since, kind: 'start', decidedAt: iso(T0), decidedBy: 's1' },
      ],
    });
    expect(await issuesOf(recordFollowUp(w.deps, COORDINATOR, ID, base))).toEqual([
      { field: 'decision', code: 'landing', params: { weeks: 4, from: isoDay(T0) } },
    ]);
  });

  it('refuses a decision against the rules, and tasks the unit does not have, saving nothing', async () => {
    const w = await setup();
    expect(
      await issuesOf(
        recordFollowUp(w.deps, COORDINATOR, ID, { ...base, caseOfficerPresent: false, newPercent: 50 }),
      ),
    ).toEqual([
      { field: 'decision', code: 'increaseNeedsBoth' },
      { field: 'newPercent', code: 'oneStep', params: { next: 40, current: 25 } },
    ]);
    expect(
      await issuesOf(
        recordFollowUp(w.deps, COORDINATOR, ID, { ...base, decision: 'noChange', tasks: ['sy', 'dansa'] }),
      ),
    ).toEqual([{ field: 'tasks', code: 'unknownTask' }]);
    expect(
      await issuesOf(
        recordFollowUp(w.deps, COORDINATOR, ID, { ...base, decision: 'pause', newPercent: undefined }),
      ),
    ).toEqual([{ field: 'reason', code: 'required' }]);
    const after = await w.get(ID);
    expect(after.version).toBe(1);
    expect(after.followUps).toEqual([]);
    expect(after.meetings.at(-1)?.recordedAt).toBeUndefined();
  });

  it('knows no tasks for a unit that is not configured', async () => {
    const w = await setup({ unitId: 'nowhere' });
    expect(
      await issuesOf(recordFollowUp(w.deps, COORDINATOR, ID, { ...base, decision: 'noChange' })),
    ).toEqual([{ field: 'tasks', code: 'unknownTask' }]);
  });

  it('counts hours from the unit’s full time', async () => {
    const w = world({ units: [{ ...UNIT, fullTimeHours: 30 }] });
    const c = caseIn('training', ID);
    await w.seed({ ...c, meetings: [...c.meetings, held()] });
    const after = await recordFollowUp(w.deps, COORDINATOR, ID, base);
    expect(after.workingTime?.hoursPerWeek).toBe(12);
    expect(after.followUps[0]?.newHoursPerWeek).toBe(12);
  });

  it('is refused without a meeting, before it begins, and once it is recorded', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    await expect(recordFollowUp(w.deps, COORDINATOR, ID, base)).rejects.toMatchObject({
      code: 'noMeeting',
      params: { action: 'recordFollowUp' },
    });
    const w2 = await setup({ meetings: [held(T0 + 60_000)] });
    await expect(recordFollowUp(w2.deps, COORDINATOR, ID, base)).rejects.toMatchObject({
      code: 'meetingNotHeld',
      params: { start: iso(T0 + 60_000) },
    });
  });

  it('records a decision during a pause', async () => {
    const w = await setup({}, 'paused');
    const after = await recordFollowUp(w.deps, COORDINATOR, ID, {
      ...base,
      decision: 'decrease',
      newPercent: 10,
      reason: 'Sjukskriven',
    });
    expect(after.workingTime?.percent).toBe(10);
    expect(after.phase).toBe('paused');
  });

  it('takes the same record as done once the case has moved on, and refuses a different one', async () => {
    const w = await setup();
    await recordFollowUp(w.deps, COORDINATOR, ID, base);
    await scheduleClosing(w.deps, COORDINATOR, ID, meetingForm(T0, 14));
    const version = (await w.get(ID)).version;
    expect((await recordFollowUp(w.deps, COORDINATOR, ID, base)).version).toBe(version);
    for (const other of [{ summary: 'Annat' }, { decision: 'noChange' as const }, { newPercent: 50 }])
      await expect(recordFollowUp(w.deps, COORDINATOR, ID, { ...base, ...other })).rejects.toMatchObject({
        code: 'alreadyDone',
      });
  });

  it('is for the assigned supervisor and the coordinators', async () => {
    const w = await setup();
    await expect(recordFollowUp(w.deps, OTHER_SUPERVISOR, ID, base)).rejects.toThrow(ForbiddenError);
    await expect(recordFollowUp(w.deps, CASE_OFFICER, ID, base)).rejects.toThrow(ForbiddenError);
    await expect(recordFollowUp(w.deps, OTHER_OFFICER, ID, base)).rejects.toThrow(NotFoundError);
  });

  // Regression (found by these tests, fixed in 8a431e1): recordFollowUp stays open in training,
  // so the same record posted twice was refused with 'noMeeting' instead of taken as done.
  it('takes the same follow-up record posted twice (a double click) as one', async () => {
    const w = await setup();
    await recordFollowUp(w.deps, COORDINATOR, ID, base);
    const again = await recordFollowUp(w.deps, COORDINATOR, ID, base);
    expect(again.followUps).toHaveLength(1);
  });
});

describe('resumeTraining', () => {
  const resume = {
    statementDate: isoDay(T0 - DAY_MS),
    maxPercent: 50,
    avoidTasks: 'Tunga lyft',
    percent: 40,
  };
  async function setup() {
    const w = world();
    await w.seed(caseIn('paused', ID, T0, waitingOn('paused')));
    return w;
  }

  it('resumes under the doctor’s statement at the new level from today', async () => {
    const w = await setup();
    const after = await resumeTraining(w.deps, SUPERVISOR, ID, resume);
    expect(after.pauses).toEqual([
      {
        startedAt: iso(T0 - 10 * DAY_MS),
        meetingId: 'followUp-1',
        reason: 'Vårdkontakt',
        resumedAt: iso(T0),
        statementDate: isoDay(T0 - DAY_MS),
        maxPercent: 50,
        avoidTasks: 'Tunga lyft',
      },
    ]);
    expect(after.workingTime).toEqual({ percent: 40, hoursPerWeek: 16, since: isoDay(T0) });
    expect(after.workingTimeHistory.at(-1)).toEqual({
      percent: 40,
      hoursPerWeek: 16,
      since: isoDay(T0),
      kind: 'resume',
      decidedAt: iso(T0),
      decidedBy: 's1',
    });
    expect(after.phase).toBe('training');
    expect(w.workflow.tokens).toEqual([{ token: 'token-paused', output: { caseId: ID } }]);
  });

  it('refuses a level above the cap or none, and a statement dated in the future', async () => {
    const w = await setup();
    expect(
      await issuesOf(
        resumeTraining(w.deps, COORDINATOR, ID, {
          ...resume,
          percent: 60,
          statementDate: isoDay(T0 + DAY_MS),
        }),
      ),
    ).toEqual([
      { field: 'percent', code: 'aboveCap', params: { cap: 50 } },
      { field: 'statementDate', code: 'future' },
    ]);
    expect(await issuesOf(resumeTraining(w.deps, COORDINATOR, ID, { ...resume, percent: 0 }))).toEqual([
      { field: 'percent', code: 'range', params: { min: 1, max: 100 } },
    ]);
    expect((await w.get(ID)).phase).toBe('paused');
    // A statement written today, at the cap: fine.
    const after = await resumeTraining(w.deps, COORDINATOR, ID, {
      ...resume,
      statementDate: isoDay(T0),
      percent: 50,
    });
    expect(after.workingTime?.percent).toBe(50);
  });

  it('takes the same resume twice as one and refuses a different statement', async () => {
    const w = await setup();
    await resumeTraining(w.deps, COORDINATOR, ID, resume);
    expect((await resumeTraining(w.deps, COORDINATOR, ID, resume)).version).toBe(2);
    for (const other of [{ statementDate: isoDay(T0 - 2 * DAY_MS) }, { maxPercent: 75 }])
      await expect(resumeTraining(w.deps, COORDINATOR, ID, { ...resume, ...other })).rejects.toMatchObject({
        code: 'alreadyDone',
      });
  });

  it('is refused while training runs, and to people who do not run it', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    await expect(resumeTraining(w.deps, COORDINATOR, ID, resume)).rejects.toThrow(StepNotWaitingError);
    const w2 = await setup();
    await expect(resumeTraining(w2.deps, OTHER_SUPERVISOR, ID, resume)).rejects.toThrow(ForbiddenError);
    await expect(resumeTraining(w2.deps, CASE_OFFICER, ID, resume)).rejects.toThrow(ForbiddenError);
  });
});

describe('logActivity', () => {
  const activity = { formId: 'activity-0001', kind: 'cvHelp' as const, date: isoDay(T0), note: 'CV klart' };

  it('logs the activity once per form', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    const after = await logActivity(w.deps, SUPERVISOR, ID, activity);
    expect(after.activities).toEqual([
      {
        activityId: expect.stringMatching(UUID),
        kind: 'cvHelp',
        date: isoDay(T0),
        note: 'CV klart',
        recordedAt: iso(T0),
        recordedBy: 's1',
      },
    ]);
    expect((await logActivity(w.deps, SUPERVISOR, ID, activity)).activities).toHaveLength(1);
    const second = await logActivity(w.deps, COORDINATOR, ID, { ...activity, formId: 'activity-0002' });
    expect(second.activities).toHaveLength(2);
    expect(second.activities[0]?.activityId).not.toBe(second.activities[1]?.activityId);
  });

  it('is open in training, during a pause and while closing, not after', async () => {
    const w = world();
    await w.seed(
      caseIn('paused', 'case00000001'),
      caseIn('closing', 'case00000002'),
      caseIn('afterClosing', 'case00000003'),
    );
    expect((await logActivity(w.deps, SUPERVISOR, 'case00000001', activity)).activities).toHaveLength(1);
    expect((await logActivity(w.deps, SUPERVISOR, 'case00000002', activity)).activities).toHaveLength(1);
    await expect(logActivity(w.deps, SUPERVISOR, 'case00000003', activity)).rejects.toMatchObject({
      code: 'alreadyDone',
    });
  });

  it('keeps at most 500 activities on a case', async () => {
    const one = (i: number): Activity => ({
      activityId: `a${i}`,
      kind: 'other',
      date: isoDay(T0),
      note: '',
      recordedAt: iso(T0),
      recordedBy: 's1',
    });
    const w = world();
    await w.seed(
      caseIn('training', 'case00000001', T0, { activities: Array.from({ length: 499 }, (_, i) => one(i)) }),
      caseIn('training', 'case00000002', T0, { activities: Array.from({ length: 500 }, (_, i) => one(i)) }),
    );
    expect((await logActivity(w.deps, SUPERVISOR, 'case00000001', activity)).activities).toHaveLength(500);
    expect(await issuesOf(logActivity(w.deps, SUPERVISOR, 'case00000002', activity))).toEqual([
      { field: 'kind', code: 'tooMany', params: { max: 500 } },
    ]);
  });

  it('is for the assigned supervisor and the coordinators', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    await expect(logActivity(w.deps, OTHER_SUPERVISOR, ID, activity)).rejects.toThrow(ForbiddenError);
    await expect(logActivity(w.deps, CASE_OFFICER, ID, activity)).rejects.toThrow(ForbiddenError);
  });
});

describe('closeEarly', () => {
  it('starts closing early with the reason', async () => {
    const w = world();
    await w.seed(caseIn('training', ID, T0, waitingOn('training')));
    const after = await closeEarly(w.deps, COORDINATOR, ID, { reason: 'gotJob', note: 'Lager' });
    expect(after.closing).toEqual({ early: { reason: 'gotJob', note: 'Lager', at: iso(T0), by: 'c1' } });
    expect(after.phase).toBe('closing');
    expect(w.workflow.tokens).toEqual([{ token: 'token-training', output: { caseId: ID } }]);
  });

  it('can close before training has started, not before the start-up step', async () => {
    const w = world();
    await w.seed(caseIn('startupScheduling', 'case00000001'), caseIn('studyVisitInvited', 'case00000002'));
    expect((await closeEarly(w.deps, COORDINATOR, 'case00000001', { reason: 'left', note: '' })).phase).toBe(
      'closing',
    );
    await expect(
      closeEarly(w.deps, COORDINATOR, 'case00000002', { reason: 'left', note: '' }),
    ).rejects.toMatchObject({
      code: 'alreadyDone',
    });
  });

  it('takes the same reason twice as one and refuses another', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    await closeEarly(w.deps, COORDINATOR, ID, { reason: 'gotJob', note: '' });
    expect(
      (await closeEarly(w.deps, COORDINATOR, ID, { reason: 'gotJob', note: 'annan text' })).version,
    ).toBe(2);
    await expect(closeEarly(w.deps, COORDINATOR, ID, { reason: 'studies', note: '' })).rejects.toMatchObject({
      code: 'alreadyDone',
    });
  });

  it('is refused once the closing is recorded', async () => {
    const w = world();
    await w.seed(caseIn('afterClosing', ID));
    await expect(closeEarly(w.deps, COORDINATOR, ID, { reason: 'gotJob', note: '' })).rejects.toMatchObject({
      code: 'alreadyDone',
      params: { phase: 'afterClosing' },
    });
  });

  it('is for the coordinators', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    await expect(closeEarly(w.deps, SUPERVISOR, ID, { reason: 'gotJob', note: '' })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(closeEarly(w.deps, OTHER_OFFICER, ID, { reason: 'gotJob', note: '' })).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('followUpRuleIssues (the rules named beside the form’s own errors)', () => {
  /** Training since 60 days at 25 % on ['sy'], a follow-up begun two hours ago. */
  async function setup(extra: Partial<CaseRecord> = {}, units = [UNIT]) {
    const w = world({ units });
    const c = caseIn('training', ID, T0, extra);
    await w.seed({ ...c, meetings: [...c.meetings, meeting('followUp', T0 - 2 * HOUR_MS)], ...extra });
    return w;
  }
  const raw = {
    decision: 'increase',
    participantPresent: 'yes',
    caseOfficerPresent: 'yes',
    newPercent: '40',
    reason: '',
    tasks: 'sy',
  };
  const codes = async (w: Awaited<ReturnType<typeof setup>>, over: Record<string, string | undefined>) =>
    (await followUpRuleIssues(w.deps, COORDINATOR, ID, { ...raw, ...over })).map(
      (i) => `${i.field}:${i.code}`,
    );

  it('names every rule the posted decision breaks, with its values, changing nothing', async () => {
    const w = await setup();
    expect(
      await followUpRuleIssues(w.deps, SUPERVISOR, ID, {
        ...raw,
        caseOfficerPresent: 'Yes',
        newPercent: '50',
        tasks: 'sy\npacka',
      }),
    ).toEqual([
      { field: 'decision', code: 'increaseNeedsBoth' },
      { field: 'newPercent', code: 'oneStep', params: { next: 40, current: 25 } },
      { field: 'tasks', code: 'noTaskChangeWithIncrease' },
    ]);
    expect(await codes(w, {})).toEqual([]);
    expect((await w.get(ID)).version).toBe(1);
  });

  it('reads the tasks one a line, trimmed, blank lines left out', async () => {
    const w = await setup();
    expect(await codes(w, { tasks: '  sy \n\n' })).toEqual([]);
    expect(await codes(w, { tasks: undefined })).toEqual(['tasks:noTaskChangeWithIncrease']);
  });

  it('reads the new level only as a whole number, and leaves level rules out when none is given', async () => {
    const w = await setup();
    expect(await codes(w, { newPercent: ' 040 ' })).toEqual([]);
    expect(await codes(w, { newPercent: '' })).toEqual([]);
    expect(await codes(w, { newPercent: undefined })).toEqual([]);
    for (const newPercent of ['4x', '1000', 'x40'])
      expect(await codes(w, { newPercent }), newPercent).toEqual(['newPercent:oneStep']);
  });

  it('reads a reason only when it says something', async () => {
    const w = await setup();
    const decrease = { decision: 'decrease', newPercent: '10' };
    expect(await codes(w, { ...decrease, reason: '  ' })).toEqual(['reason:required']);
    expect(await codes(w, { ...decrease, reason: undefined })).toEqual(['reason:required']);
    expect(await codes(w, { ...decrease, reason: ' Trött ' })).toEqual([]);
  });

  it('judges landing from the meeting’s day and the ladder from the unit', async () => {
    const since = isoDay(T0 - 28 * DAY_MS);
    const landing = await setup({
      meetings: [meeting('followUp', T0 - 3 * DAY_MS)],
      workingTimeHistory: [
        { percent: 25, hoursPerWeek: 10, since, kind: 'start', decidedAt: iso(T0), decidedBy: 's1' },
      ],
    });
    expect(await codes(landing, {})).toEqual(['decision:landing']);
    const ladder = await setup({}, [{ ...UNIT, ladder: [25, 30, 100] }]);
    expect(await followUpRuleIssues(ladder.deps, COORDINATOR, ID, raw)).toEqual([
      { field: 'newPercent', code: 'oneStep', params: { next: 30, current: 25 } },
    ]);
  });

  it('says nothing without a decision it can read, before reading the case', async () => {
    const w = world();
    for (const decision of [undefined, '', ' ', 'more'])
      expect(await followUpRuleIssues(w.deps, COORDINATOR, 'nosuchcase01', { ...raw, decision })).toEqual([]);
    await expect(followUpRuleIssues(w.deps, COORDINATOR, 'nosuchcase01', raw)).rejects.toThrow(NotFoundError);
  });

  it('says nothing once the meeting is recorded', async () => {
    const w = await setup({ meetings: [meeting('followUp', T0 - DAY_MS, { recordedAt: iso(T0) })] });
    expect(await followUpRuleIssues(w.deps, COORDINATOR, ID, { ...raw, caseOfficerPresent: 'no' })).toEqual(
      [],
    );
  });
});
