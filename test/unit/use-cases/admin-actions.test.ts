import { describe, expect, it } from 'vitest';
import { ForbiddenError, StepNotWaitingError, ValidationError } from '#core/errors';
import type { RunEvent } from '#core/ports';
import { adminActionIssues, mayTake, takeAdminAction, unavailable } from '#core/use-cases/admin-actions';
import { graphMarks, placementStory, type RunView, runTimeline } from '#core/use-cases/placement-story';
import {
  ADMIN,
  CASE_OFFICER,
  COORDINATOR,
  caseIn,
  failure,
  SUPERVISOR,
  T0,
  world,
} from '#test/support/use-case-world';

const FORM = 'form-0123456789abcdef';
const ID = 'case00000001';
const RUN1 = `case-${ID}-1`;

describe('who may take which console action', () => {
  it('lets coordinators resend and remind, admins everything, nobody else anything', () => {
    expect(mayTake(COORDINATOR, 'resendInvitation')).toBe(true);
    expect(mayTake(COORDINATOR, 'remindNow')).toBe(true);
    for (const a of [
      'stopRun',
      'redriveRun',
      'continueRun',
      'moveToCurrentVersion',
      'closeAdministratively',
    ] as const) {
      expect(mayTake(COORDINATOR, a), a).toBe(false);
      expect(mayTake(ADMIN, a), a).toBe(true);
      expect(mayTake(SUPERVISOR, a), a).toBe(false);
    }
  });
});

describe('when an action is available', () => {
  const c = caseIn('training', ID);
  const now = T0;
  it('follows the run the record names', () => {
    expect(unavailable('stopRun', c, { run: { status: 'RUNNING' }, now })).toBeUndefined();
    expect(unavailable('stopRun', c, { run: { status: 'ABORTED' }, now })).toBe('noRunningRun');
    expect(unavailable('redriveRun', c, { run: { status: 'FAILED' }, now })).toBeUndefined();
    expect(unavailable('redriveRun', c, { run: { status: 'TIMED_OUT' }, now })).toBeUndefined();
    expect(unavailable('redriveRun', c, { run: { status: 'RUNNING' }, now })).toBe('runNotFailed');
    expect(unavailable('continueRun', c, { run: undefined, now })).toBeUndefined();
    expect(unavailable('continueRun', c, { run: { status: 'ABORTED' }, now })).toBeUndefined();
    expect(unavailable('continueRun', c, { run: { status: 'RUNNING' }, now })).toBe('runRunning');
    expect(unavailable('continueRun', c, { run: { status: 'FAILED' }, now })).toBe('useRedrive');
  });
  it('moves only a run on another definition than the deployed one', () => {
    const old = { ...c, execution: { ...c.execution, workflowVersion: 'aaaaaaaaaaaa' } };
    expect(
      unavailable('moveToCurrentVersion', old, {
        run: { status: 'RUNNING' },
        currentVersion: 'bbbbbbbbbbbb',
        now,
      }),
    ).toBeUndefined();
    expect(
      unavailable('moveToCurrentVersion', old, {
        run: { status: 'RUNNING' },
        currentVersion: 'aaaaaaaaaaaa',
        now,
      }),
    ).toBe('onCurrentVersion');
    expect(
      unavailable('moveToCurrentVersion', old, { run: { status: 'ABORTED' }, currentVersion: 'b', now }),
    ).toBe('noRunningRun');
  });
  it('offers nothing on a closed case', () => {
    const closed = caseIn('closed', ID);
    for (const a of ['remindNow', 'stopRun', 'closeAdministratively'] as const)
      expect(unavailable(a, closed, { run: { status: 'RUNNING' }, now })).toBe('caseClosed');
  });
});

describe('the confirmation form', () => {
  it('needs a reason of 5 to 500 characters to stop or close, and a coming meeting to resend', () => {
    const c = caseIn('training', ID);
    expect(adminActionIssues('stopRun', {}, c, T0)).toEqual([{ field: 'reason', code: 'required' }]);
    expect(adminActionIssues('closeAdministratively', { reason: ' abc ' }, c, T0)).toEqual([
      { field: 'reason', code: 'tooShort', params: { min: 5 } },
    ]);
    expect(adminActionIssues('stopRun', { reason: 'x'.repeat(501) }, c, T0)).toEqual([
      { field: 'reason', code: 'length', params: { max: 500 } },
    ]);
    expect(adminActionIssues('stopRun', { reason: 'Utreds' }, c, T0)).toEqual([]);
    expect(adminActionIssues('redriveRun', {}, c, T0)).toEqual([]);
    expect(adminActionIssues('resendInvitation', { meetingId: 'nope' }, c, T0)).toEqual([
      { field: 'meetingId', code: 'required' },
    ]);
  });
});

