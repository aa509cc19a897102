import type { Principal } from '#core/auth';
import { type CaseRecord, DAY_MS, type Meeting, type MeetingKind } from '#core/case';
import type { Clock } from '#core/clock';
import { ValidationError } from '#core/errors';
import type { Deps, Page, PageRequest, RunEvent, RunStatus, RunSummary, WorkflowPort } from '#core/ports';
import type { Phase, StepName } from '#core/process/declaration';
import { derivePhase } from '#core/process/derive';
import type { Unit } from '#core/units';
import { MemoryRepo, RecordingMail } from './memory-repo.ts';
import { newCaseRecord, TALK } from './records.ts';

/**
 * The use cases against the in-memory repository, for the unit tests: a clock the test sets, a
 * workflow port that records every call and answers as told, the recording mail port, staff and a
 * unit, and records built in each phase of the process.
 */

export const HOUR_MS = 3_600_000;
/** Monday 1 March 2027, 09:00 UTC (10:00 in Stockholm, CET). */
export const T0 = Date.parse('2027-03-01T09:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();
export const isoDay = (ms: number) => iso(ms).slice(0, 10);

export class FakeClock implements Clock {
  constructor(public ms: number = T0) {}
  now = () => this.ms;
  set(ms: number) {
    this.ms = ms;
  }
  advance(ms: number) {
    this.ms += ms;
  }
}

/** A WorkflowPort that records its calls; runs are in `runs` (name → status). */
export class FakeWorkflow implements WorkflowPort {
  readonly runs = new Map<string, RunStatus>();
  readonly started: { name: string; input: { caseId: string } }[] = [];
  readonly tokens: { token: string; output: Record<string, string> }[] = [];
  readonly stopped: { name: string; error: string; cause: string }[] = [];
  readonly described: string[] = [];
  readonly listed: { status?: RunStatus; nextToken?: string; limit: number }[] = [];
  readonly historyCalls: { name: string; newestFirst: boolean; limit: number }[] = [];
  readonly histories = new Map<string, RunEvent[]>();
  listPage: { runs: RunSummary[]; nextToken?: string } = { runs: [] };
  /** What sendTaskSuccess answers (or throws). */
  taskResult: 'ok' | 'stale' | Error = 'ok';
  /** Called on stopExecution (after the run is marked ABORTED). */
  onStop?: (name: string) => Promise<void>;
  /** Called on describeExecution before it answers (to race another caller). */
  onDescribe?: (name: string) => Promise<void>;

  async startExecution(name: string, input: { caseId: string }) {
    this.started.push({ name, input });
    if (!this.runs.has(name)) this.runs.set(name, 'RUNNING');
  }
  async sendTaskSuccess(token: string, output: Record<string, string>) {
    this.tokens.push({ token, output });
    if (this.taskResult instanceof Error) throw this.taskResult;
    return this.taskResult;
  }
  async listExecutions(opts: { status?: RunStatus; nextToken?: string; limit: number }) {
    this.listed.push(opts);
    return this.listPage;
  }
  async stopExecution(name: string, error: string, cause: string) {
    this.stopped.push({ name, error, cause });
    if (this.runs.get(name) === 'RUNNING') this.runs.set(name, 'ABORTED');
    await this.onStop?.(name);
  }
  async describeExecution(name: string) {
    this.described.push(name);
    await this.onDescribe?.(name);
    const status = this.runs.get(name);
    return status ? { name, status, startDate: new Date(T0) } : undefined;
  }
  async history(name: string, opts: { newestFirst: boolean; limit: number }) {
    this.historyCalls.push({ name, ...opts });
    return this.histories.get(name) ?? [];
  }
}

export const COORDINATOR_EMAIL = 'karin@stadsmissionen.example';
export const SUPERVISOR_EMAIL = 'sami@stadsmissionen.example';

export const UNIT: Unit = {
  unitId: 'remake',
  name: 'REMAKE',
  description: 'Sömnad',
  tasks: ['sy', 'packa'],
  places: 2,
  address: 'Malmö',
  phone: '040-00 00 00',
  coordinatorEmails: [COORDINATOR_EMAIL],
  supervisors: [
    { name: 'Sami', email: SUPERVISOR_EMAIL },
    { name: 'Sara', email: 'Sara@Stadsmissionen.example' },
  ],
};

export const COORDINATOR: Principal = {
  sub: 'c1',
  email: COORDINATOR_EMAIL,
  name: 'Karin',
  groups: ['coordinator'],
  organisationId: 'sm',
  organisationName: 'Skåne Stadsmission',
};
export const ADMIN: Principal = {
  ...COORDINATOR,
  sub: 'a1',
  email: 'ada@stadsmissionen.example',
  name: 'Ada',
  groups: ['admin'],
};
export const SUPERVISOR: Principal = {
  ...COORDINATOR,
  sub: 's1',
  email: SUPERVISOR_EMAIL,
  name: 'Sami',
  groups: ['supervisor'],
};
/** A supervisor of the unit who is not assigned to the case. */
export const OTHER_SUPERVISOR: Principal = {
  ...SUPERVISOR,
  sub: 's2',
  email: 'sara@stadsmissionen.example',
  name: 'Sara',
};
/** The case officer of the referring organisation (newCaseRecord's organisation). */
export const CASE_OFFICER: Principal = {
  sub: 'r1',
  email: 'anna@malmo.example',
  name: 'Anna',
  groups: ['referrer'],
  organisationId: 'malmo',
  organisationName: 'Malmö',
};
/** A case officer of another organisation. */
export const OTHER_OFFICER: Principal = {
  ...CASE_OFFICER,
  sub: 'r2',
  email: 'olle@lund.example',
  name: 'Olle',
  organisationId: 'lund',
  organisationName: 'Lund',
};

export interface World {
  deps: Deps;
  repo: MemoryRepo;
  mail: RecordingMail;
  workflow: FakeWorkflow;
  clock: FakeClock;
  /** Stores records as they are (the version they carry). */
  seed(...records: CaseRecord[]): Promise<void>;
  get(caseId: string): Promise<CaseRecord>;
}

/**
 * The in-memory repository answering its lists a few records at a time, as DynamoDB pages them:
 * the cursor is the index of the next record (MemoryRepo answers everything at once).
 */
export class PagingRepo extends MemoryRepo {
  readonly listCalls: { list: string; page: PageRequest }[] = [];
  constructor(
    units: Unit[],
    private readonly pageSize: number,
  ) {
    super(units);
  }
  private pageOf(list: string, all: CaseRecord[], page: PageRequest): Page<CaseRecord> {
    this.listCalls.push({ list, page });
    const from = Number(page.after ?? 0);
    const to = from + Math.min(page.limit, this.pageSize);
    return {
      items: all.slice(from, to).map((c) => structuredClone(c)),
      ...(to < all.length ? { next: String(to) } : {}),
    };
  }
  override async listActiveCases(page: PageRequest) {
    return this.pageOf(
      'active',
      [...this.cases.values()].filter((c) => c.status === 'active'),
      page,
    );
  }
  override async listCases(page: PageRequest) {
    return this.pageOf('all', [...this.cases.values()], page);
  }
  override async listCasesByOrganisation(org: string, page: PageRequest) {
    return this.pageOf(
      `org:${org}`,
      [...this.cases.values()].filter((c) => c.organisationId === org),
      page,
    );
  }
}

export function world(opts: { units?: Unit[]; now?: number; pageSize?: number } = {}): World {
  const units = opts.units ?? [UNIT];
  const repo = opts.pageSize ? new PagingRepo(units, opts.pageSize) : new MemoryRepo(units);
  const mail = new RecordingMail();
  const workflow = new FakeWorkflow();
  const clock = new FakeClock(opts.now ?? T0);
  let ids = 0;
  const deps: Deps = {
    repo,
    workflow,
    mail,
    clock,
    baseUrl: 'https://stegvis.example',
    newId: () => `newcase${String(++ids).padStart(4, '0')}`,
  };
  return {
    deps,
    repo,
    mail,
    workflow,
    clock,
    async seed(...records) {
      for (const r of records) await repo.createCase(r, `seed-${r.caseId}`);
    },
    async get(caseId) {
      const c = await repo.getCase(caseId);
      if (!c) throw new Error(`no case ${caseId}`);
      return c;
    },
  };
}

export function meeting(kind: MeetingKind, startMs: number, over: Partial<Meeting> = {}): Meeting {
  return {
    meetingId: `${kind}-1`,
    kind,
    start: iso(startMs),
    end: iso(startMs + HOUR_MS),
    location: 'REMAKE, Malmö',
    organizer: { name: 'Karin', email: COORDINATOR_EMAIL },
    attendees: ['participant', 'supervisor', 'caseOfficer'],
    sequence: 0,
    invitationSentForSequence: 0,
    scheduledAt: iso(startMs - 7 * DAY_MS),
    scheduledBy: 'c1',
    ...over,
  };
}

/** The day training started in `caseIn('training')`: 60 days before `now`. */
export const trainingStartOf = (now: number) => isoDay(now - 60 * DAY_MS);

/**
 * A record in the phase, as the process leaves it there, relative to `now`: the referral came
 * 90 days ago, training started 60 days ago at 25 %, meetings to record began two hours ago.
 */
export function caseIn(
  phase: Exclude<Phase, 'studyVisitProposed' | 'intakeDeclined' | 'studyVisitDeclined'>,
  caseId = 'case00000001',
  now = T0,
  extra: Partial<CaseRecord> = {},
): CaseRecord {
  const c = newCaseRecord(caseId, now - 90 * DAY_MS);
  c.plannedEnd = isoDay(now + 200 * DAY_MS);
  c.notifiedCoordinatorsAt = iso(now - 90 * DAY_MS);
  const order: Phase[] = [
    'intake',
    'queued',
    'studyVisitScheduling',
    'studyVisitInvited',
    'startupScheduling',
    'startupPlanning',
    'training',
    'paused',
    'closing',
    'afterClosing',
    'closed',
  ];
  const upTo = (p: Phase) => order.indexOf(phase) >= order.indexOf(p);
  if (upTo('queued')) {
    c.intake = { decision: 'accepted', decidedAt: iso(now - 89 * DAY_MS), decidedBy: 'c1' };
    c.entryStatistics = {
      labourMarketStatus: 'longTermUnemployed',
      education: 'isced0to2',
      disability: 'no',
      foreignBackground: 'no',
    };
    c.place = { queuedAt: iso(now - 89 * DAY_MS) };
  }
  if (upTo('studyVisitScheduling')) c.place = { assignedAt: iso(now - 89 * DAY_MS) };
  if (upTo('studyVisitInvited'))
    c.studyVisit = {
      start: iso(now - 80 * DAY_MS),
      end: iso(now - 80 * DAY_MS + HOUR_MS),
      location: 'REMAKE, Malmö',
      organizer: { name: 'Karin', email: COORDINATOR_EMAIL },
      sequence: 0,
      invitationSentForSequence: 0,
    };
  if (upTo('startupScheduling') && c.studyVisit) {
    c.studyVisit.outcome = 'wantsToStart';
    c.studyVisit.outcomeRecordedAt = iso(now - 79 * DAY_MS);
    c.studyVisit.outcomeRecordedBy = 'c1';
  }
  if (upTo('startupPlanning')) {
    c.supervisor = { name: 'Sami', email: SUPERVISOR_EMAIL };
    c.meetings.push(
      meeting('startup', phase === 'startupPlanning' ? now - 2 * HOUR_MS : now - 61 * DAY_MS, {
        attendees: ['participant', 'supervisor'],
      }),
    );
  }
  if (upTo('training')) {
    const start = trainingStartOf(now);
    const startup = c.meetings[0];
    if (startup) startup.recordedAt = iso(now - 61 * DAY_MS + 2 * HOUR_MS);
    c.plan = {
      goals: 'Komma igång',
      tasks: ['sy'],
      percent: 25,
      hoursPerWeek: 10,
      adaptations: '',
      startDate: start,
      recordedAt: iso(now - 61 * DAY_MS + 2 * HOUR_MS),
      recordedBy: 's1',
    };
    c.tasks = ['sy'];
    c.workingTime = { percent: 25, hoursPerWeek: 10, since: start };
    c.workingTimeHistory = [
      {
        percent: 25,
        hoursPerWeek: 10,
        since: start,
        kind: 'start',
        decidedAt: c.plan.recordedAt,
        decidedBy: 's1',
      },
    ];
  }
  if (phase === 'paused')
    c.pauses.push({ startedAt: iso(now - 10 * DAY_MS), meetingId: 'followUp-1', reason: 'Vårdkontakt' });
  if (upTo('closing') && phase !== 'paused')
    c.meetings.push(meeting('closing', phase === 'closing' ? now - 2 * HOUR_MS : now - 40 * DAY_MS));
  if (upTo('afterClosing') && phase !== 'paused') {
    const closing = c.meetings.at(-1);
    if (closing) closing.recordedAt = iso(now - 40 * DAY_MS + 2 * HOUR_MS);
    c.closing = {
      record: {
        summary: 'Bra period',
        evaluation: 'Målen nåddes',
        outcome: 'studiesKomvux',
        nextStepPlan: 'Komvux',
        recordedAt: iso(now - 40 * DAY_MS + 2 * HOUR_MS),
        recordedBy: 'c1',
      },
      endedOn: isoDay(now - 40 * DAY_MS),
    };
    c.closure = { category: 'completed', reason: 'studiesKomvux', closedAt: iso(now - 40 * DAY_MS) };
    // The workflow gives the place back once the closing is recorded.
    c.place = { ...c.place, releasedAt: iso(now - 40 * DAY_MS + 3 * HOUR_MS) };
  }
  if (phase === 'closed') c.status = 'closed';
  const out = { ...c, ...extra };
  out.phase = derivePhase(out);
  return out;
}

/** The record waits on `step` with a task token, as AwaitStep leaves it. */
export const waitingOn = (step: StepName, token = `token-${step}`, since = iso(T0 - DAY_MS)) => ({
  waiting: { step, token, since },
});

/** A meeting form (Stockholm date, start and end time) `days` ahead of `now` at 10–11 CET. */
export function meetingForm(now: number, days: number, location = 'REMAKE, Malmö') {
  const date = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(
    new Date(now + days * DAY_MS),
  );
  return { date, startTime: '10:00', endTime: '11:00', location };
}

/** Stockholm 10:00 on the day `days` ahead, as an instant (valid in winter time: CET). */
export const tenOclock = (now: number, days: number) =>
  Date.parse(`${meetingForm(now, days).date}T09:00:00Z`);

export { TALK };

/** The error a call fails with, whether it throws at once or rejects; fails the test when it succeeds. */
export async function failure(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

/** The `field:code` of each issue of the ValidationError a call fails with, sorted. */
export async function issueCodes(f: () => unknown): Promise<string[]> {
  const err = await failure(f);
  if (!(err instanceof ValidationError)) throw err;
  return err.issues.map((i) => `${i.field}:${i.code}`).sort();
}
