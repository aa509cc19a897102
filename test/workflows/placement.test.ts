import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { SfnWorkflow } from '#adapters/sfn-workflow';
import type { Principal } from '#core/auth';
import { type CaseRecord, executionName, type StepName } from '#core/case';
import { scaledClock } from '#core/clock';
import type { Deps } from '#core/ports';
import { proposeStudyVisit, recordStudyVisitOutcome } from '#core/use-cases/study-visit';
import {
  awaitStep,
  closeCase,
  loadCase,
  notifyNewReferral,
  sendReminder,
  sendStudyVisitInvitation,
} from '#core/use-cases/workflow-steps';
import { TASKS } from '#functions/tasks/registry';
import { type LocalStepFunctions, startLocalStepFunctions } from '#local/sfn/index';
import { pollUntil, ROOT } from '#test/support/host';
import { MemoryRepo, RecordingMail } from '#test/support/memory-repo';

/**
 * The placement ASL (workflows/placement.asl.json) executed in the local engine, each task
 * backed by the real use case the task Lambda calls, with workflow time accelerated so the
 * reminder timeouts pass in seconds.
 */
const SCALE = 86_400; // one workflow day per real second
const STATE_MACHINE = 'arn:aws:states:eu-north-1:000000000000:stateMachine:stegvis-placement';
const coordinator: Principal = {
  sub: 'c1',
  email: 'karin@stadsmissionen.example',
  name: 'Karin',
  groups: ['coordinator'],
  organisationId: 'sm',
  organisationName: 'Skåne Stadsmission',
};
const unit = {
  unitId: 'remake',
  name: 'REMAKE',
  description: '',
  tasks: ['sy'],
  places: 4,
  address: 'Malmö',
  coordinatorEmails: ['karin@stadsmissionen.example'],
};

let running: { sfn: LocalStepFunctions; dir: string } | undefined;

afterEach(async () => {
  await running?.sfn.close();
  if (running) rmSync(running.dir, { recursive: true, force: true });
  running = undefined;
});

async function setup(opts: { beforeAwait?: (step: StepName, deps: Deps) => Promise<void> } = {}) {
  const anchor = { realAnchor: Date.now(), virtualAnchor: Date.now(), scale: SCALE };
  const clock = scaledClock(anchor);
  const repo = new MemoryRepo([unit]);
  const mail = new RecordingMail();
  const dir = mkdtempSync(join(tmpdir(), 'stegvis-wf-'));
  const substitutions = Object.fromEntries(TASKS.map((t) => [t.substitution, `stegvis-${t.name}`]));
  const asl = readFileSync(join(ROOT, 'workflows', 'placement.asl.json'), 'utf8').replace(
    /\$\{(\w+)\}/g,
    (_, k: string) => substitutions[k] ?? `missing-${k}`,
  );
  // deps.workflow is filled in once the endpoint listens; tasks only run after that.
  const deps = {
    repo,
    mail,
    clock,
    baseUrl: 'https://stegvis.example',
    newId: () => 'unused',
  } as unknown as Deps;
  const seen: string[] = [];
  const sfn = await startLocalStepFunctions({
    port: 0,
    stateDir: dir,
    region: 'eu-north-1',
    accountId: '000000000000',
    stateMachines: [{ name: 'stegvis-placement', definition: JSON.parse(asl) as object }],
    clock: { now: clock.now, scale: SCALE },
    invokeFunction: async (name, payload) => {
      const p = payload as { caseId: string; step: StepName; taskToken: string };
      seen.push(name);
      switch (name) {
        case 'stegvis-load-case':
          return loadCase(deps, p.caseId);
        case 'stegvis-await-step':
          await opts.beforeAwait?.(p.step, deps);
          return awaitStep(deps, p.caseId, p.step, p.taskToken);
        case 'stegvis-notify-referral':
          return notifyNewReferral(deps, p.caseId);
        case 'stegvis-send-invitation':
          return sendStudyVisitInvitation(deps, p.caseId);
        case 'stegvis-send-reminder':
          return sendReminder(deps, p.caseId, p.step);
        case 'stegvis-close-case':
          return closeCase(deps, p.caseId);
        default:
          throw new Error(`unknown function ${name}`);
      }
    },
  });
  running = { sfn, dir };
  const client = new SFNClient({
    region: 'eu-north-1',
    endpoint: sfn.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  deps.workflow = new SfnWorkflow(client, STATE_MACHINE);

  const now = new Date(clock.now()).toISOString();
  const record: CaseRecord = {
    caseId: 'wfcase00000001',
    reference: 'SV-2026-0001',
    organisationId: 'malmo',
    createdAt: now,
    createdBy: 'r1',
    updatedAt: now,
    status: 'active',
    phase: 'studyVisitScheduling',
    participant: {
      name: 'P',
      identityNumber: '198112189876',
      identityKind: 'personnummer',
      email: 'p@example.se',
      phone: '070',
      gender: 'woman',
    },
    caseOfficer: {
      sub: 'r1',
      name: 'Anna',
      email: 'anna@malmo.example',
      organisationId: 'malmo',
      organisationName: 'Malmö',
    },
    placementAgreementRef: 'PÖ',
    unitId: 'remake',
    needs: { adaptation: '', languageSupport: false, language: '' },
    plannedStart: '2026-12-01',
    plannedEnd: '2027-06-01',
    reminders: {},
    execution: { segment: 1, name: executionName('wfcase00000001', 1) },
    version: 1,
  };
  await repo.createCase(record, 'submission-0000000001');
  const arn = `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${record.execution.name}`;
  const waitingFor = (step: StepName) =>
    pollUntil(
      `waiting for ${step}`,
      async () => ((await repo.getCase(record.caseId))?.waiting?.step === step ? true : undefined),
      20_000,
    );
  const finished = () =>
    pollUntil(
      'execution to finish',
      async () => {
        const d = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
        return d.status !== 'RUNNING' ? d : undefined;
      },
      20_000,
    );
  const history = async () =>
    (await client.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }))).events ?? [];
  await deps.workflow.startExecution(record.execution.name, { caseId: record.caseId });
  const visit = () => {
    const day = new Date(clock.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    return { date: day, startTime: '10:00', endTime: '11:00', location: 'REMAKE' };
  };
  return { deps, repo, mail, clock, record, waitingFor, finished, history, visit, seen, client, arn };
}

