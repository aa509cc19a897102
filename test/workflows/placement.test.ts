import { DescribeExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailPort } from '#adapters/mail-port';
import { buildMime, type OutgoingMail } from '#adapters/mime';
import { type CaseRecord, executionName } from '#core/case';
import type { Deps } from '#core/ports';
import type { StepName } from '#core/process/declaration';
import { recordAfterClosing, recordClosing, repairCase } from '#core/use-cases/closing';
import { moveToCurrentWorkflow } from '#core/use-cases/continue-case';
import { decideIntake } from '#core/use-cases/intake';
import { scheduleClosing, scheduleFollowUp } from '#core/use-cases/meetings';
import { recordPlan, scheduleStartup } from '#core/use-cases/startup';
import { proposeStudyVisit, recordStudyVisitOutcome } from '#core/use-cases/study-visit';
import { closeEarly, logActivity, recordFollowUp, recordTalk } from '#core/use-cases/training';
import { type Engine, startEngine } from '#test/support/engine';
import { pollUntil } from '#test/support/host';
import { newCaseRecord, TALK } from '#test/support/records';
import { SIM_CASE_OFFICER, SIM_COORDINATOR, SIM_SUPERVISOR, SIM_UNIT } from '#test/support/simulate';

/**
 * The placement ASL (workflows/placement.asl.json) executed in the local engine, each task
 * backed by the real use case the task Lambda calls, with workflow time accelerated so that
 * reminders and meetings pass in seconds.
 */
const SCALE = 86_400; // one workflow day per real second
const coordinator = SIM_COORDINATOR;
const supervisor = SIM_SUPERVISOR;
const referrer = SIM_CASE_OFFICER;
// The simulation's unit with one place, so a second acceptance queues.
const unit = { ...SIM_UNIT, places: 1 };

let running: Engine | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function setup(opts: { beforeAwait?: (step: StepName, deps: Deps) => Promise<void> } = {}) {
  running = await startEngine({ scale: SCALE, units: [unit], ...opts });
  return running;
}

const entry = {
  labourMarketStatus: 'longTermUnemployed',
  education: 'isced0to2',
  disability: 'undisclosed',
  foreignBackground: 'no',
} as const;