describe('takeAdminAction', () => {
  it('stops the run once per form, records it in the audit log, and answers a repeat from the log', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(RUN1, 'RUNNING');
    const first = await takeAdminAction(
      w.deps,
      ADMIN,
      ID,
      'stopRun',
      { formId: FORM, reason: 'Utreds nu' },
      'v',
    );
    expect(first.outcome).toBe('done');
    expect(w.workflow.stopped.map((s) => s.name)).toEqual([RUN1]);
    expect((await w.get(ID)).execution.stopped).toMatchObject({ by: ADMIN.sub, reason: 'Utreds nu' });
    const again = await takeAdminAction(
      w.deps,
      ADMIN,
      ID,
      'stopRun',
      { formId: FORM, reason: 'Utreds nu' },
      'v',
    );
    expect(again.outcome).toBe('already');
    expect(w.workflow.stopped).toHaveLength(1);
    const log = await w.repo.listAudit({ caseId: ID }, { limit: 10 });
    expect(log.items).toEqual([
      expect.objectContaining({
        auditId: FORM,
        action: 'stopRun',
        outcome: 'done',
        by: { sub: 'a1', name: 'Ada' },
      }),
    ]);
  });

  it('refuses with a reason (and logs the refusal) when the run is not in the state the action needs', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(RUN1, 'RUNNING');
    const err = await failure(() => takeAdminAction(w.deps, ADMIN, ID, 'redriveRun', { formId: FORM }, 'v'));
    expect(err).toBeInstanceOf(StepNotWaitingError);
    expect((err as StepNotWaitingError).code).toBe('runNotFailed');
    expect(w.workflow.started).toEqual([]);
    expect((await w.repo.getAudit(FORM))?.outcome).toBe('refused');
  });

  it('refuses people who may not, and field errors before anything is done', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(RUN1, 'RUNNING');
    expect(
      await failure(() =>
        takeAdminAction(w.deps, COORDINATOR, ID, 'stopRun', { formId: FORM, reason: 'x' }, 'v'),
      ),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      await failure(() => takeAdminAction(w.deps, CASE_OFFICER, ID, 'remindNow', { formId: FORM }, 'v')),
    ).toBeInstanceOf(ForbiddenError);
    expect(
      await failure(() => takeAdminAction(w.deps, ADMIN, ID, 'stopRun', { formId: FORM }, 'v')),
    ).toBeInstanceOf(ValidationError);
    expect(
      await failure(() =>
        takeAdminAction(w.deps, ADMIN, ID, 'stopRun', { formId: 'short', reason: 'Utreds' }, 'v'),
      ),
    ).toBeInstanceOf(ValidationError);
    expect(w.workflow.stopped).toEqual([]);
    expect(w.repo.audit).toHaveLength(0);
  });

  it('redrives a failed run in the next segment and continues a stopped one', async () => {
    const w = world();
    await w.seed(
      caseIn('training', ID, T0, {
        execution: { segment: 1, name: RUN1, failure: { status: 'FAILED', at: 'x' } },
      }),
    );
    w.workflow.runs.set(RUN1, 'FAILED');
    await takeAdminAction(w.deps, ADMIN, ID, 'redriveRun', { formId: FORM }, 'v');
    const after = (await w.get(ID)).execution;
    expect(after).toMatchObject({ segment: 2, name: `case-${ID}-2` });
    expect(after.failure).toBeUndefined();
    expect(w.workflow.started.map((s) => s.name)).toEqual([`case-${ID}-2`]);
  });

  it('closes a case administratively: closed with its reason, the run stopped, the place given back', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(RUN1, 'RUNNING');
    await takeAdminAction(
      w.deps,
      ADMIN,
      ID,
      'closeAdministratively',
      { formId: FORM, reason: 'Dubblett' },
      'v',
    );
    const c = await w.get(ID);
    expect(c).toMatchObject({
      status: 'closed',
      closure: { category: 'closedAdministratively', reason: 'Dubblett' },
    });
    expect(c.place?.releasedAt).toBeDefined();
    expect(c.waiting).toBeUndefined();
    expect(w.workflow.stopped.map((s) => s.error)).toEqual(['ClosedAdministratively']);
  });
});

const ev = (id: number, type: string, name?: string): RunEvent => ({
  id,
  type,
  timestamp: new Date(T0 + id * 1000),
  ...(name ? { name } : {}),
});
const run = (segment: number, status: RunView['status'], events: RunEvent[]): RunView => ({
  name: `case-${ID}-${segment}`,
  segment,
  status,
  startDate: new Date(T0).toISOString(),
  events,
});

