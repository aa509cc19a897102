import { describe, expect, it } from 'vitest';
import type { Principal } from '#core/auth';
import { ForbiddenError, NotFoundError, StepNotWaitingError, TransientError } from '#core/errors';
import { unitPolicy } from '#core/units';
import { act, actionOpen, currentStep, mayAct } from '#core/use-cases/act';
import {
  ADMIN,
  CASE_OFFICER,
  COORDINATOR,
  caseIn,
  iso,
  OTHER_OFFICER,
  OTHER_SUPERVISOR,
  SUPERVISOR,
  T0,
  UNIT,
  waitingOn,
  world,
} from '#test/support/use-case-world';

const ID = 'case00000001';
const problem = { problem: { state: 'SendInvitation', error: 'MailDeliveryError', at: iso(T0) } };

describe('currentStep and actionOpen', () => {
  it('name the phase step, the repair of a failed step, nothing for a closed case', () => {
    expect(currentStep(caseIn('training'))).toBe('training');
    expect(currentStep(caseIn('intake'))).toBe('intakeDecision');
    expect(currentStep(caseIn('training', ID, T0, problem))).toBe('repair');
    expect(currentStep(caseIn('closed'))).toBeUndefined();
    expect(actionOpen(caseIn('training'), 'recordTalk')).toBe(true);
    expect(actionOpen(caseIn('training'), 'resume')).toBe(false);
    expect(actionOpen(caseIn('training', ID, T0, problem), 'recordTalk')).toBe(false);
    expect(actionOpen(caseIn('training', ID, T0, problem), 'repair')).toBe(true);
    expect(actionOpen(caseIn('closed'), 'recordAfterClosing')).toBe(false);
    expect(actionOpen(caseIn('closed'), 'repair')).toBe(false);
  });
});

describe('mayAct', () => {
  const c = caseIn('training');
  it('lets staff act in the roles the action names', () => {
    expect(mayAct(COORDINATOR, c, 'decideIntake')).toBe(true);
    expect(mayAct(ADMIN, c, 'proposeStudyVisit')).toBe(true);
    expect(mayAct(ADMIN, c, 'decideIntake')).toBe(false);
    expect(mayAct(ADMIN, c, 'recordTalk')).toBe(false);
  });
  it('lets only the assigned supervisor act, whatever the case of the address', () => {
    expect(mayAct(SUPERVISOR, c, 'recordTalk')).toBe(true);
    expect(mayAct({ ...SUPERVISOR, email: 'SAMI@Stadsmissionen.Example' }, c, 'recordTalk')).toBe(true);
    expect(mayAct(OTHER_SUPERVISOR, c, 'recordTalk')).toBe(false);
    expect(mayAct(SUPERVISOR, { ...c, supervisor: undefined }, 'recordTalk')).toBe(false);
    expect(mayAct(SUPERVISOR, c, 'scheduleStartup')).toBe(false);
  });
  it('lets a case officer act on their organisation’s cases in the actions for referrers', () => {
    expect(mayAct(CASE_OFFICER, c, 'recordAfterClosing')).toBe(true);
    expect(mayAct(OTHER_OFFICER, c, 'recordAfterClosing')).toBe(false);
    expect(mayAct(CASE_OFFICER, c, 'recordTalk')).toBe(false);
    const noOrg: Principal = { ...CASE_OFFICER, organisationId: '' };
    expect(mayAct(noOrg, { ...c, organisationId: '' }, 'recordAfterClosing')).toBe(false);
  });
  it('lets staff act when any of their groups is allowed', () => {
    expect(mayAct({ ...COORDINATOR, groups: ['admin', 'coordinator'] }, c, 'decideIntake')).toBe(true);
    expect(mayAct({ ...COORDINATOR, groups: ['coordinator', 'admin'] }, c, 'decideIntake')).toBe(true);
  });
  it('gives a person in two roles what either role may do', () => {
    const both: Principal = { ...SUPERVISOR, groups: ['supervisor', 'referrer'], organisationId: 'malmo' };
    expect(mayAct(both, c, 'recordTalk')).toBe(true);
    expect(mayAct(both, c, 'recordAfterClosing')).toBe(true);
    expect(mayAct({ ...both, email: 'x@y.se' }, c, 'recordAfterClosing')).toBe(true);
  });
});