describe('placement workflow', () => {
  it('tells the coordinators once, reminds about an undecided referral, and closes a declined one', async () => {
    const t = await setup();
    const c = await t.newCase('wfcase00000001');
    await t.waitingFor(c.caseId, 'intakeDecision');
    const reminder = await pollUntil(
      'a reminder',
      async () => t.mail.sent.find((m) => m.subject.startsWith('Påminnelse')),
      15_000,
    );
    expect(reminder.to).toEqual(['karin@stadsmissionen.example']);
    expect(t.mail.sent.filter((m) => m.subject.startsWith('Ny anvisning'))).toHaveLength(1);
    await t.waitingFor(c.caseId, 'intakeDecision');
    await decideIntake(t.deps, coordinator, c.caseId, {
      decision: 'declined',
      reason: 'Ingen passande uppgift',
    });
    expect((await t.finished(c.execution.name)).status).toBe('SUCCEEDED');
    const closed = await t.repo.getCase(c.caseId);
    expect(closed?.closure).toMatchObject({ category: 'declinedAtIntake', reason: 'Ingen passande uppgift' });
    expect(closed?.phase).toBe('closed');
    expect(await t.repo.placesInUse('remake')).toBe(0);
    // Payloads carry only ids: nothing personal in the execution's history.
    expect(JSON.stringify(await t.history(c.execution.name))).not.toContain('198112189876');
  }, 40_000);

  it('queues an accepted referral when the unit is full and moves it on when the place frees', async () => {
    const t = await setup();
    const a = await t.newCase('wfcasea0000001');
    const b = await t.newCase('wfcaseb0000001');
    await t.waitingFor(a.caseId, 'intakeDecision');
    await t.waitingFor(b.caseId, 'intakeDecision');
    await decideIntake(t.deps, coordinator, a.caseId, { decision: 'accepted', entry });
    await decideIntake(t.deps, coordinator, b.caseId, { decision: 'accepted', entry });
    await t.waitingFor(a.caseId, 'studyVisitProposal');
    await t.waitingFor(b.caseId, 'placeAvailable');
    expect((await t.repo.getCase(b.caseId))?.phase).toBe('queued');
    expect(await t.repo.placesInUse('remake')).toBe(1);
    await proposeStudyVisit(t.deps, coordinator, a.caseId, t.at(1));
    await t.waitingFor(a.caseId, 'studyVisitOutcome');
    await recordStudyVisitOutcome(t.deps, coordinator, a.caseId, {
      outcome: 'declined',
      declineReason: 'Vill studera',
    });
    expect((await t.finished(a.execution.name)).status).toBe('SUCCEEDED');
    await t.waitingFor(b.caseId, 'studyVisitProposal');
    expect(await t.repo.placesInUse('remake')).toBe(1);
    expect(
      t.mail.sent.some((m) => m.subject.startsWith('Plats ledig') && m.subject.includes(b.reference)),
    ).toBe(true);
  }, 40_000);

  it('refuses a second, different proposal and treats the same one as harmless', async () => {
    const t = await setup();
    const c = await t.newCase('wfcase00000002');
    await t.waitingFor(c.caseId, 'intakeDecision');
    await decideIntake(t.deps, coordinator, c.caseId, { decision: 'accepted', entry });
    await t.waitingFor(c.caseId, 'studyVisitProposal');
    const visit = t.at(2);
    await proposeStudyVisit(t.deps, coordinator, c.caseId, visit);
    await proposeStudyVisit(t.deps, coordinator, c.caseId, visit);
    await expect(
      proposeStudyVisit(t.deps, coordinator, c.caseId, { ...visit, location: 'Annan plats' }),
    ).rejects.toMatchObject({
      name: 'StepNotWaitingError',
      code: 'alreadyDone',
    });
    await t.waitingFor(c.caseId, 'studyVisitOutcome');
    await recordStudyVisitOutcome(t.deps, coordinator, c.caseId, { outcome: 'wantsToStart' });
    await expect(
      recordStudyVisitOutcome(t.deps, coordinator, c.caseId, { outcome: 'declined', declineReason: 'x' }),
    ).rejects.toMatchObject({ name: 'StepNotWaitingError' });
    // One invitation, sent once: the participant's copy and the case officer's.
    expect(t.mail.sent.filter((m) => m.calendar).map((m) => m.to)).toEqual([
      ['p@example.se'],
      ['anna@malmo.example'],
    ]);
    expect((await t.repo.getCase(c.caseId))?.studyVisit?.outcome).toBe('wantsToStart');
  }, 40_000);

  it('runs a placement from referral to the follow-ups after closing', async () => {
    const t = await setup();
    const c = await t.newCase('wfcase00000003', {
      plannedEnd: new Date(t.clock.now() + 90 * 86_400_000).toISOString().slice(0, 10),
    });
    await t.waitingFor(c.caseId, 'intakeDecision');
    await decideIntake(t.deps, coordinator, c.caseId, { decision: 'accepted', entry });
    await t.waitingFor(c.caseId, 'studyVisitProposal');
    await proposeStudyVisit(t.deps, coordinator, c.caseId, t.at(1));
    await t.waitingFor(c.caseId, 'studyVisitOutcome');
    await recordStudyVisitOutcome(t.deps, coordinator, c.caseId, { outcome: 'wantsToStart' });
    await t.waitingFor(c.caseId, 'startupMeeting');
    await scheduleStartup(t.deps, coordinator, c.caseId, {
      ...t.at(1),
      supervisorEmail: 'sami@stadsmissionen.example',
      inviteCaseOfficer: 'yes',
    });
    await t.waitingFor(c.caseId, 'individualPlan');
    const startup = (await t.repo.getCase(c.caseId))?.meetings[0];
    expect(startup?.invitationSentForSequence).toBe(0);
    // The participant's own copy (with their link), and one to the staff in the meeting.
    const invites = t.mail.sent.filter((m) => m.calendar?.uid === `${c.caseId}-startup-1@stegvis`);
    expect(invites.map((m) => m.to)).toEqual([
      ['p@example.se'],
      ['sami@stadsmissionen.example', 'anna@malmo.example'],
    ]);
    expect(invites[0]?.text).toMatch(/\/m\/[A-Za-z0-9_-]{22}/);
    expect(invites[1]?.text).not.toContain('/m/');
    await t.passes(startup?.start ?? '');
    const today = () => new Date(t.clock.now()).toISOString().slice(0, 10);
    await recordPlan(t.deps, supervisor, c.caseId, {
      goals: 'Komma igång',
      tasks: ['sy'],
      percent: 25,
      adaptations: 'Pauser',
      startDate: today(),
    });
    await t.waitingFor(c.caseId, 'training');
    let r = await t.repo.getCase(c.caseId);
    expect(r?.workingTime).toMatchObject({ percent: 25, hoursPerWeek: 10 });

    // A talk is due two weeks into training: the supervisor is reminded.
    await pollUntil(
      'talk reminder',
      async () =>
        t.mail.sent.find(
          // The talk clock's reminder (not the start-up meeting's the day before).
          (m) =>
            m.subject === `Påminnelse: håll handledningssamtal – ${c.reference}` &&
            m.to.includes('sami@stadsmissionen.example'),
        ),
      25_000,
    );
    await recordTalk(t.deps, supervisor, c.caseId, {
      formId: 'talk-form-000001',
      date: today(),
      points: TALK,
      capacityDeclined: false,
    });
    await recordTalk(t.deps, supervisor, c.caseId, {
      formId: 'talk-form-000001',
      date: today(),
      points: TALK,
      capacityDeclined: false,
    });
    expect((await t.repo.getCase(c.caseId))?.talks.count).toBe(1);
    expect(await t.repo.listEntries(c.caseId, 'talk')).toHaveLength(1);
    await logActivity(t.deps, supervisor, c.caseId, { kind: 'cvHelp', date: today(), note: '' });

    // A follow-up inside the landing period: an increase is refused, naming the rule.
    await t.waitingFor(c.caseId, 'training');
    const followUp = async (days: number) => {
      await scheduleFollowUp(t.deps, coordinator, c.caseId, {
        ...t.at(days),
        formId: `followup-form-${days}`,
      });
      const x = await pollUntil('follow-up invitation', async () => {
        const y = await t.repo.getCase(c.caseId);
        return y?.meetings.at(-1)?.invitationSentForSequence === 0 ? y : undefined;
      });
      await t.passes(x.meetings.at(-1)?.start ?? '');
    };
    await followUp(1);
    const increase = {
      participantPresent: true,
      caseOfficerPresent: true,
      summary: 'Går bra',
      decision: 'increase' as const,
      newPercent: 40,
      tasks: ['sy'],
    };
    await expect(recordFollowUp(t.deps, coordinator, c.caseId, increase)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [expect.objectContaining({ field: 'decision', code: 'landing' })],
    });
    await expect(
      recordFollowUp(t.deps, coordinator, c.caseId, { ...increase, tasks: ['packa'] }),
    ).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ code: 'noTaskChangeWithIncrease' })]),
    });
    await recordFollowUp(t.deps, coordinator, c.caseId, {
      ...increase,
      decision: 'noChange',
      newPercent: undefined,
    });
    // After the landing period: one step up the ladder, both present.
    await followUp(14);
    await expect(
      recordFollowUp(t.deps, coordinator, c.caseId, { ...increase, newPercent: 50 }),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'newPercent', code: 'oneStep' })],
    });
    await recordFollowUp(t.deps, coordinator, c.caseId, increase);
    r = await t.repo.getCase(c.caseId);
    expect(r?.workingTime?.percent).toBe(40);

    await closeEarly(t.deps, coordinator, c.caseId, { reason: 'gotJob', note: '' });
    await t.waitingFor(c.caseId, 'closing');
    await scheduleClosing(t.deps, coordinator, c.caseId, t.at(1));
    r = await pollUntil('closing invitation', async () => {
      const x = await t.repo.getCase(c.caseId);
      return x?.meetings.at(-1)?.invitationSentForSequence === 0 ? x : undefined;
    });
    await t.passes(r.meetings.at(-1)?.start ?? '');
    await recordClosing(t.deps, coordinator, c.caseId, {
      summary: 'Bra period',
      evaluation: 'Nöjd',
      outcome: 'workWithoutSupport',
      nextStepPlan: 'Anställning',
    });
    await t.waitingFor(c.caseId, 'afterClosing');
    expect(await t.repo.placesInUse('remake')).toBe(0);
    // Four weeks after the end the case officer is asked where the participant is.
    await pollUntil(
      'four-week question',
      async () =>
        t.mail.sent.find(
          (m) => m.subject.startsWith('Uppföljning efter avslut') && m.to.includes('anna@malmo.example'),
        ),
      40_000,
    );
    await recordAfterClosing(t.deps, referrer, c.caseId, { outcome: 'workWithoutSupport', note: '' });
    r = await t.repo.getCase(c.caseId);
    expect(r?.afterClosing.fourWeeks?.outcome).toBe('workWithoutSupport');
    expect(r?.phase).toBe('afterClosing');
  }, 120_000);

  it('records a step that fails for good on the case; the coordinator corrects it and the run continues', async () => {
    const t = await setup();
    // Mail through the real port and MIME writer: an address they refuse fails the step for good.
    const sent: OutgoingMail[] = [];
    t.deps.mail = createMailPort(
      {
        send: async (m) => {
          buildMime(m, {
            from: 'Stegvis <no-reply@stegvis.example>',
            date: new Date(),
            messageId: 'm1@stegvis.example',
          });
          sent.push(m);
          return { messageId: 'm1' };
        },
      },
      t.clock,
    );
    const base = newCaseRecord('wfcase00000007', t.clock.now());
    const c = await t.newCase('wfcase00000007', {
      participant: { ...base.participant, email: 'a,b@example.se' },
    });
    await t.waitingFor(c.caseId, 'intakeDecision');
    await decideIntake(t.deps, coordinator, c.caseId, { decision: 'accepted', entry });
    await t.waitingFor(c.caseId, 'studyVisitProposal');
    await proposeStudyVisit(t.deps, coordinator, c.caseId, t.at(2));
    await t.waitingFor(c.caseId, 'repair');
    const broken = await t.repo.getCase(c.caseId);
    expect(broken?.problem).toMatchObject({ state: 'SendInvitation', error: 'MailAddressError' });
    // The coordinator is told, without the address or any other personal data.
    const notice = await pollUntil('repair notice', async () =>
      sent.find((m) => m.subject.includes(c.reference)),
    );
    expect(JSON.stringify(notice)).not.toContain('a,b@');
    // Another action waits until the step is repaired.
    await expect(
      closeEarly(t.deps, coordinator, c.caseId, { reason: 'left', note: '' }),
    ).rejects.toMatchObject({ code: 'needsRepair' });
    await repairCase(t.deps, coordinator, c.caseId, { email: 'p.ny@example.se' });
    await t.waitingFor(c.caseId, 'studyVisitOutcome');
    const invitation = sent.find((m) => m.calendar);
    expect(invitation?.to).toContain('p.ny@example.se');
    expect((await t.repo.getCase(c.caseId))?.problem).toBeUndefined();
  }, 40_000);

  it('re-reads the record when the person acted before the step was registered', async () => {
    let raced = false;
    const t = await setup({
      beforeAwait: async (step, deps) => {
        if (step !== 'intakeDecision' || raced) return;
        raced = true;
        await decideIntake(deps, coordinator, 'wfcase00000004', { decision: 'accepted', entry });
      },
    });
    const c = await t.newCase('wfcase00000004');
    await t.waitingFor(c.caseId, 'studyVisitProposal');
    expect(JSON.stringify(await t.history(c.execution.name))).toContain('StepAlreadyDone');
  }, 40_000);

  it('continues a run that stopped, in a new segment from the record, when the person acts', async () => {
    const t = await setup();
    const c = await t.newCase('wfcase00000005');
    await t.waitingFor(c.caseId, 'intakeDecision');
    await t.client.send(
      new StopExecutionCommand({
        executionArn: t.arnOf(c.execution.name),
        error: 'Test',
        cause: 'simulated',
      }),
    );
    await decideIntake(t.deps, coordinator, c.caseId, { decision: 'accepted', entry });
    const r = await t.repo.getCase(c.caseId);
    expect(r?.execution).toMatchObject({ segment: 2, name: executionName(c.caseId, 2) });
    await t.waitingFor(c.caseId, 'studyVisitProposal');
    const segment2 = await t.client.send(
      new DescribeExecutionCommand({ executionArn: t.arnOf(executionName(c.caseId, 2)) }),
    );
    expect(segment2.status).toBe('RUNNING');
    expect(JSON.parse(segment2.input ?? '{}')).toEqual({ caseId: c.caseId });
  }, 40_000);

  it('moves a running case onto the current workflow version from its record', async () => {
    const t = await setup();
    const c = await t.newCase('wfcase00000008');
    await t.waitingFor(c.caseId, 'intakeDecision');
    await moveToCurrentWorkflow(t.deps, c.caseId);
    expect((await t.finished(c.execution.name)).status).toBe('ABORTED');
    await t.waitingFor(c.caseId, 'intakeDecision');
    expect((await t.repo.getCase(c.caseId))?.execution.name).toBe(executionName(c.caseId, 2));
    // The coordinators were told once, not again by the new segment.
    expect(t.mail.sent.filter((m) => m.subject.startsWith('Ny anvisning'))).toHaveLength(1);
    await decideIntake(t.deps, coordinator, c.caseId, { decision: 'accepted', entry });
    await t.waitingFor(c.caseId, 'studyVisitProposal');
  }, 40_000);

  it('continues in a new segment under the next deterministic name when an execution gets old', async () => {
    const t = await setup();
    const old = new Date(t.clock.now() - 400 * 86_400_000).toISOString();
    const c = await t.newCase('wfcase00000006', {});
    await t.waitingFor(c.caseId, 'intakeDecision');
    const r = (await t.repo.getCase(c.caseId)) as CaseRecord;
    r.execution.startedAt = old;
    r.version += 1;
    await t.repo.saveCase(r);
    await decideIntake(t.deps, coordinator, c.caseId, { decision: 'accepted', entry });
    expect((await t.finished(c.execution.name)).status).toBe('SUCCEEDED');
    await t.waitingFor(c.caseId, 'studyVisitProposal');
    const next = await t.repo.getCase(c.caseId);
    expect(next?.execution.name).toBe(executionName(c.caseId, 2));
    const names = (await t.history(c.execution.name))
      .map((e) => e.stateEnteredEventDetails?.name)
      .filter(Boolean);
    expect(names).toContain('ContinueAsNew');
  }, 40_000);
});
