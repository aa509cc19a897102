import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aboutCase,
  acceptReferral,
  type CaseJson,
  calendarOf,
  caseJson,
  DAY_MS,
  expectDone,
  expectFieldErrors,
  fieldError,
  type MeetingTime,
  meetingFields,
  meetingTime,
  pageText,
  parsedMail,
  postForm,
  realMsUntil,
  recipients,
  referralForm,
  sameInvitation,
  sentTo,
  stockholm,
  submitReferral,
  untilVirtual,
  utcDay,
  virtualDay,
  virtualNow,
  waitForMail,
  waitForStep,
} from '#test/support/flows';
import { pollUntil, ROOT, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';

/**
 * One placement from referral to closing, over HTTP on the local host, with workflow time
 * accelerated: every meeting is booked relative to the host's virtual clock and recorded once
 * that clock has passed it; every reminder, invitation and question is read from the local inbox.
 *
 * Beside it: a referral declined at intake (the referrer reads the reason), and the unit's places
 * filled by other accepted referrals so that the placement waits in the queue until one frees.
 * In the middle the host restarts; waiting steps still wait and forms still record.
 *
 * About 90 workflow days pass: two landing periods of four weeks, the talk escalation three weeks
 * after training starts, and the question four weeks after the end. At 50 000× a workflow day is
 * 1.7 real seconds.
 */
const SCALE = 50_000;
const UNIT = 'amiralen';
const COORDINATOR = 'karin.praktikansvarig@stadsmissionen.example';
const SUPERVISOR = 'sami.handledare@stadsmissionen.example';
const CASE_OFFICER = 'anna.handlaggare@malmo.example';
const PARTICIPANT = 'mira.deltagare@example.se';
const TASK = 'IT';
const OTHER_TASK = 'text och bild';

const units = JSON.parse(readFileSync(join(ROOT, 'infra/local/seed/units.json'), 'utf8')) as {
  unitId: string;
  name: string;
  places: number;
  tasks: string[];
  landingWeeks: number;
  talkIntervalDays: number;
}[];
const unit = units.find((u) => u.unitId === UNIT);
if (!unit) throw new Error(`unit ${UNIT} missing from the seed`);

let host: TestHost;
let coordinator: Session;
let sami: Session;
let anna: Session;
const startedAt = Date.now();
/** What each refused rule's page said (its text), checked at the end. */
const refused: Record<string, string | undefined> = {};

/** The case the placement follows, the declined one, and the referrals holding the places. */
let mira = '';
let declined = '';
const fillers: string[] = [];

async function signInAll() {
  coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
  sami = await new Session(host.baseUrl).signIn(USERS.supervisor);
  anna = await new Session(host.baseUrl).signIn(USERS.referrer);
}

/** Progress for the log: real seconds since the file started, workflow day since the host started. */
let hostStartedVirtual = 0;
function mark(what: string) {
  const real = ((Date.now() - startedAt) / 1000).toFixed(1);
  const day = ((virtualNow(host) - hostStartedVirtual) / DAY_MS).toFixed(1);
  console.log(`[placement] ${real}s real, workflow day ${day}: ${what}`);
}

const sfn = () =>
  new SFNClient({
    region: 'eu-north-1',
    endpoint: host.sfnUrl,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

const mailsOf = async (caseId: string) => (await inbox(host.sesUrl)).filter((m) => aboutCase(m, caseId));

/** Books a meeting (start-up, follow-up, closing) and waits until its invitation has gone out. */
async function book(path: string, m: MeetingTime, extra: Record<string, string> = {}) {
  const r = await coordinator.post(`/cases/${mira}/${path}`, { ...meetingFields(m), ...extra });
  return r;
}

async function invitationSent(kind: string, start: number): Promise<CaseJson> {
  return pollUntil(`the ${kind} invitation sent`, async () => {
    const c = await caseJson(coordinator, mira);
    const m = c.meetings.find((x) => x.kind === kind && Date.parse(x.start) === start);
    return m?.invitationSent ? c : undefined;
  });
}

const followUpForm = (o: {
  summary: string;
  decision: string;
  newPercent?: string;
  reason?: string;
  tasks?: string[];
  participantPresent?: string;
}) => ({
  participantPresent: o.participantPresent ?? 'yes',
  caseOfficerPresent: 'yes',
  summary: o.summary,
  decision: o.decision,
  newPercent: o.newPercent ?? '',
  reason: o.reason ?? '',
  tasks: o.tasks ?? [TASK],
});

/** Books a follow-up meeting starting at `at` (or soon), waits until it has begun. */
async function followUpHeld(o: { at?: number } = {}): Promise<MeetingTime> {
  const m = meetingTime(host, o.at ? { at: Math.max(o.at, virtualNow(host) + DAY_MS) } : {});
  const formId = `followup-${m.start.toString(36)}`;
  await expectDone(await book('follow-ups', m, { formId }), mira, 'scheduleFollowUp');
  // The same form posted again (a double click) books nothing more.
  await expectDone(await book('follow-ups', m, { formId }), mira, 'scheduleFollowUp');
  await invitationSent('followUp', m.start);
  await untilVirtual(host, m.start + 60_000, 'the follow-up meeting to begin');
  return m;
}

const talkForm = (date: string, formId: string) => ({
  formId,
  date,
  developmentGoals: 'Arbeta självständigt med webbpublicering',
  capacityAndHours: 'Orkar sina timmar, trött på fredagar',
  workEnvironment: 'Lugnt rum fungerar bra',
  whatWorks: 'Tydliga instruktioner',
  challenges: 'Många avbrott',
  nextGoals: 'Publicera nyhetsbrevet',
  actionPlan: 'Fasta tider för frågor',
  capacityDeclined: 'no',
});

const talkCount = async () =>
  // Each recorded talk is a <details> of its own (the meeting forms' disclosures carry a class).
  ((await (await sami.get(`/cases/${mira}`)).text()).match(/<details>/g) ?? []).length;

beforeAll(async () => {
  host = await startTestHost({ timeScale: SCALE });
  hostStartedVirtual = virtualNow(host);
  await signInAll();
});

afterAll(async () => {
  await host?.stop();
});

describe('one placement from referral to closing', () => {
  it('declines a referral with a reason the referrer sees on the case page', async () => {
    mark('start');
    const period = { plannedStart: virtualDay(host, 7), plannedEnd: virtualDay(host, 300) };
    declined = await submitReferral(
      anna,
      referralForm({ ...period, participantName: 'Dina Avböjd', email: 'dina@example.se', unitId: UNIT }),
    );
    await waitForStep(coordinator, declined, 'intakeDecision');
    const notice = await waitForMail(
      host,
      'the new-referral notice',
      (m) => m.subject.startsWith('Ny anvisning') && aboutCase(m, declined),
    );
    expect(recipients(notice)).toContain(COORDINATOR);

    const reason = 'Amiralen kan inte ge det språkstöd som behövs just nu; prova Sofielunds Folkets Hus.';
    await expectDone(
      await coordinator.post(`/cases/${declined}/intake`, { decision: 'declined', reason }),
      declined,
      'decideIntake',
    );
    const closed = await pollUntil('the declined case to close', async () => {
      const c = await caseJson(anna, declined);
      return c.status === 'closed' ? c : undefined;
    });
    expect(closed.closure?.category).toBe('declinedAtIntake');
    expect(closed.place).toBeNull();
    const page = pageText(await (await anna.get(`/cases/${declined}`)).text());
    expect(page).toContain('Skäl (visas för anvisaren)');
    expect(page).toContain(reason);
    // Accepting it now is refused: the decision is taken.
    const late = await coordinator.post(`/cases/${declined}/intake`, {
      decision: 'accepted',
      reason: '',
      labourMarketStatus: 'unemployed',
      education: 'isced0to2',
      disability: 'no',
      foreignBackground: 'no',
    });
    expect(late.status).toBe(409);
    expect((await caseJson(anna, declined)).status).toBe('closed');
  });

  it('queues an accepted referral while every place of the unit is held', async () => {
    const period = { plannedStart: virtualDay(host, 7), plannedEnd: virtualDay(host, 300) };
    for (let i = 0; i < unit.places; i++) {
      const id = await submitReferral(
        anna,
        referralForm({
          ...period,
          participantName: `Fylla Plats ${i + 1}`,
          email: `fyller${i + 1}@example.se`,
          unitId: UNIT,
        }),
      );
      // The coordinators are told first; the decision opens once the workflow waits for it.
      await waitForStep(coordinator, id, 'intakeDecision');
      await acceptReferral(coordinator, id);
      expect(
        (await caseJson(coordinator, id)).place?.assignedAt,
        `filler ${i + 1} holds a place`,
      ).toBeTruthy();
      fillers.push(id);
    }

    mira = await submitReferral(
      anna,
      referralForm({
        ...period,
        participantName: 'Mira Deltagare',
        identityNumber: '19811218-9876',
        email: PARTICIPANT,
        adaptationNeeds: 'Ryggbesvär: behöver kunna växla mellan att sitta och stå',
        unitId: UNIT,
      }),
    );
    await waitForStep(coordinator, mira, 'intakeDecision');
    await acceptReferral(coordinator, mira);
    const queued = await waitForStep(coordinator, mira, 'placeAvailable');
    expect(queued.phase).toBe('queued');
    expect(queued.place?.queuedAt).toBeTruthy();
    expect(queued.place?.assignedAt).toBeUndefined();
    const page = pageText(await (await coordinator.get(`/cases/${mira}`)).text());
    expect(page).toContain('Steg I kö för en plats');
    expect(page).toContain('Plats I kö');
    // The coordinator sees the unit full and the queue in order on "Att göra".
    const todo = pageText(await (await coordinator.get('/todo')).text());
    expect(todo).toContain('Platser och kö per arbetsplats');
    expect(todo).toMatch(
      new RegExp(`InfoKooperativet Amiralen 4 / 4 .*${(await caseJson(coordinator, mira)).reference}`),
    );
    // Nothing to propose while queued: the study visit waits for a place.
    const early = await book('study-visit', meetingTime(host));
    expect(early.status).toBe(409);
    // No place has freed yet.
    expect((await mailsOf(mira)).filter((m) => m.subject.startsWith('Plats ledig'))).toEqual([]);
    mark('queued');
  });

  it('moves the queue on with a "Plats ledig" mail when a place frees', async () => {
    // The first filler's participant does not want to start after the study visit: its place frees.
    const first = fillers[0] ?? '';
    await waitForStep(coordinator, first, 'studyVisitProposal');
    const visit = meetingTime(host);
    await expectDone(
      await coordinator.post(`/cases/${first}/study-visit`, meetingFields(visit)),
      first,
      'proposeStudyVisit',
    );
    await waitForStep(coordinator, first, 'studyVisitOutcome');
    expect((await caseJson(coordinator, mira)).phase).toBe('queued');
    await expectDone(
      await coordinator.post(`/cases/${first}/study-visit/outcome`, {
        outcome: 'declined',
        declineReason: 'Vill hellre studera',
      }),
      first,
      'recordStudyVisitOutcome',
    );

    const freed = await waitForMail(
      host,
      'the "Plats ledig" mail',
      (m) => m.subject.startsWith('Plats ledig') && aboutCase(m, mira),
    );
    expect(recipients(freed)).toEqual([COORDINATOR]);
    expect(freed.body.text).toContain(unit.name);
    expect(`${freed.subject} ${freed.body.text}`).not.toMatch(/Mira|811218|Ryggbesvär/);
    const moved = await waitForStep(coordinator, mira, 'studyVisitProposal');
    expect(moved.place?.assignedAt).toBeTruthy();
    expect((await caseJson(coordinator, first)).place?.releasedAt).toBeTruthy();
    expect(pageText(await (await coordinator.get(`/cases/${mira}`)).text())).toContain('Plats Har plats');
    // The other places stay held.
    for (const id of fillers.slice(1))
      expect((await caseJson(coordinator, id)).place?.releasedAt).toBeUndefined();
    mark('place freed');
  });

  it('invites to the study visit, where the participant wants to start', async () => {
    const visit = meetingTime(host);
    await expectDone(
      await coordinator.post(`/cases/${mira}/study-visit`, meetingFields(visit)),
      mira,
      'proposeStudyVisit',
    );
    const mail = await waitForMail(
      host,
      'the study-visit invitation',
      (m) => /studiebesök/i.test(m.subject) && sentTo(m, PARTICIPANT),
    );
    // The participant's own copy (with their link); the staff in the meeting get theirs.
    expect(recipients(mail)).toEqual([PARTICIPANT]);
    expect(mail.body.text).toMatch(/\/m\/[A-Za-z0-9_-]{22,}/);
    const staffCopy = await waitForMail(
      host,
      'the staff copy',
      (m) => sameInvitation(mail)(m) && sentTo(m, CASE_OFFICER),
    );
    expect(recipients(staffCopy)).toEqual([CASE_OFFICER]);
    expect(staffCopy.body.text).not.toContain('/m/');
    const cal = calendarOf(mail);
    expect(cal.method).toBe('REQUEST');
    expect(cal.start.getTime()).toBe(visit.start);
    await waitForStep(coordinator, mira, 'studyVisitOutcome');
    await expectDone(
      await coordinator.post(`/cases/${mira}/study-visit/outcome`, { outcome: 'wantsToStart' }),
      mira,
      'recordStudyVisitOutcome',
    );
    await waitForStep(coordinator, mira, 'startupMeeting');
  });

  let startup: MeetingTime;
  it('books the start-up meeting with supervisor Sami: a calendar REQUEST to participant and supervisor', async () => {
    startup = meetingTime(host, { fromNow: DAY_MS });
    // A supervisor of another unit cannot be assigned.
    const noSupervisor = await book('startup-meeting', startup, {
      supervisorEmail: 'nobody@stadsmissionen.example',
      inviteCaseOfficer: 'no',
    });
    await expectFieldErrors(noSupervisor, ['supervisorEmail']);
    await expectDone(
      await book('startup-meeting', startup, { supervisorEmail: SUPERVISOR, inviteCaseOfficer: 'no' }),
      mira,
      'scheduleStartup',
    );

    const mail = await waitForMail(
      host,
      'the start-up invitation',
      (m) => m.subject.startsWith('Uppstartsmöte') && sentTo(m, PARTICIPANT),
    );
    // The participant's own copy (with their link); the staff in the meeting get theirs.
    expect(recipients(mail)).toEqual([PARTICIPANT]);
    expect(mail.body.text).toMatch(/\/m\/[A-Za-z0-9_-]{22,}/);
    const staffCopy = await waitForMail(
      host,
      'the staff copy',
      (m) => sameInvitation(mail)(m) && sentTo(m, SUPERVISOR),
    );
    expect(recipients(staffCopy)).toEqual([SUPERVISOR]);
    expect(staffCopy.body.text).not.toContain('/m/');
    const parsed = await parsedMail(host, mail);
    expect(parsed.subject).toContain(unit.name);
    const everything = `${parsed.subject} ${parsed.text} ${parsed.html || ''}`;
    for (const secret of ['Mira Deltagare', '198112189876', 'Ryggbesvär'])
      expect(everything).not.toContain(secret);
    const cal = calendarOf(mail);
    expect(cal.method).toBe('REQUEST');
    expect(cal.organizer).toBe(`mailto:${COORDINATOR}`);
    expect(cal.attendees).toEqual([`mailto:${PARTICIPANT}`, `mailto:${SUPERVISOR}`]);
    expect(cal.start.getTime()).toBe(startup.start);
    expect(cal.end.getTime()).toBe(startup.end);
    for (const secret of ['Mira Deltagare', '198112189876', 'Ryggbesvär'])
      expect(cal.icsText).not.toContain(secret);

    await waitForStep(coordinator, mira, 'individualPlan');
    // Sami is assigned now and sees the case.
    expect((await sami.get(`/cases/${mira}`)).status).toBe(200);
    mark('start-up booked');
  });

  let trainingStart = 0;
  it('takes the plan from Sami once the meeting has taken place', async () => {
    const startDate = stockholm(startup.start).date;
    const plan = {
      goals: 'Komma tillbaka till arbetslivet inom kommunikation',
      tasks: [TASK],
      percent: '25',
      adaptations: 'Höj- och sänkbart skrivbord',
      startDate,
    };
    // Before the meeting: refused, nothing saved.
    const tooEarly = await postForm(sami, `/cases/${mira}/plan`, plan);
    expect(tooEarly.status).toBe(409);
    const tooEarlyText = pageText(await tooEarly.text());
    expect(tooEarlyText).toContain('Mötet har inte ägt rum än');
    expect(tooEarlyText).toContain('Inget sparades');
    await untilVirtual(host, startup.start + 60_000, 'the start-up meeting to begin');
    await expectFieldErrors(await postForm(sami, `/cases/${mira}/plan`, { ...plan, percent: '30' }), [
      'percent',
    ]);
    await expectDone(await postForm(sami, `/cases/${mira}/plan`, plan), mira, 'recordPlan');
    const c = await waitForStep(coordinator, mira, 'training');
    expect(c.phase).toBe('training');
    expect(c.workingTime).toMatchObject({ percent: 25, hoursPerWeek: 10, since: startDate });
    trainingStart = Date.parse(startDate);
    mark('training started');
  });

  it('refuses an increase inside the landing period at a follow-up meeting', async () => {
    await followUpHeld();
    const increase = await postForm(
      sami,
      `/cases/${mira}/follow-ups/record`,
      followUpForm({ summary: 'Går bra, vill öka', decision: 'increase', newPercent: '40' }),
    );
    refused.landing = fieldError(await expectFieldErrors(increase, ['decision']), 'decision');
    expect(refused.landing, 'the field carries an error message').toBeDefined();
    const noOfficer = await postForm(
      sami,
      `/cases/${mira}/follow-ups/record`,
      followUpForm({
        summary: 'Går bra, vill öka',
        decision: 'increase',
        newPercent: '40',
        participantPresent: 'no',
      }),
    );
    await expectFieldErrors(noOfficer, ['decision']);
    expect((await caseJson(coordinator, mira)).workingTime?.percent).toBe(25);
    await expectDone(
      await postForm(
        sami,
        `/cases/${mira}/follow-ups/record`,
        followUpForm({ summary: 'Landar på 25 % först', decision: 'noChange' }),
      ),
      mira,
      'recordFollowUp',
    );
    mark('first follow-up recorded');
  });

  it('reminds Sami of an overdue talk, then escalates to the coordinator; the talk is recorded', async () => {
    const due = trainingStart + unit.talkIntervalDays * DAY_MS;
    const isTalk = (m: StoredMail) =>
      aboutCase(m, mira) && (m.body.text ?? '').includes('Det är dags för ett handledningssamtal');
    // Polling starts well before each notice is due, so the workflow time at which a notice is first
    // seen shows it did not come early.
    expect(virtualNow(host)).toBeLessThan(due);
    const reminder = await waitForMail(
      host,
      'the talk reminder to Sami',
      (m) => m.subject.startsWith('Påminnelse') && isTalk(m),
      realMsUntil(host, due) + 30_000,
    );
    expect(recipients(reminder)).toEqual([SUPERVISOR]);
    expect(virtualNow(host)).toBeGreaterThanOrEqual(due);
    const escalation = await waitForMail(
      host,
      'the talk escalation to the coordinator',
      (m) => m.subject.startsWith('Försenat') && isTalk(m),
      realMsUntil(host, due + 7 * DAY_MS) + 30_000,
    );
    expect(recipients(escalation)).toEqual([COORDINATOR]);
    expect(virtualNow(host)).toBeGreaterThanOrEqual(due + 7 * DAY_MS);
    expect(`${escalation.subject} ${escalation.body.text}`).not.toMatch(/Mira|811218|Ryggbesvär/);
    mark('talk escalated');

    const form = talkForm(utcDay(virtualNow(host)), `talk-${Date.now().toString(36)}`);
    await expectDone(await postForm(sami, `/cases/${mira}/talks`, form), mira, 'recordTalk');
    // The same form again (a double click): recorded once.
    await expectDone(await postForm(sami, `/cases/${mira}/talks`, form), mira, 'recordTalk');
    expect(await talkCount()).toBe(1);
  });

  let secondFollowUp: MeetingTime;
  it('increases 25 → 40 after the landing period, refusing a task change in the same decision', async () => {
    const landed = trainingStart + unit.landingWeeks * 7 * DAY_MS;
    secondFollowUp = await followUpHeld({ at: landed + 3600_000 });
    const withTaskChange = await postForm(
      sami,
      `/cases/${mira}/follow-ups/record`,
      followUpForm({
        summary: 'Landat, redo att öka',
        decision: 'increase',
        newPercent: '40',
        tasks: [TASK, OTHER_TASK],
      }),
    );
    const taskChange = await expectFieldErrors(withTaskChange, ['tasks']);
    expect(fieldError(taskChange, 'tasks')).toBe(
      'Byt inte arbetsuppgifter i samma beslut som en ökning av arbetstiden.',
    );
    await expectDone(
      await postForm(
        sami,
        `/cases/${mira}/follow-ups/record`,
        followUpForm({ summary: 'Landat, ökar till 40 %', decision: 'increase', newPercent: '40' }),
      ),
      mira,
      'recordFollowUp',
    );
    const c = await caseJson(coordinator, mira);
    expect(c.workingTime).toMatchObject({ percent: 40, hoursPerWeek: 16 });
    mark('increased to 40');
  });

  let thirdFollowUp: MeetingTime;
  it('restarts the host while training waits: the step still waits and forms still record', async () => {
    const landed = Date.parse(utcDay(secondFollowUp.start)) + unit.landingWeeks * 7 * DAY_MS;
    thirdFollowUp = meetingTime(host, { at: Math.max(landed + 3600_000, virtualNow(host) + DAY_MS) });
    await expectDone(
      await book('follow-ups', thirdFollowUp, { formId: `followup-${thirdFollowUp.start.toString(36)}` }),
      mira,
      'scheduleFollowUp',
    );
    await invitationSent('followUp', thirdFollowUp.start);
    await waitForStep(coordinator, mira, 'training');

    const before = await caseJson(coordinator, mira);
    await host.restart();
    await signInAll();
    mark('host restarted');
    const run = await sfn().send(
      new DescribeExecutionCommand({
        executionArn: `arn:aws:states:eu-north-1:000000000000:execution:stegvis-placement:case-${mira}-1`,
      }),
    );
    expect(run.status).toBe('RUNNING');
    const after = await waitForStep(coordinator, mira, 'training');
    expect(after.workingTime).toEqual(before.workingTime);
    expect(after.meetings).toEqual(before.meetings);
    // The other cases wait where they were: the fillers for a study-visit time, the closed ones closed.
    for (const id of fillers.slice(1)) await waitForStep(coordinator, id, 'studyVisitProposal');
    expect((await caseJson(coordinator, declined)).status).toBe('closed');

    // Forms still record after the restart: an activity and a talk.
    await expectDone(
      await postForm(sami, `/cases/${mira}/activities`, {
        formId: `act-${Date.now().toString(36)}`,
        kind: 'cvHelp',
        date: utcDay(virtualNow(host)),
        note: 'CV uppdaterat',
      }),
      mira,
      'logActivity',
    );
    await expectDone(
      await postForm(
        sami,
        `/cases/${mira}/talks`,
        talkForm(utcDay(virtualNow(host)), `talk-${Date.now().toString(36)}`),
      ),
      mira,
      'recordTalk',
    );
    expect(await talkCount()).toBe(2);
    await waitForStep(coordinator, mira, 'training');
  });

  it('increases 40 → 50 after the next landing period', async () => {
    await untilVirtual(host, thirdFollowUp.start + 60_000, 'the third follow-up meeting to begin');
    await expectDone(
      await postForm(
        sami,
        `/cases/${mira}/follow-ups/record`,
        followUpForm({ summary: 'Landat igen, ökar till 50 %', decision: 'increase', newPercent: '50' }),
      ),
      mira,
      'recordFollowUp',
    );
    const c = await caseJson(coordinator, mira);
    expect(c.workingTime).toMatchObject({ percent: 50, hoursPerWeek: 20 });
    const page = pageText(await (await sami.get(`/cases/${mira}`)).text());
    expect(page).toMatch(/25 % \(10 h\) – start.*40 % \(16 h\) – ökning.*50 % \(20 h\) – ökning/);
    mark('increased to 50');
  });

  it('pauses at a follow-up and resumes under the cap of the doctor statement', async () => {
    await followUpHeld();
    await expectFieldErrors(
      await postForm(
        sami,
        `/cases/${mira}/follow-ups/record`,
        followUpForm({ summary: 'Tydlig försämring', decision: 'pause' }),
      ),
      ['reason'],
    );
    await expectDone(
      await postForm(
        sami,
        `/cases/${mira}/follow-ups/record`,
        followUpForm({
          summary: 'Tydlig försämring',
          decision: 'pause',
          reason: 'Behöver vårdkontakt först',
        }),
      ),
      mira,
      'recordFollowUp',
    );
    const paused = await waitForStep(coordinator, mira, 'paused');
    expect(paused.phase).toBe('paused');

    const statement = {
      statementDate: utcDay(virtualNow(host)),
      maxPercent: '40',
      avoidTasks: 'Långa pass vid skärm',
    };
    const aboveCap = await postForm(sami, `/cases/${mira}/resume`, { ...statement, percent: '50' });
    refused.resumeAboveCap = fieldError(await expectFieldErrors(aboveCap, ['percent']), 'percent');
    expect(refused.resumeAboveCap, 'the field carries an error message').toBeDefined();
    expect((await caseJson(coordinator, mira)).phase).toBe('paused');
    await expectDone(
      await postForm(sami, `/cases/${mira}/resume`, { ...statement, percent: '40' }),
      mira,
      'resume',
    );
    const resumed = await waitForStep(coordinator, mira, 'training');
    expect(resumed.workingTime).toMatchObject({ percent: 40, hoursPerWeek: 16 });

    // Later, an increase above the cap is refused.
    await followUpHeld();
    const increase = await postForm(
      sami,
      `/cases/${mira}/follow-ups/record`,
      followUpForm({ summary: 'Vill öka igen', decision: 'increase', newPercent: '50' }),
    );
    refused.increaseAboveCap = fieldError(await expectFieldErrors(increase, ['newPercent']), 'newPercent');
    expect(refused.increaseAboveCap, 'the field carries an error message').toBeDefined();
    expect((await caseJson(coordinator, mira)).workingTime?.percent).toBe(40);
    await expectDone(
      await postForm(
        sami,
        `/cases/${mira}/follow-ups/record`,
        followUpForm({ summary: 'Stannar på 40 % enligt utlåtandet', decision: 'noChange' }),
      ),
      mira,
      'recordFollowUp',
    );
    mark('resumed');
  });

  let closingMeeting: MeetingTime;
  it('closes early: the closing meeting is booked and recorded with an outcome, and the place freed', async () => {
    await waitForStep(coordinator, mira, 'training');
    await expectDone(
      await coordinator.post(`/cases/${mira}/close-early`, {
        reason: 'gotJob',
        note: 'Anställning med lönebidrag',
      }),
      mira,
      'closeEarly',
    );
    await expectDone(
      await coordinator.post(`/cases/${mira}/close-early`, {
        reason: 'gotJob',
        note: 'Anställning med lönebidrag',
      }),
      mira,
      'closeEarly',
    );
    const moving = await coordinator.post(`/cases/${mira}/close-early`, { reason: 'movedAway', note: '' });
    expect(moving.status).toBe(409);
    await waitForStep(coordinator, mira, 'closing');

    closingMeeting = meetingTime(host);
    await expectDone(await book('closing-meeting', closingMeeting), mira, 'scheduleClosing');
    const mail = await waitForMail(
      host,
      'the closing invitation',
      (m) => m.subject.startsWith('Avslutningsmöte') && sentTo(m, PARTICIPANT),
    );
    // The participant's own copy (with their link); the staff in the meeting get theirs.
    expect(recipients(mail)).toEqual([PARTICIPANT]);
    expect(mail.body.text).toMatch(/\/m\/[A-Za-z0-9_-]{22,}/);
    const staffCopy = await waitForMail(
      host,
      'the staff copy',
      (m) => sameInvitation(mail)(m) && sentTo(m, SUPERVISOR),
    );
    expect(recipients(staffCopy)).toEqual([SUPERVISOR, CASE_OFFICER]);
    expect(staffCopy.body.text).not.toContain('/m/');
    expect(calendarOf(mail).method).toBe('REQUEST');
    await untilVirtual(host, closingMeeting.start + 60_000, 'the closing meeting to begin');

    const closing = {
      summary: 'Har gått från 25 % till 50 % och fått anställning',
      evaluation: 'Tydliga instruktioner och fasta tider fungerade',
      outcome: 'noRealisticNextStep',
      explanation: '',
      nextStepPlan: 'Börjar anställning med lönebidrag',
    };
    await expectFieldErrors(await postForm(sami, `/cases/${mira}/closing`, closing), ['explanation']);
    await expectDone(
      await postForm(sami, `/cases/${mira}/closing`, { ...closing, outcome: 'workWithSupport' }),
      mira,
      'recordClosing',
    );
    const c = await waitForStep(coordinator, mira, 'afterClosing');
    expect(c.phase).toBe('afterClosing');
    expect(c.closure?.category).toBe('closedEarly');
    expect(c.place?.releasedAt).toBeTruthy();
    expect(pageText(await (await coordinator.get(`/cases/${mira}`)).text())).toContain(
      'Utfall Arbete med stöd',
    );
    mark('closed');
  });

  it('asks the case officer four weeks after the end where the participant is, and takes the answer', async () => {
    const due = Date.parse(utcDay(closingMeeting.start)) + 28 * DAY_MS;
    expect(virtualNow(host)).toBeLessThan(due);
    const question = await waitForMail(
      host,
      'the four-week question',
      (m) => m.subject.startsWith('Uppföljning efter avslut') && aboutCase(m, mira),
      realMsUntil(host, due) + 30_000,
    );
    expect(virtualNow(host)).toBeGreaterThanOrEqual(due);
    expect(recipients(question)).toEqual([CASE_OFFICER]);
    expect(question.body.text).toContain('fyra veckor sedan avslutet');
    expect(`${question.subject} ${question.body.text}`).not.toMatch(/Mira|811218/);
    mark('four-week question');

    await waitForStep(anna, mira, 'afterClosing');
    await expectFieldErrors(await anna.post(`/cases/${mira}/after-closing`, { outcome: '', note: '' }), [
      'outcome',
    ]);
    await expectDone(
      await anna.post(`/cases/${mira}/after-closing`, {
        outcome: 'workWithSupport',
        note: 'Kvar på anställningen',
      }),
      mira,
      'recordAfterClosing',
    );
    const page = pageText(await (await anna.get(`/cases/${mira}`)).text());
    expect(page).toContain('Fyra veckor efter avslut Arbete med stöd');
    // The six-month question is not open yet.
    const early = await anna.post(`/cases/${mira}/after-closing`, { outcome: 'studiesKomvux', note: '' });
    expect(early.status).toBe(409);
    mark('answered');
  });

  // Each refusal of a rule names the rule on the page, params filled in (the work-task checkboxes
  // are checked in the flow above).
  it('names the landing rule, with the date of the next possible increase', () => {
    expect(refused.landing).toMatch(
      /landar deltagaren 4 veckor innan nästa\. Nästa ökning tidigast \d{4}-\d{2}-\d{2}/,
    );
  });
  it('names the cap of the doctor statement when resuming above it', () => {
    expect(refused.resumeAboveCap).toBe('Högst 40 % enligt läkarutlåtandet.');
  });
  it('names the cap of the doctor statement when increasing above it', () => {
    expect(refused.increaseAboveCap).toBe('Högst 40 % enligt läkarutlåtandet.');
  });
});