describe('the drawing marks and the runs in the timeline', () => {
  it('marks where the newest running run waits, the path taken, and only failures not passed again', () => {
    const first = run(1, 'ABORTED', [
      ev(1, 'PassStateEntered', 'Start'),
      ev(2, 'TaskStateEntered', 'LoadCase'),
      ev(3, 'LambdaFunctionFailed'),
      ev(4, 'TaskStateExited', 'LoadCase'),
      ev(5, 'ChoiceStateEntered', 'Route'),
      ev(6, 'TaskStateEntered', 'SendInvitation'),
      ev(7, 'LambdaFunctionFailed'),
    ]);
    const second = run(2, 'RUNNING', [
      ev(10, 'TaskStateEntered', 'LoadCase'),
      ev(11, 'ChoiceStateEntered', 'Route'),
      ev(12, 'TaskStateEntered', 'AwaitTraining'),
    ]);
    const marks = graphMarks([first, second]);
    expect(marks.current).toBe('AwaitTraining');
    expect(marks.failed).toEqual(['SendInvitation']);
    expect(marks.traversed).toEqual(
      expect.arrayContaining([
        ['Start', 'LoadCase'],
        ['LoadCase', 'Route'],
        ['Route', 'SendInvitation'],
        ['Route', 'AwaitTraining'],
      ]),
    );
    expect(graphMarks([first]).current).toBeUndefined();
    expect(graphMarks([run(1, 'FAILED', [ev(1, 'TaskStateEntered', 'CloseCase')])]).failed).toEqual([
      'CloseCase',
    ]);
  });

  it('tells each wait once however often its reminders loop, and each run’s start and end', () => {
    const loop = [
      ev(1, 'TaskStateEntered', 'LoadCase'),
      ev(2, 'ChoiceStateEntered', 'Route'),
      ev(3, 'TaskStateEntered', 'AwaitTraining'),
      ev(4, 'TaskStateEntered', 'HandleDeadlines'),
      ev(5, 'TaskStateEntered', 'LoadCase'),
      ev(6, 'ChoiceStateEntered', 'Route'),
      ev(7, 'TaskStateEntered', 'AwaitTraining'),
    ];
    const items = runTimeline([
      { ...run(1, 'SUCCEEDED', loop), stopDate: new Date(T0 + 9000).toISOString() },
    ]);
    expect(items.map((i) => [i.what, i.params])).toEqual([
      ['run.started', { segment: 1 }],
      ['run.entered', { state: 'AwaitTraining' }],
      ['run.ended_SUCCEEDED', { segment: 1 }],
    ]);
  });
});

describe('placementStory', () => {
  it('joins the record, the audit log and the runs; names who acted; staff only', async () => {
    const w = world();
    await w.seed(caseIn('training', ID, T0, { staff: { c1: 'Karin' } }));
    w.workflow.runs.set(RUN1, 'RUNNING');
    await takeAdminAction(w.deps, COORDINATOR, ID, 'remindNow', { formId: FORM }, 'v');
    const s = await placementStory(w.deps, ADMIN, ID, 'v');
    expect(s.stuck).toEqual([]);
    expect(s.timeline.find((t) => t.what === 'audit.remindNow')).toMatchObject({ by: { name: 'Karin' } });
    expect(s.timeline.find((t) => t.what === 'record.referral')?.by).toEqual({ name: expect.any(String) });
    expect(s.actions.find((a) => a.action === 'stopRun')).toEqual({ action: 'stopRun', allowed: true });
    const asCoordinator = await placementStory(w.deps, COORDINATOR, ID, 'v');
    expect(asCoordinator.actions.find((a) => a.action === 'stopRun')?.allowed).toBe(false);
    expect(await failure(() => placementStory(w.deps, SUPERVISOR, ID))).toBeInstanceOf(ForbiddenError);
    w.workflow.runs.set(RUN1, 'ABORTED');
    expect((await placementStory(w.deps, ADMIN, ID)).stuck).toEqual(['noExecution']);
  });

  it('tells the answers after closing, with their outcome as a code', async () => {
    const w = world();
    const at = new Date(T0).toISOString();
    await w.seed(
      caseIn('afterClosing', ID, T0, {
        afterClosing: {
          fourWeeks: { outcome: 'jobSeeking', note: 'fri text', recordedAt: at, recordedBy: 'r1' },
        },
      }),
    );
    const s = await placementStory(w.deps, ADMIN, ID);
    expect(s.timeline.find((t) => t.what === 'record.afterClosingFourWeeks')).toEqual({
      at,
      what: 'record.afterClosingFourWeeks',
      params: { kind: 'jobSeeking' },
      by: { name: expect.any(String) },
    });
    expect(s.timeline.some((t) => t.what === 'record.afterClosingSixMonths')).toBe(false);
    expect(JSON.stringify(s.timeline)).not.toContain('fri text');
  });
});
