import { describe, expect, it } from 'vitest';
import { DAY_MS } from '#core/case';
import { ForbiddenError, NotFoundError, StepNotWaitingError, ValidationError } from '#core/errors';
import { type PlanValues, recordPlan, scheduleStartup } from '#core/use-cases/startup';
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
  SUPERVISOR_EMAIL,
  T0,
  tenOclock,
  UNIT,
  waitingOn,
  world,
} from '#test/support/use-case-world';

const ID = 'case00000001';
const issuesOf = async (p: Promise<unknown>) => {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).issues;
};

describe('scheduleStartup', () => {
  async function setup() {
    const w = world();
    await w.seed(caseIn('startupScheduling', ID, T0, waitingOn('startupMeeting')));
    return w;
  }
  const form = (o: Record<string, string> = {}) => ({
    ...meetingForm(T0, 2),
    supervisorEmail: ' SAMI@stadsmissionen.example ',
    inviteCaseOfficer: 'yes',
    ...o,
  });

  it('assigns the supervisor and books the meeting with the participant, supervisor and case officer', async () => {
    const w = await setup();
    const after = await scheduleStartup(w.deps, COORDINATOR, ID, form());
    expect(after.supervisor).toEqual({ name: 'Sami', email: SUPERVISOR_EMAIL });
    expect(after.meetings).toEqual([
      {
        meetingId: 'startup-1',
        kind: 'startup',
        start: iso(tenOclock(T0, 2)),
        end: iso(tenOclock(T0, 2) + HOUR_MS),
        location: 'REMAKE, Malmö',
        organizer: { name: 'Karin', email: 'karin@stadsmissionen.example' },
        attendees: ['participant', 'supervisor', 'caseOfficer'],
        sequence: 0,
        scheduledAt: iso(T0),
        scheduledBy: 'c1',
      },
    ]);
    expect(after.phase).toBe('startupPlanning');
    expect(w.workflow.tokens).toEqual([{ token: 'token-startupMeeting', output: { caseId: ID } }]);
  });

  it('leaves the case officer out unless asked', async () => {
    for (const invite of [{ inviteCaseOfficer: 'no' }, { inviteCaseOfficer: 'Yes' }, {}]) {
      const w = await setup();
      const { inviteCaseOfficer: _, ...rest } = form();
      const after = await scheduleStartup(w.deps, COORDINATOR, ID, { ...rest, ...invite });
      expect(after.meetings[0]?.attendees).toEqual(['participant', 'supervisor']);
    }
  });

  it('takes the supervisor as the unit lists them', async () => {
    const w = await setup();
    const after = await scheduleStartup(
      w.deps,
      COORDINATOR,
      ID,
      form({ supervisorEmail: 'sara@stadsmissionen.example' }),
    );
    expect(after.supervisor).toEqual({ name: 'Sara', email: 'Sara@Stadsmissionen.example' });
  });

  it('refuses a supervisor the unit does not have, and a bad time, in one round', async () => {
    const w = await setup();
    expect(
      await issuesOf(scheduleStartup(w.deps, COORDINATOR, ID, form({ supervisorEmail: 'x@y.se' }))),
    ).toEqual([{ field: 'supervisorEmail', code: 'required' }]);
    const both = await issuesOf(
      scheduleStartup(w.deps, COORDINATOR, ID, form({ supervisorEmail: '', date: 'nej' })),
    );
    expect(both[0]).toEqual({ field: 'supervisorEmail', code: 'required' });
    expect(both.map((i) => i.field)).toContain('date');
    expect((await w.get(ID)).version).toBe(1);
    // A unit without supervisors (or no unit) has none to assign.
    const w2 = world({ units: [{ ...UNIT, supervisors: undefined }] });
    await w2.seed(caseIn('startupScheduling', ID));
    expect(await issuesOf(scheduleStartup(w2.deps, COORDINATOR, ID, form()))).toEqual([
      { field: 'supervisorEmail', code: 'required' },
    ]);
    expect(await issuesOf(scheduleStartup(w.deps, COORDINATOR, 'nosuchcase01', form()))).toEqual([
      { field: 'supervisorEmail', code: 'required' },
    ]);
  });

  it('refuses a bad time with a good supervisor, and a form without a supervisor', async () => {
    const w = await setup();
    const bad = await issuesOf(scheduleStartup(w.deps, COORDINATOR, ID, form({ date: '2027-02-30' })));
    expect(bad.map((i) => `${i.field}:${i.code}`)).toEqual(['date:date']);
    const { supervisorEmail: _, ...noSupervisor } = form();
    expect(await issuesOf(scheduleStartup(w.deps, COORDINATOR, ID, noSupervisor))).toEqual([
      { field: 'supervisorEmail', code: 'required' },
    ]);
    expect((await w.get(ID)).version).toBe(1);
  });

  it('passes on a failure that is not about the form', async () => {
    const w = await setup();
    w.clock.now = () => {
      throw new Error('clock broken');
    };
    await expect(scheduleStartup(w.deps, COORDINATOR, ID, form())).rejects.toThrow('clock broken');
  });

  it('takes the same booking twice as one, and refuses another time or supervisor once booked', async () => {
    const w = await setup();
    await scheduleStartup(w.deps, COORDINATOR, ID, form());
    expect((await scheduleStartup(w.deps, COORDINATOR, ID, form())).version).toBe(2);
    for (const other of [
      { ...form(), ...meetingForm(T0, 4) },
      form({ supervisorEmail: 'sara@stadsmissionen.example' }),
    ]) {
      const err = await scheduleStartup(w.deps, COORDINATOR, ID, other).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StepNotWaitingError);
      expect(err).toMatchObject({ code: 'alreadyDone' });
    }
    expect((await w.get(ID)).meetings).toHaveLength(1);
  });

  it('compares a repeat by start, end and supervisor once the step has closed', async () => {
    const w = world();
    const startup = meeting('startup', tenOclock(T0, 2), { attendees: ['participant', 'supervisor'] });
    await w.seed(caseIn('closed', ID, T0, { meetings: [startup], plan: undefined }));
    expect((await scheduleStartup(w.deps, COORDINATOR, ID, form())).version).toBe(1);
    for (const other of [
      form({ startTime: '10:30' }),
      form({ endTime: '11:30' }),
      form({ supervisorEmail: 'sara@stadsmissionen.example' }),
    ])
      await expect(scheduleStartup(w.deps, COORDINATOR, ID, other)).rejects.toMatchObject({ code: 'closed' });
  });

  it('is for the coordinators', async () => {
    const w = await setup();
    await expect(scheduleStartup(w.deps, SUPERVISOR, ID, form())).rejects.toThrow(ForbiddenError);
    await expect(scheduleStartup(w.deps, CASE_OFFICER, ID, form())).rejects.toThrow(ForbiddenError);
    await expect(scheduleStartup(w.deps, OTHER_OFFICER, ID, form())).rejects.toThrow(NotFoundError);
  });
});

