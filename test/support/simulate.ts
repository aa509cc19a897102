import type { Principal } from '#core/auth';
import { DAY_MS } from '#core/case';
import type { Unit } from '#core/units';
import { recordAfterClosing, recordClosing } from '#core/use-cases/closing';
import { decideIntake } from '#core/use-cases/intake';
import { scheduleClosing, scheduleFollowUp } from '#core/use-cases/meetings';
import { recordPlan, scheduleStartup } from '#core/use-cases/startup';
import { proposeStudyVisit, recordStudyVisitOutcome } from '#core/use-cases/study-visit';
import { recordFollowUp, recordTalk, resumeTraining } from '#core/use-cases/training';
import type { Engine } from './engine.ts';
import { pollUntil } from './host.ts';
import { TALK } from './records.ts';

export const SIM_UNIT: Unit = {
  unitId: 'remake',
  name: 'REMAKE',
  description: '',
  tasks: ['sy', 'packa'],
  places: 4,
  address: 'Malmö',
  phone: '040-00 00 00',
  coordinatorEmails: ['karin@stadsmissionen.example'],
  supervisors: [{ name: 'Sami', email: 'sami@stadsmissionen.example' }],
};
export const SIM_COORDINATOR: Principal = {
  sub: 'c1',
  email: 'karin@stadsmissionen.example',
  name: 'Karin',
  groups: ['coordinator'],
  organisationId: 'sm',
  organisationName: 'Skåne Stadsmission',
};
export const SIM_SUPERVISOR: Principal = {
  ...SIM_COORDINATOR,
  sub: 's1',
  email: 'sami@stadsmissionen.example',
  name: 'Sami',
  groups: ['supervisor'],
};
export const SIM_CASE_OFFICER: Principal = {
  sub: 'r1',
  email: 'anna@malmo.example',
  name: 'Anna',
  groups: ['referrer'],
  organisationId: 'malmo',
  organisationName: 'Malmö',
};

/**
 * One placement over `months` months as a city mission runs it: accepted, study visit, start-up
 * meeting and plan at 25 %, two supervision talks a month, a follow-up every 8 weeks (the first
 * two raise working time one step each), a pause decided at the fourth follow-up and a resume
 * six weeks later under a doctor's cap, the closing meeting at the planned end, and the case
 * officer's answers four weeks and six months after it. People act when the virtual clock
 * reaches the day; the workflow's own reminders run as they would.
 */
export async function simulatePlacement(e: Engine, caseId: string, months: number) {
  const t0 = e.clock.now();
  const end = new Date(t0);
  end.setUTCMonth(end.getUTCMonth() + months);
  const c = await e.newCase(caseId, { plannedEnd: end.toISOString().slice(0, 10) });
  const day = (n: number) => t0 + n * DAY_MS;
  const until = (ms: number) =>
    pollUntil(`virtual ${new Date(ms).toISOString()}`, async () => e.clock.now() >= ms || undefined, 120_000);
  const today = () => new Date(e.clock.now()).toISOString().slice(0, 10);
  const wait = (step: Parameters<Engine['waitingFor']>[1]) => e.waitingFor(caseId, step, 120_000);
  const meetingHeld = async () => {
    const m = await pollUntil(
      'meeting invitation',
      async () => {
        const x = await e.memory.getCase(caseId);
        const last = x?.meetings.at(-1);
        return last && last.invitationSentForSequence === last.sequence ? last : undefined;
      },
      120_000,
    );
    await until(Date.parse(m.start) + 3_600_000);
  };

  await wait('intakeDecision');
  await decideIntake(e.deps, SIM_COORDINATOR, caseId, {
    decision: 'accepted',
    entry: {
      labourMarketStatus: 'longTermUnemployed',
      education: 'isced0to2',
      disability: 'undisclosed',
      foreignBackground: 'no',
    },
  });
  await wait('studyVisitProposal');
  await proposeStudyVisit(e.deps, SIM_COORDINATOR, caseId, e.at(2));
  await wait('studyVisitOutcome');
  await until(day(3) + 12 * 3_600_000);
  await recordStudyVisitOutcome(e.deps, SIM_COORDINATOR, caseId, { outcome: 'wantsToStart' });
  await wait('startupMeeting');
  await scheduleStartup(e.deps, SIM_COORDINATOR, caseId, {
    ...e.at(2),
    supervisorEmail: 'sami@stadsmissionen.example',
    inviteCaseOfficer: 'yes',
  });
  await meetingHeld();
  await recordPlan(e.deps, SIM_SUPERVISOR, caseId, {
    goals: 'Komma igång',
    tasks: ['sy'],
    percent: 25,
    adaptations: '',
    startDate: today(),
  });
  const start = e.clock.now();

  const endMs = Date.parse(`${c.plannedEnd}T00:00:00Z`);
  let talkAt = start + 14 * DAY_MS;
  let followUpAt = start + 56 * DAY_MS;
  let followUps = 0;
  let pausedAt: number | undefined;
  const percents = [40, 50];
  let talks = 0;
  while (Math.min(talkAt, followUpAt) < endMs - 35 * DAY_MS) {
    if (pausedAt !== undefined && e.clock.now() >= pausedAt + 42 * DAY_MS) {
      await resumeTraining(e.deps, SIM_COORDINATOR, caseId, {
        statementDate: today(),
        maxPercent: 50,
        avoidTasks: 'Tunga lyft',
        percent: 40,
      });
      pausedAt = undefined;
    }
    if (talkAt <= followUpAt) {
      await until(talkAt);
      const now = await e.memory.getCase(caseId);
      if (now?.phase === 'training') {
        await recordTalk(e.deps, SIM_SUPERVISOR, caseId, {
          formId: `talk-${caseId}-${++talks}`,
          date: today(),
          points: TALK,
          capacityDeclined: false,
        });
      }
      talkAt += 14 * DAY_MS;
    } else {
      await until(followUpAt - 7 * DAY_MS);
      await scheduleFollowUp(e.deps, SIM_COORDINATOR, caseId, {
        ...e.at(7),
        formId: `fu-${caseId}-${followUps}`,
      });
      await meetingHeld();
      const r = await e.memory.getCase(caseId);
      const increase = percents[followUps];
      const decision =
        increase !== undefined
          ? { decision: 'increase' as const, newPercent: increase }
          : followUps === 3
            ? { decision: 'pause' as const, reason: 'Försämrad hälsa, vårdkontakt' }
            : { decision: 'noChange' as const };
      await recordFollowUp(e.deps, SIM_COORDINATOR, caseId, {
        participantPresent: true,
        caseOfficerPresent: true,
        summary: 'Uppföljning',
        tasks: r?.tasks ?? ['sy'],
        ...decision,
      });
      if (decision.decision === 'pause') pausedAt = e.clock.now();
      followUps++;
      followUpAt = e.clock.now() + 56 * DAY_MS;
    }
  }
  if (pausedAt !== undefined)
    await resumeTraining(e.deps, SIM_COORDINATOR, caseId, {
      statementDate: today(),
      maxPercent: 50,
      avoidTasks: '',
      percent: 40,
    });
  await until(endMs - 14 * DAY_MS);
  await scheduleClosing(e.deps, SIM_COORDINATOR, caseId, e.at(7));
  await meetingHeld();
  await recordClosing(e.deps, SIM_COORDINATOR, caseId, {
    summary: 'Bra period',
    evaluation: 'Målen nåddes',
    outcome: 'studiesKomvux',
    nextStepPlan: 'Komvux till hösten',
  });
  await wait('afterClosing');
  await pollUntil(
    'four-week question',
    async () => e.mail.sent.find((m) => m.subject.startsWith('Uppföljning efter avslut')),
    120_000,
  );
  await recordAfterClosing(e.deps, SIM_CASE_OFFICER, caseId, { outcome: 'studiesKomvux', note: '' });
  const sixMonths = new Date(endMs);
  sixMonths.setUTCMonth(sixMonths.getUTCMonth() + 6);
  await until(sixMonths.getTime());
  await pollUntil(
    'six-month question',
    async () =>
      e.mail.sent.filter((m) => m.subject.startsWith('Uppföljning efter avslut')).length >= 2 || undefined,
    120_000,
  );
  await recordAfterClosing(e.deps, SIM_CASE_OFFICER, caseId, {
    outcome: 'studiesKomvux',
    note: 'Går på Komvux',
  });
  const last = await e.memory.getCase(caseId);
  return { record: last, talks, followUps };
}