describe('act', () => {
  async function setup(extra = {}) {
    const w = world();
    await w.seed(caseIn('training', ID, T0, { ...waitingOn('training'), ...extra }));
    return w;
  }
  const addTask = { apply: (c: { tasks: string[] }) => c.tasks.push('packa') };

  it('applies the change, keeps version and phase, and completes the waiting task', async () => {
    const w = await setup();
    w.clock.set(T0 + 5000);
    const after = await act(w.deps, COORDINATOR, ID, 'logActivity', addTask);
    expect(after.tasks).toEqual(['sy', 'packa']);
    expect(after.version).toBe(2);
    expect(after.updatedAt).toBe(iso(T0 + 5000));
    expect(after.phase).toBe('training');
    expect(await w.get(ID)).toEqual(after);
    expect(w.workflow.tokens).toEqual([{ token: 'token-training', output: { caseId: ID } }]);
    // The task was completed: no need to look at the execution.
    expect(w.workflow.described).toEqual([]);
    expect(w.workflow.started).toEqual([]);
  });

  it('hands the apply the time, the person, the unit and its rules', async () => {
    const unit = { ...UNIT, ladder: [20, 30, 60, 100], fullTimeHours: 35 };
    const w = world({ units: [unit] });
    await w.seed(caseIn('training', ID));
    let seen: unknown;
    await act(w.deps, SUPERVISOR, ID, 'recordTalk', {
      apply: (_c, ctx) => {
        seen = ctx;
      },
    });
    expect(seen).toEqual({ now: T0, principal: SUPERVISOR, unit, policy: unitPolicy(unit) });
  });

  it('refuses a case that does not exist', async () => {
    const w = await setup();
    await expect(act(w.deps, COORDINATOR, 'nosuchcase01', 'logActivity', addTask)).rejects.toThrow(
      NotFoundError,
    );
    expect(w.workflow.tokens).toEqual([]);
  });

  it('answers another organisation’s case officer as if the case did not exist', async () => {
    const w = await setup();
    await expect(act(w.deps, OTHER_OFFICER, ID, 'recordAfterClosing', addTask)).rejects.toThrow(
      new NotFoundError('Case not found'),
    );
    expect((await w.get(ID)).version).toBe(1);
  });

  it('refuses people whose role or assignment does not allow the action', async () => {
    const w = await setup();
    for (const [who, action] of [
      [OTHER_SUPERVISOR, 'recordTalk'],
      [ADMIN, 'decideIntake'],
      [CASE_OFFICER, 'recordTalk'],
      [SUPERVISOR, 'closeEarly'],
    ] as const) {
      const err = await act(w.deps, who, ID, action, addTask).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForbiddenError);
      expect((err as Error).message).toBe(`Not allowed to ${action} on this case`);
    }
    // A referrer without an organisation is refused, not told the case does not exist.
    const w2 = world();
    await w2.seed(caseIn('afterClosing', ID, T0, { organisationId: '' }));
    await expect(
      act(w2.deps, { ...CASE_OFFICER, organisationId: '' }, ID, 'recordAfterClosing', addTask),
    ).rejects.toThrow(ForbiddenError);
    expect((await w.get(ID)).version).toBe(1);
    expect(w.workflow.tokens).toEqual([]);
  });

  it('refuses an action that is not open in the step, saying why, with nothing saved', async () => {
    const cases = [
      ['alreadyDone', caseIn('training', ID), 'training'],
      ['closed', caseIn('closed', ID), 'closed'],
      ['needsRepair', caseIn('training', ID, T0, problem), 'training'],
    ] as const;
    for (const [code, record, phase] of cases) {
      const w = world();
      await w.seed(record);
      const err = await act(w.deps, COORDINATOR, ID, 'decideIntake', addTask).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StepNotWaitingError);
      expect(err).toMatchObject({ code, params: { phase }, status: 409 });
      expect((err as Error).message).toBe(`decideIntake is not open in phase ${phase}`);
      expect((await w.get(ID)).version).toBe(1);
      expect(w.workflow.tokens).toEqual([]);
      expect(w.workflow.started).toEqual([]);
    }
  });

  it('takes a repeat of what is recorded as done when the step has moved on', async () => {
    const w = await setup();
    let applied = 0;
    const after = await act(w.deps, COORDINATOR, ID, 'decideIntake', {
      same: (c) => c.intake?.decision === 'accepted',
      apply: () => {
        applied++;
      },
    });
    expect(applied).toBe(0);
    expect(after.version).toBe(1);
    expect((await w.get(ID)).version).toBe(1);
    // The workflow is still nudged with the token the record holds.
    expect(w.workflow.tokens).toEqual([{ token: 'token-training', output: { caseId: ID } }]);
  });

  it('applies an open action even when the record already looks the same', async () => {
    const w = await setup();
    const after = await act(w.deps, COORDINATOR, ID, 'logActivity', { ...addTask, same: () => true });
    expect(after.tasks).toEqual(['sy', 'packa']);
    expect(after.version).toBe(2);
  });

  it('writes nothing when an open action changes nothing, and keeps no form id for it', async () => {
    const w = await setup();
    let applied = 0;
    const after = await act(w.deps, COORDINATOR, ID, 'logActivity', {
      formId: 'form-noop-0001',
      apply: () => {
        applied++;
      },
    });
    expect(applied).toBe(1);
    expect(after.version).toBe(1);
    expect(await w.get(ID)).toEqual(caseIn('training', ID, T0, waitingOn('training')));
    // Not remembered as applied: the same form with a change applies later.
    expect(
      (await act(w.deps, COORDINATOR, ID, 'logActivity', { ...addTask, formId: 'form-noop-0001' })).tasks,
    ).toEqual(['sy', 'packa']);
  });

  it('applies a form instance once and keeps the last 30 form ids', async () => {
    const earlier = Array.from({ length: 30 }, (_, i) => ({
      formId: `form-${String(i).padStart(4, '0')}`,
      action: 'logActivity',
      at: iso(T0 - 1000),
    }));
    const w = await setup({ appliedForms: earlier });
    w.clock.set(T0 + 1);
    const after = await act(w.deps, COORDINATOR, ID, 'logActivity', { ...addTask, formId: 'form-new-0001' });
    expect(after.appliedForms).toHaveLength(30);
    expect(after.appliedForms[0]?.formId).toBe('form-0001');
    expect(after.appliedForms.at(-1)).toEqual({
      formId: 'form-new-0001',
      action: 'logActivity',
      at: iso(T0 + 1),
    });
    const again = await act(w.deps, COORDINATOR, ID, 'logActivity', { ...addTask, formId: 'form-new-0001' });
    expect(again.version).toBe(2);
    expect(again.tasks).toEqual(['sy', 'packa']);
    // An old form id still applied: harmless too.
    const old = await act(w.deps, COORDINATOR, ID, 'logActivity', { ...addTask, formId: 'form-0005' });
    expect(old.version).toBe(2);
  });

  it('records no form id when the action carries none', async () => {
    const w = await setup();
    const after = await act(w.deps, COORDINATOR, ID, 'logActivity', addTask);
    expect(after.appliedForms).toEqual([]);
  });

  it('takes a form already applied as done even after the step has closed', async () => {
    const w = world();
    await w.seed(
      caseIn('closed', ID, T0, {
        appliedForms: [{ formId: 'talk-form-1', action: 'recordTalk', at: iso(T0) }],
      }),
    );
    const after = await act(w.deps, SUPERVISOR, ID, 'recordTalk', { ...addTask, formId: 'talk-form-1' });
    expect(after.version).toBe(1);
  });

  it('wakes the workflow with the token held before the change', async () => {
    const w = await setup();
    await act(w.deps, COORDINATOR, ID, 'logActivity', {
      apply: (c) => {
        c.waiting = { step: 'training', token: 'changed', since: iso(T0) };
      },
    });
    expect(w.workflow.tokens.map((t) => t.token)).toEqual(['token-training']);
  });

  it('continues the execution from the record when the token is stale', async () => {
    const w = await setup();
    w.workflow.taskResult = 'stale';
    await act(w.deps, COORDINATOR, ID, 'logActivity', addTask);
    expect(w.workflow.described).toEqual([`case-${ID}-1`]);
    expect(w.workflow.started).toEqual([{ name: `case-${ID}-1`, input: { caseId: ID } }]);
  });

  it('continues the execution when the record holds no token', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.workflow.runs.set(`case-${ID}-1`, 'RUNNING');
    await act(w.deps, COORDINATOR, ID, 'logActivity', addTask);
    expect(w.workflow.tokens).toEqual([]);
    expect(w.workflow.described).toEqual([`case-${ID}-1`]);
    expect(w.workflow.started).toEqual([]);
  });

  it('keeps the action and asks for a retry when the workflow cannot be told', async () => {
    const w = await setup();
    const cause = new Error('throttled');
    w.workflow.taskResult = cause;
    const err = await act(w.deps, COORDINATOR, ID, 'logActivity', addTask).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).cause).toBe(cause);
    expect((await w.get(ID)).tasks).toEqual(['sy', 'packa']);
  });
});