describe('recordPlan', () => {
  const plan: PlanValues = {
    goals: 'Komma igång',
    tasks: ['sy', 'packa'],
    percent: 25,
    adaptations: 'Pauser',
    startDate: isoDay(T0),
  };
  async function setup(extra = {}) {
    const w = world();
    await w.seed(caseIn('startupPlanning', ID, T0, { ...waitingOn('individualPlan'), ...extra }));
    return w;
  }

  it('records the plan, the tasks and the starting working time, and closes the meeting', async () => {
    const w = await setup();
    w.clock.advance(HOUR_MS);
    const at = iso(T0 + HOUR_MS);
    const after = await recordPlan(w.deps, SUPERVISOR, ID, plan);
    expect(after.plan).toEqual({ ...plan, hoursPerWeek: 10, recordedAt: at, recordedBy: 's1' });
    expect(after.tasks).toEqual(['sy', 'packa']);
    expect(after.workingTime).toEqual({ percent: 25, hoursPerWeek: 10, since: isoDay(T0) });
    expect(after.workingTimeHistory).toEqual([
      { percent: 25, hoursPerWeek: 10, since: isoDay(T0), kind: 'start', decidedAt: at, decidedBy: 's1' },
    ]);
    expect(after.meetings[0]?.recordedAt).toBe(at);
    expect(after.phase).toBe('training');
    expect(w.workflow.tokens).toEqual([{ token: 'token-individualPlan', output: { caseId: ID } }]);
  });

  it('counts hours from the unit’s full time', async () => {
    const w = world({ units: [{ ...UNIT, fullTimeHours: 35, ladder: [30, 45, 100] }] });
    await w.seed(caseIn('startupPlanning', ID));
    const after = await recordPlan(w.deps, COORDINATOR, ID, { ...plan, percent: 45 });
    expect(after.workingTime).toEqual({ percent: 45, hoursPerWeek: 16, since: isoDay(T0) });
  });

  it('refuses missing or unknown tasks, a level off the ladder and a start before the meeting, in one round', async () => {
    const w = await setup();
    const dayBefore = isoDay(T0 - DAY_MS);
    expect(
      await issuesOf(
        recordPlan(w.deps, SUPERVISOR, ID, { ...plan, tasks: [], percent: 30, startDate: dayBefore }),
      ),
    ).toEqual([
      { field: 'tasks', code: 'required' },
      { field: 'percent', code: 'notOnLadder', params: { ladder: '25, 40, 50, 75, 100' } },
      { field: 'startDate', code: 'beforeMeeting' },
    ]);
    expect(await issuesOf(recordPlan(w.deps, SUPERVISOR, ID, { ...plan, tasks: ['sy', 'dansa'] }))).toEqual([
      { field: 'tasks', code: 'unknownTask' },
    ]);
    const after = await w.get(ID);
    expect(after.version).toBe(1);
    expect(after.plan).toBeUndefined();
    expect(after.meetings[0]?.recordedAt).toBeUndefined();
  });

  it('knows no tasks for a unit that is not configured', async () => {
    const w = world();
    await w.seed(caseIn('startupPlanning', ID, T0, { unitId: 'nowhere' }));
    expect(await issuesOf(recordPlan(w.deps, SUPERVISOR, ID, plan))).toEqual([
      { field: 'tasks', code: 'unknownTask' },
    ]);
  });

  it('keeps the start within the cap of a doctor’s statement', async () => {
    const w = await setup({
      pauses: [{ startedAt: iso(T0 - 9 * DAY_MS), reason: 'x', resumedAt: iso(T0 - DAY_MS), maxPercent: 25 }],
    });
    expect(await issuesOf(recordPlan(w.deps, SUPERVISOR, ID, { ...plan, percent: 40 }))).toEqual([
      { field: 'percent', code: 'aboveCap', params: { cap: 25 } },
    ]);
  });

  it('takes a start on the meeting’s day, from the minute the meeting begins', async () => {
    const startup = meeting('startup', T0, { attendees: ['participant', 'supervisor'] });
    const w = await setup({ meetings: [startup] });
    const after = await recordPlan(w.deps, SUPERVISOR, ID, { ...plan, startDate: isoDay(T0) });
    expect(after.plan?.startDate).toBe(isoDay(T0));
  });

  it('is refused before the meeting has taken place', async () => {
    const w = await setup({
      meetings: [meeting('startup', T0 + 1, { attendees: ['participant', 'supervisor'] })],
    });
    const err = await recordPlan(w.deps, SUPERVISOR, ID, plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepNotWaitingError);
    expect(err).toMatchObject({ code: 'meetingNotHeld', params: { start: iso(T0 + 1) } });
  });

  it('is refused when the meeting has been recorded already', async () => {
    const w = await setup({ meetings: [meeting('startup', T0 - DAY_MS, { recordedAt: iso(T0 - DAY_MS) })] });
    await expect(recordPlan(w.deps, SUPERVISOR, ID, plan)).rejects.toMatchObject({
      code: 'noMeeting',
      params: { action: 'recordPlan' },
    });
  });

  it('takes the same plan twice as one and refuses a different one', async () => {
    const w = await setup();
    await recordPlan(w.deps, SUPERVISOR, ID, plan);
    expect((await recordPlan(w.deps, SUPERVISOR, ID, plan)).version).toBe(2);
    for (const other of [{ goals: 'Annat' }, { percent: 40 }, { startDate: isoDay(T0 + DAY_MS) }])
      await expect(recordPlan(w.deps, SUPERVISOR, ID, { ...plan, ...other })).rejects.toMatchObject({
        code: 'alreadyDone',
      });
  });

  it('is for the assigned supervisor and the coordinators', async () => {
    const w = await setup();
    await expect(recordPlan(w.deps, OTHER_SUPERVISOR, ID, plan)).rejects.toThrow(ForbiddenError);
    await expect(recordPlan(w.deps, CASE_OFFICER, ID, plan)).rejects.toThrow(ForbiddenError);
    await expect(recordPlan(w.deps, OTHER_OFFICER, ID, plan)).rejects.toThrow(NotFoundError);
    expect((await recordPlan(w.deps, COORDINATOR, ID, plan)).plan?.recordedBy).toBe('c1');
  });
});