/** AWS list prices for eu-north-1 (Stockholm) used to price a placement; see the README. */
export const PRICES = {
  /** Step Functions Standard, per state transition. */
  transition: 0.025 / 1000,
  /** Lambda requests, per invocation. */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda on Arm (Graviton), per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand, per write request unit and per read request unit. */
  dynamoWrite: 0.6875 / 1_000_000,
  dynamoRead: 0.1375 / 1_000_000,
  /** SES outbound, per message (each recipient counts). */
  email: 0.1 / 1000,
} as const;

/** The Lambdas' memory (infra/cdk/constructs/function.ts) and Lambda's 1 ms billing floor per call. */
const LAMBDA_GB = 0.5;

export async function measure(e: Engine, opts: { months: number; humanActions: number }) {
  const { ListExecutionsCommand } = await import('@aws-sdk/client-sfn');
  const { STATE_MACHINE } = await import('./engine.ts');
  const executions: { name: string; events: number; transitions: number; days: number }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await e.client.send(
      new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE, nextToken, maxResults: 100 }),
    );
    for (const x of page.executions ?? []) {
      const events = await e.history(x.name ?? '');
      const times = events.map((ev) => ev.timestamp?.getTime() ?? 0).filter(Boolean);
      executions.push({
        name: x.name ?? '',
        events: events.length,
        transitions: events.filter((ev) => ev.type?.endsWith('StateEntered')).length,
        days: times.length ? (Math.max(...times) - Math.min(...times)) / 86_400_000 : 0,
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  const transitions = executions.reduce((n, x) => n + x.transitions, 0);
  // Task Lambdas plus one HTTP Lambda per person's action (the form post).
  const lambdaInvocations = e.counters.lambdaInvocations + opts.humanActions;
  const gbSeconds = (e.counters.lambdaMs / 1000 + opts.humanActions * 0.05) * LAMBDA_GB;
  const emails = e.mail.sent.reduce((n, m) => n + m.to.length, 0);
  const dollars =
    transitions * PRICES.transition +
    lambdaInvocations * PRICES.lambdaRequest +
    gbSeconds * PRICES.lambdaGbSecond +
    e.counters.writeUnits * PRICES.dynamoWrite +
    e.counters.readUnits * PRICES.dynamoRead +
    emails * PRICES.email;
  return {
    months: opts.months,
    executions: executions.length,
    transitions,
    lambdaInvocations,
    dynamoWrites: e.counters.writeUnits,
    dynamoReads: e.counters.readUnits,
    emails,
    maxHistoryEventsPerExecution: Math.max(...executions.map((x) => x.events)),
    maxExecutionDays: Math.round(Math.max(...executions.map((x) => x.days)) * 10) / 10,
    dollars: Math.round(dollars * 10_000) / 10_000,
  };
}