describe('placement workflow', () => {
  it('reminds the coordinator when no study-visit time is proposed, then waits again', async () => {
    const t = await setup();
    await t.waitingFor('studyVisitProposal');
    const firstToken = (await t.repo.getCase(t.record.caseId))?.waiting?.token;
    // Due two workflow days after the referral: about two real seconds.
    const reminder = await pollUntil(
      'a reminder',
      async () => t.mail.sent.find((m) => m.subject.startsWith('Påminnelse')),
      15_000,
    );
    expect(reminder.to).toEqual(['karin@stadsmissionen.example']);
    // The coordinators heard of the referral when it arrived, once, even though the workflow
    // passed the notifying state again after the reminder.
    const notices = t.mail.sent.filter((m) => m.subject.startsWith('Ny anvisning'));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.to).toEqual(['karin@stadsmissionen.example']);
    expect(t.mail.sent.findIndex((m) => m.subject.startsWith('Ny anvisning'))).toBeLessThan(
      t.mail.sent.indexOf(reminder),
    );
    await pollUntil('a fresh wait after the reminder', async () => {
      const c = await t.repo.getCase(t.record.caseId);
      return c?.waiting?.token &&
        c.waiting.token !== firstToken &&
        c.reminders.studyVisitProposal?.count === 1
        ? true
        : undefined;
    });
    const events = await t.history();
    expect(
      events.some(
        (e) =>
          e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'RemindStudyVisitProposal',
      ),
    ).toBe(true);

    // The step is still open: proposing now continues the workflow.
    await proposeStudyVisit(t.deps, coordinator, t.record.caseId, t.visit());
    await t.waitingFor('studyVisitOutcome');
    const invitation = t.mail.sent.find((m) => m.calendar);
    expect(invitation?.to).toEqual(['p@example.se', 'anna@malmo.example']);
    expect(invitation?.calendar?.method).toBe('REQUEST');
    await recordStudyVisitOutcome(t.deps, coordinator, t.record.caseId, { outcome: 'wantsToStart' });
    const done = await t.finished();
    expect(done.status).toBe('SUCCEEDED');
    const last = (await t.history()).filter((e) => e.type?.endsWith('StateEntered')).pop();
    expect(last?.stateEnteredEventDetails?.name).toBe('ReadyForStartupMeeting');
    expect((await t.repo.getCase(t.record.caseId))?.phase).toBe('startupMeeting');
  }, 40_000);

  it('reminds about a missing outcome the day after the visit and closes a declined case', async () => {
    const t = await setup();
    await t.waitingFor('studyVisitProposal');
    await proposeStudyVisit(t.deps, coordinator, t.record.caseId, t.visit());
    await t.waitingFor('studyVisitOutcome');
    const c = await t.repo.getCase(t.record.caseId);
    const due = c?.reminders.studyVisitOutcome?.dueAt ?? 0;
    expect(due).toBe(Date.parse(c?.studyVisit?.end ?? '') + 86_400_000);
    const reminder = await pollUntil(
      'the outcome reminder',
      async () =>
        t.mail.sent.find(
          (m) => m.subject.startsWith('Påminnelse') && m.to.includes('karin@stadsmissionen.example'),
        ),
      15_000,
    );
    expect(t.clock.now()).toBeGreaterThanOrEqual(due);
    expect(reminder.text).toContain('https://stegvis.example/cases/wfcase00000001');
    await t.waitingFor('studyVisitOutcome');
    await recordStudyVisitOutcome(t.deps, coordinator, t.record.caseId, {
      outcome: 'declined',
      declineReason: 'Vill studera',
    });
    const done = await t.finished();
    expect(done.status).toBe('SUCCEEDED');
    const closed = await t.repo.getCase(t.record.caseId);
    expect(closed?.status).toBe('closed');
    expect(closed?.closure).toMatchObject({ category: 'declinedAfterStudyVisit', reason: 'Vill studera' });
    const names = (await t.history()).map((e) => e.stateEnteredEventDetails?.name).filter(Boolean);
    expect(names).toContain('CloseCase');
    expect(names.at(-1)).toBe('CaseClosed');
    // Payloads carry only ids: nothing personal in the execution's history.
    expect(JSON.stringify(await t.history())).not.toContain('198112189876');
  }, 40_000);

  it('re-reads the record when the person acted before the step was registered (StepAlreadyDone)', async () => {
    let raced = false;
    const t = await setup({
      beforeAwait: async (step, deps) => {
        if (step !== 'studyVisitProposal' || raced) return;
        raced = true;
        // The coordinator proposes between LoadCase and the wait registering its token.
        await proposeStudyVisit(deps, coordinator, 'wfcase00000001', {
          date: new Date(deps.clock.now() + 3 * 86_400_000).toISOString().slice(0, 10),
          startTime: '10:00',
          endTime: '11:00',
          location: 'REMAKE',
        });
      },
    });
    await t.waitingFor('studyVisitOutcome');
    const events = await t.history();
    const failed = events.find((e) => e.type === 'TaskFailed' || e.type === 'TaskStateExited');
    expect(failed).toBeDefined();
    expect(JSON.stringify(events)).toContain('StepAlreadyDone');
    expect(t.mail.sent.filter((m) => m.calendar)).toHaveLength(1);
  }, 40_000);

  it('continues a run that stopped, in a new segment from the record, when the person acts', async () => {
    const t = await setup();
    await t.waitingFor('studyVisitProposal');
    await t.client.send(
      new StopExecutionCommand({ executionArn: t.arn, error: 'Test', cause: 'simulated failure' }),
    );
    await proposeStudyVisit(t.deps, coordinator, t.record.caseId, t.visit());
    const c = await t.repo.getCase(t.record.caseId);
    expect(c?.execution).toEqual({ segment: 2, name: 'case-wfcase00000001-2' });
    await t.waitingFor('studyVisitOutcome');
    expect(t.mail.sent.filter((m) => m.calendar)).toHaveLength(1);
    const segment2 = await t.client.send(
      new DescribeExecutionCommand({ executionArn: t.arn.replace(/-1$/, '-2') }),
    );
    expect(segment2.status).toBe('RUNNING');
    expect(JSON.parse(segment2.input ?? '{}')).toEqual({ caseId: t.record.caseId });
  }, 40_000);
});
