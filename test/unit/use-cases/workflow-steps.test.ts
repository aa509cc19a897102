import { describe, expect, it } from 'vitest';
import { type CaseRecord, DAY_MS } from '#core/case';
import { NotFoundError, StepAlreadyDone } from '#core/errors';
import { CLOCKS, type ClockDecl, MAX_WAIT_SECONDS } from '#core/process/declaration';
import { invitationPending } from '#core/process/derive';
import { hashToken } from '#core/use-cases/participant-links';
import {
  awaitStep,
  closeCase,
  continueSegment,
  handleDeadlines,
  loadCase,
  notifyNewReferral,
  recipientsOf,
  recordFailure,
  releasePlace,
  sendInvitations,
} from '#core/use-cases/workflow-steps';
import { newCaseRecord } from '#test/support/records';
import {
  COORDINATOR_EMAIL,
  caseIn,
  HOUR_MS,
  iso,
  isoDay,
  meeting,
  SUPERVISOR_EMAIL,
  T0,
  UNIT,
  waitingOn,
  world,
} from '#test/support/use-case-world';

const ID = 'case00000001';
const OFFICER = 'anna@malmo.example';

/** A referral made `ago` ms before T0 whose coordinators have been told. */
const referral = (ago: number, extra: Partial<CaseRecord> = {}) => ({
  ...newCaseRecord(ID, T0 - ago),
  notifiedCoordinatorsAt: iso(T0 - ago),
  ...extra,
});

describe('loadCase', () => {
  it('routes a new referral to telling the coordinators, without a wait', async () => {
    const w = world();
    await w.seed(newCaseRecord(ID, T0));
    expect(await loadCase(w.deps, ID)).toEqual({
      caseId: ID,
      loop: 1,
      route: 'NotifyCoordinators',
      waitSeconds: 1,
      version: 1,
    });
  });

  it('waits on a human step until its earliest reminder', async () => {
    const w = world();
    await w.seed(referral(0));
    expect(await loadCase(w.deps, ID, 4)).toEqual({
      caseId: ID,
      loop: 5,
      route: 'AwaitIntakeDecision',
      waitSeconds: 2 * 24 * 3600,
      version: 1,
    });
  });

  it('rounds a wait up to whole seconds, and waits at least one', async () => {
    const w = world();
    await w.seed(referral(2 * DAY_MS - 1500));
    expect((await loadCase(w.deps, ID)).waitSeconds).toBe(2);
    const overdue = world();
    await overdue.seed(referral(9 * DAY_MS));
    expect((await loadCase(overdue.deps, ID)).waitSeconds).toBe(1);
  });

  it('re-checks the queue weekly and waits at most 30 days otherwise', async () => {
    const w = world();
    await w.seed(
      caseIn('queued', 'queued000001'),
      caseIn('afterClosing', 'after0000001', T0, {
        afterClosing: {
          fourWeeks: { outcome: 'jobSeeking', note: '', recordedAt: iso(T0), recordedBy: 'r1' },
        },
      }),
    );
    expect(await loadCase(w.deps, 'queued000001')).toMatchObject({
      route: 'AwaitPlaceAvailable',
      waitSeconds: 7 * 24 * 3600,
    });
    expect(await loadCase(w.deps, 'after0000001')).toMatchObject({
      route: 'AwaitAfterClosing',
      waitSeconds: MAX_WAIT_SECONDS,
    });
  });

  it('drops the token of a step that is done, and keeps the one of the step still waiting', async () => {
    const w = world();
    await w.seed(
      caseIn('training', 'done00000001', T0, waitingOn('intakeDecision')),
      caseIn('training', 'still0000001', T0, waitingOn('training')),
      {
        ...caseIn('studyVisitScheduling', 'task00000001', T0, waitingOn('studyVisitProposal')),
        studyVisit: {
          start: iso(T0 + DAY_MS),
          end: iso(T0 + DAY_MS + HOUR_MS),
          location: 'X',
          organizer: { name: 'Karin', email: COORDINATOR_EMAIL },
          sequence: 0,
        },
      },
    );
    expect(await loadCase(w.deps, 'done00000001')).toMatchObject({ route: 'AwaitTraining', version: 2 });
    expect((await w.get('done00000001')).waiting).toBeUndefined();
    expect(await loadCase(w.deps, 'still0000001')).toMatchObject({ route: 'AwaitTraining', version: 1 });
    expect((await w.get('still0000001')).waiting?.token).toBe('token-training');
    expect(await loadCase(w.deps, 'task00000001')).toMatchObject({
      route: 'SendInvitation',
      waitSeconds: 1,
      version: 2,
    });
    expect((await w.get('task00000001')).waiting).toBeUndefined();
  });

  it('continues as new past the segment’s loop limit', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    expect(await loadCase(w.deps, ID, 101)).toMatchObject({
      route: 'ContinueAsNew',
      loop: 102,
      waitSeconds: 1,
    });
  });

  it('refuses a case that does not exist', async () => {
    await expect(loadCase(world().deps, ID)).rejects.toThrow(NotFoundError);
  });
});

describe('awaitStep', () => {
  it('keeps the task token of the step the record waits on', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    w.clock.set(T0 + 7);
    await awaitStep(w.deps, ID, 'training', 'tok-42', 1);
    const after = await w.get(ID);
    expect(after.waiting).toEqual({ step: 'training', token: 'tok-42', since: iso(T0 + 7) });
    expect(after.version).toBe(2);
    await awaitStep(w.deps, ID, 'training', 'tok-43');
    expect((await w.get(ID)).waiting?.token).toBe('tok-43');
  });

  it('is refused at a segment boundary: the execution has run too long', async () => {
    const w = world();
    await w.seed(
      caseIn('training', ID, T0, {
        execution: { segment: 1, name: `case-${ID}-1`, startedAt: iso(T0 - 301 * DAY_MS) },
      }),
    );
    await expect(awaitStep(w.deps, ID, 'training', 'tok', 1)).rejects.toThrow(StepAlreadyDone);
    expect((await w.get(ID)).waiting).toBeUndefined();
  });

  it('is refused for a step that is done, or when the record changed since it was read', async () => {
    const w = world();
    await w.seed(caseIn('training', ID), caseIn('closed', 'closed000001'));
    await expect(awaitStep(w.deps, ID, 'intakeDecision', 'tok')).rejects.toThrow(
      new StepAlreadyDone('Step intakeDecision is already done'),
    );
    await expect(awaitStep(w.deps, ID, 'training', 'tok', 0)).rejects.toThrow(
      new StepAlreadyDone('The case changed since it was read (0 → 1)'),
    );
    await expect(awaitStep(w.deps, 'closed000001', 'afterClosing', 'tok')).rejects.toThrow(StepAlreadyDone);
    expect((await w.get(ID)).waiting).toBeUndefined();
    expect((await w.get(ID)).version).toBe(1);
  });
});

describe('recipientsOf', () => {
  const c = caseIn('training');
  it('names the people a notice goes to, the coordinators standing in for someone missing', () => {
    expect(recipientsOf(c, UNIT, 'coordinators')).toEqual([COORDINATOR_EMAIL]);
    expect(recipientsOf(c, UNIT, 'supervisor')).toEqual([SUPERVISOR_EMAIL]);
    expect(recipientsOf({ ...c, supervisor: undefined }, UNIT, 'supervisor')).toEqual([COORDINATOR_EMAIL]);
    expect(recipientsOf(c, UNIT, 'caseOfficer')).toEqual([OFFICER]);
    expect(recipientsOf(c, undefined, 'caseOfficer')).toEqual([OFFICER]);
    expect(recipientsOf(c, undefined, 'coordinators')).toEqual([]);
    const organizer = {
      ...c,
      meetings: [...c.meetings, meeting('followUp', T0, { organizer: { name: 'S', email: 's@x.se' } })],
    };
    expect(recipientsOf(organizer, UNIT, 'organizer', CLOCKS.followUpRecord as ClockDecl)).toEqual([
      's@x.se',
    ]);
    expect(recipientsOf(c, UNIT, 'organizer', CLOCKS.followUpRecord as ClockDecl)).toEqual([
      COORDINATOR_EMAIL,
    ]);
    expect(recipientsOf(c, UNIT, 'organizer')).toEqual([COORDINATOR_EMAIL]);
    expect(recipientsOf(c, UNIT, 'organizer', CLOCKS.talk as ClockDecl)).toEqual([COORDINATOR_EMAIL]);
  });
});

describe('handleDeadlines', () => {
  it('sends a due reminder once and records it', async () => {
    const w = world();
    await w.seed(referral(3 * DAY_MS, waitingOn('intakeDecision')));
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 1, reminders: 1, escalations: 0 });
    const after = await w.get(ID);
    expect(w.mail.sent).toHaveLength(1);
    expect(w.mail.sent[0]).toMatchObject({
      to: [COORDINATOR_EMAIL],
      subject: `Påminnelse: ta emot eller avböj anvisningen – ${after.reference}`,
    });
    expect(w.mail.sent[0]?.text).toContain(`https://stegvis.example/cases/${ID}`);
    expect(after.notices).toEqual({
      intakeDecision: { period: T0 - DAY_MS, reminders: 1, lastReminderAt: T0 },
    });
    expect(after.version).toBe(2);
    // Nothing more is due until the repeat two days on.
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 0, reminders: 0, escalations: 0 });
    expect((await w.get(ID)).version).toBe(2);
    w.clock.set(T0 + 2 * DAY_MS);
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 1, reminders: 1, escalations: 0 });
    expect((await w.get(ID)).notices.intakeDecision).toEqual({
      period: T0 - DAY_MS,
      reminders: 2,
      lastReminderAt: T0 + 2 * DAY_MS,
    });
  });

  it('reminds the supervisor and escalates to the coordinators, in order', async () => {
    const w = world();
    const startup = meeting('startup', T0 - 10 * DAY_MS, { attendees: ['participant', 'supervisor'] });
    await w.seed(caseIn('startupPlanning', ID, T0, { meetings: [startup] }));
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 2, reminders: 1, escalations: 1 });
    const ref = (await w.get(ID)).reference;
    expect(w.mail.sent.map((m) => [m.to, m.subject])).toEqual([
      [[SUPERVISOR_EMAIL], `Påminnelse: skriv in den individuella planeringen – ${ref}`],
      [[COORDINATOR_EMAIL], `Försenat: skriv in den individuella planeringen – ${ref}`],
    ]);
    const period = Date.parse(startup.end) + DAY_MS;
    expect((await w.get(ID)).notices.individualPlan).toEqual({
      period,
      reminders: 1,
      lastReminderAt: T0,
      escalatedAt: T0,
    });
  });

  it('asks the case officer where the participant is now, four weeks after the end', async () => {
    const w = world();
    await w.seed(caseIn('afterClosing', ID));
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 1, reminders: 1, escalations: 0 });
    const after = await w.get(ID);
    expect(w.mail.sent[0]).toMatchObject({
      to: [OFFICER],
      subject: `Uppföljning efter avslut, fyra veckor: ${after.reference}`,
    });
    expect(w.mail.sent[0]?.text).toContain('fyra veckor sedan avslutet');
    expect(after.status).toBe('active');
  });

  it('records a notice nobody can receive as sent', async () => {
    const w = world();
    await w.seed(referral(3 * DAY_MS, { unitId: 'nowhere' }));
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 1, reminders: 1, escalations: 0 });
    expect(w.mail.sent).toEqual([]);
    expect((await w.get(ID)).notices.intakeDecision?.reminders).toBe(1);
  });

  it('moves the queue of a queued case', async () => {
    const w = world();
    await w.seed(caseIn('queued', ID));
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 0, reminders: 0, escalations: 0 });
    expect((await w.get(ID)).place?.assignedAt).toBe(iso(T0));
    expect(w.mail.sent.map((m) => m.subject)).toEqual([expect.stringMatching(/^Plats ledig/)]);
  });

  it('reminds to book the closing meeting of a case closed before training began', async () => {
    const w = world();
    await w.seed(
      caseIn('startupScheduling', ID, T0, {
        closing: { early: { reason: 'left', note: '', at: iso(T0 - 3 * DAY_MS), by: 'c1' } },
      }),
    );
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 1, reminders: 1, escalations: 0 });
    expect(w.mail.sent[0]?.text).toContain('Boka avslutningsmötet');
    expect((await w.get(ID)).notices.closingMeeting).toEqual({
      period: T0 - DAY_MS,
      reminders: 1,
      lastReminderAt: T0,
    });
  });

  it('moves the queue only from a queued case', async () => {
    const w = world();
    await w.seed(caseIn('training', ID), caseIn('queued', 'queued000001'));
    await handleDeadlines(w.deps, ID);
    expect((await w.get('queued000001')).phase).toBe('queued');
  });

  it('asks again six months after the end, in the words of the follow-up after closing', async () => {
    const fourWeeks = { outcome: 'jobSeeking' as const, note: '', recordedAt: iso(T0), recordedBy: 'r1' };
    const base = caseIn('afterClosing', ID, T0, { afterClosing: { fourWeeks } });
    const w = world({ now: T0 + 200 * DAY_MS });
    await w.seed(base);
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 1, reminders: 1, escalations: 0 });
    expect(w.mail.sent.map((m) => [m.to, m.subject])).toEqual([
      [[OFFICER], `Uppföljning efter avslut, sex månader: ${base.reference}`],
    ]);
    expect(w.mail.sent[0]?.text).toContain('sex månader sedan avslutet');
    expect((await w.get(ID)).notices.afterClosingSixMonths?.reminders).toBe(1);
  });

  it('writes nothing for a case with nothing due, however old', async () => {
    const w = world();
    await w.seed(caseIn('queued', ID, T0, { updatedAt: iso(T0 - 400 * DAY_MS) }));
    w.repo.places.set('remake', 2);
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 0, reminders: 0, escalations: 0 });
    expect((await w.get(ID)).version).toBe(1);
  });

  it('closes the case once both answers after closing are in', async () => {
    const answer = { outcome: 'jobSeeking' as const, note: '', recordedAt: iso(T0), recordedBy: 'r1' };
    const w = world();
    await w.seed(
      caseIn('afterClosing', ID, T0, {
        afterClosing: { fourWeeks: answer, sixMonths: answer },
        ...waitingOn('afterClosing'),
      }),
    );
    // (Both answers would have closed it when the second was given; a record left open is closed here.)
    expect(await handleDeadlines(w.deps, ID)).toEqual({ sent: 0, reminders: 0, escalations: 0 });
    const after = await w.get(ID);
    expect(after.status).toBe('closed');
    expect(after.waiting).toBeUndefined();
    const one = world();
    await one.seed(caseIn('afterClosing', ID, T0, { afterClosing: { fourWeeks: answer } }));
    await handleDeadlines(one.deps, ID);
    expect((await one.get(ID)).status).toBe('active');
  });

  it('ends the follow-ups seven weeks after the six-month question could have gone', async () => {
    const endedOn = isoDay(T0 - 300 * DAY_MS);
    const end = new Date(`${endedOn}T00:00:00Z`);
    end.setUTCMonth(end.getUTCMonth() + 6);
    const over = end.getTime() + 49 * DAY_MS;
    const closingOn = (c: CaseRecord, on: string | undefined) => ({ ...c.closing, endedOn: on });
    const base = caseIn('afterClosing', ID);
    const w = world({ now: over });
    await w.seed({ ...base, closing: closingOn(base, endedOn) });
    await handleDeadlines(w.deps, ID);
    expect((await w.get(ID)).status).toBe('active');
    w.clock.set(over + 1);
    await handleDeadlines(w.deps, ID);
    expect((await w.get(ID)).status).toBe('closed');
    // Without the end day the last change of the record counts.
    const w2 = world({ now: over + 1 });
    await w2.seed({ ...base, closing: closingOn(base, undefined), updatedAt: `${endedOn}T00:00:00.000Z` });
    await handleDeadlines(w2.deps, ID);
    expect((await w2.get(ID)).status).toBe('closed');
  });
});

describe('notifyNewReferral', () => {
  it('tells the unit’s coordinators once', async () => {
    const w = world();
    await w.seed(newCaseRecord(ID, T0));
    w.clock.set(T0 + 100);
    expect(await notifyNewReferral(w.deps, ID)).toEqual({ sent: true });
    const after = await w.get(ID);
    expect(after.notifiedCoordinatorsAt).toBe(iso(T0 + 100));
    expect(w.mail.sent).toHaveLength(1);
    expect(w.mail.sent[0]).toMatchObject({
      to: [COORDINATOR_EMAIL],
      subject: `Ny anvisning till ${UNIT.name}: ${after.reference}`,
    });
    expect(await notifyNewReferral(w.deps, ID)).toEqual({ sent: false });
    expect(w.mail.sent).toHaveLength(1);
    expect((await w.get(ID)).version).toBe(2);
  });

  it('marks a referral to a unit without coordinators as told, sending nothing', async () => {
    const w = world();
    await w.seed(newCaseRecord(ID, T0), { ...newCaseRecord('case00000002', T0), unitId: 'nowhere' });
    const none = world({ units: [{ ...UNIT, coordinatorEmails: [] }] });
    await none.seed(newCaseRecord(ID, T0));
    expect(await notifyNewReferral(w.deps, 'case00000002')).toEqual({ sent: false });
    expect(await notifyNewReferral(none.deps, ID)).toEqual({ sent: false });
    expect(w.mail.sent).toEqual([]);
    expect(none.mail.sent).toEqual([]);
    expect((await w.get('case00000002')).notifiedCoordinatorsAt).toBe(iso(T0));
    expect((await none.get(ID)).notifiedCoordinatorsAt).toBe(iso(T0));
  });
});

describe('sendInvitations', () => {
  const visit = (sequence = 0, extra = {}) => ({
    start: iso(T0 + 2 * DAY_MS),
    end: iso(T0 + 2 * DAY_MS + HOUR_MS),
    location: 'REMAKE',
    organizer: { name: 'Karin', email: COORDINATOR_EMAIL },
    sequence,
    ...extra,
  });
  /** The participant's own link in a mail: the token in `${baseUrl}/m/<token>`. */
  const tokenIn = (text = '') => /https:\/\/stegvis\.example\/m\/([A-Za-z0-9_-]+)/.exec(text)?.[1];

  it('sends the study-visit invitation: the participant’s own copy with a link, the case officer’s as it is', async () => {
    const w = world();
    await w.seed(caseIn('studyVisitScheduling', ID, T0, { studyVisit: visit() }));
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 1 });
    expect(w.mail.sent.map((m) => m.to)).toEqual([['p@example.se'], [OFFICER]]);
    for (const m of w.mail.sent)
      expect(m.calendar).toMatchObject({
        uid: `${ID}-study-visit@stegvis`,
        sequence: 0,
        method: 'REQUEST',
        organizer: { name: 'Karin', email: COORDINATOR_EMAIL },
      });
    const token = tokenIn(w.mail.sent[0]?.text);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(tokenIn(w.mail.sent[1]?.text)).toBeUndefined();
    // Only the hash of the link's id is stored.
    expect([...w.repo.links.values()]).toEqual([
      {
        hash: hashToken(token ?? ''),
        caseId: ID,
        meetingId: 'study-visit',
        sequence: 0,
        createdAt: iso(T0),
        expiresAt: Math.floor((T0 + 2 * DAY_MS + HOUR_MS) / 1000) + 30 * 86_400,
      },
    ]);
    const after = await w.get(ID);
    expect(after.studyVisit?.invitationSentForSequence).toBe(0);
    expect(after.phase).toBe('studyVisitInvited');
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 0 });
    expect(w.mail.sent).toHaveLength(2);
  });

  it('sends a moved visit again with a new link, and none once the outcome is in', async () => {
    const w = world();
    await w.seed(
      caseIn('studyVisitScheduling', ID, T0, { studyVisit: visit(1, { invitationSentForSequence: 0 }) }),
      caseIn('studyVisitScheduling', 'case00000002', T0, {
        studyVisit: visit(0, { outcome: 'wantsToStart' }),
      }),
    );
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 1 });
    expect(w.mail.sent.map((m) => m.calendar?.sequence)).toEqual([1, 1]);
    expect([...w.repo.links.values()].map((l) => l.sequence)).toEqual([1]);
    expect((await w.get(ID)).studyVisit?.invitationSentForSequence).toBe(1);
    expect(await sendInvitations(w.deps, 'case00000002')).toEqual({ sent: 0 });
    expect(w.mail.sent).toHaveLength(2);
  });

  it('sends each meeting’s invitation to those in it but the organizer, the participant apart', async () => {
    const w = world();
    const startup = meeting('startup', T0 + DAY_MS, {
      invitationSentForSequence: undefined,
      attendees: ['participant', 'supervisor', 'caseOfficer'],
      organizer: { name: 'Anna', email: OFFICER },
    });
    const followUp = meeting('followUp', T0 + 2 * DAY_MS, { sequence: 2, invitationSentForSequence: 1 });
    const sent = meeting('closing', T0 + 3 * DAY_MS);
    await w.seed(
      caseIn('startupScheduling', ID, T0, {
        supervisor: { name: 'Sami', email: SUPERVISOR_EMAIL },
        meetings: [startup, followUp, sent],
        studyVisit: { ...visit(0, { outcome: 'wantsToStart' }) },
      }),
    );
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 2 });
    expect(w.mail.sent.map((m) => [m.to, m.calendar?.uid, m.calendar?.sequence, !!tokenIn(m.text)])).toEqual([
      [['p@example.se'], `${ID}-startup-1@stegvis`, 0, true],
      [[SUPERVISOR_EMAIL], `${ID}-startup-1@stegvis`, 0, false],
      [['p@example.se'], `${ID}-followUp-1@stegvis`, 2, true],
      [[SUPERVISOR_EMAIL, OFFICER], `${ID}-followUp-1@stegvis`, 2, false],
    ]);
    expect([...w.repo.links.values()].map((l) => [l.meetingId, l.sequence])).toEqual([
      ['startup-1', 0],
      ['followUp-1', 2],
    ]);
    const after = await w.get(ID);
    expect(after.meetings.map((m) => m.invitationSentForSequence)).toEqual([0, 2, 0]);
    expect(after.version).toBe(3);
  });

  it('sends no link when the participant is not in the meeting', async () => {
    const w = world();
    await w.seed(
      caseIn('startupPlanning', ID, T0, {
        meetings: [
          meeting('startup', T0 + DAY_MS, {
            invitationSentForSequence: undefined,
            attendees: ['supervisor'],
          }),
        ],
      }),
    );
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 1 });
    expect(w.mail.sent.map((m) => m.to)).toEqual([[SUPERVISOR_EMAIL]]);
    expect(w.repo.links.size).toBe(0);
  });

  it('does not mark an invitation sent when the visit or meeting was moved while it went out', async () => {
    const w = world();
    await w.seed(
      caseIn('studyVisitScheduling', ID, T0, {
        studyVisit: visit(),
        meetings: [meeting('startup', T0 + DAY_MS, { invitationSentForSequence: undefined })],
      }),
    );
    const send = w.mail.send.bind(w.mail);
    w.mail.send = async (m) => {
      const c = await w.get(ID);
      const moved = structuredClone(c);
      if (m.calendar?.uid.endsWith('study-visit@stegvis') && moved.studyVisit) moved.studyVisit.sequence += 1;
      else for (const x of moved.meetings) x.sequence += 1;
      await w.repo.saveCase({ ...moved, version: c.version + 1 });
      return send(m);
    };
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 2 });
    const after = await w.get(ID);
    expect(after.studyVisit?.invitationSentForSequence).toBeUndefined();
    expect(after.meetings[0]?.invitationSentForSequence).toBeUndefined();
  });

  it('sends nothing for a meeting cancelled before its invitation went out, and leaves nothing pending', async () => {
    const w = world();
    await w.seed(
      caseIn('startupPlanning', ID, T0, {
        meetings: [
          meeting('startup', T0 + DAY_MS, {
            invitationSentForSequence: undefined,
            sequence: 1,
            cancelledAt: iso(T0),
          }),
        ],
      }),
    );
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 0 });
    expect(w.mail.sent).toEqual([]);
    // In nobody's calendar: nothing to send, and the workflow does not route to sending it.
    expect(invitationPending(await w.get(ID))).toBe(false);
  });

  it('sends the cancellation of a meeting whose invitation went out to everyone, the participant’s copy apart, without a link', async () => {
    const w = world();
    await w.seed(
      caseIn('startupPlanning', ID, T0, {
        meetings: [
          meeting('startup', T0 + DAY_MS, {
            sequence: 1,
            invitationSentForSequence: 0,
            cancelledAt: iso(T0),
          }),
        ],
      }),
    );
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 1 });
    expect(w.mail.sent.map((m) => m.to)).toEqual([['p@example.se'], [SUPERVISOR_EMAIL, OFFICER]]);
    for (const m of w.mail.sent) {
      expect(m.calendar).toMatchObject({ method: 'CANCEL', sequence: 1 });
      expect(m.calendar?.attendees.map((a) => a.email)).toEqual(['p@example.se', SUPERVISOR_EMAIL, OFFICER]);
      expect(tokenIn(m.text)).toBeUndefined();
    }
    expect(w.repo.links.size).toBe(0);
    expect((await w.get(ID)).meetings[0]?.invitationSentForSequence).toBe(1);
  });

  it('sends the visit and a meeting in one go', async () => {
    const w = world();
    await w.seed(
      caseIn('studyVisitScheduling', ID, T0, {
        studyVisit: visit(),
        meetings: [meeting('startup', T0 + DAY_MS, { invitationSentForSequence: undefined })],
      }),
    );
    expect(await sendInvitations(w.deps, ID)).toEqual({ sent: 2 });
  });
});

describe('releasePlace', () => {
  it('gives the place back once, and the queue moves', async () => {
    const w = world();
    const closed = caseIn('afterClosing', ID);
    await w.seed(
      { ...closed, place: { assignedAt: iso(T0 - 89 * DAY_MS) } },
      caseIn('queued', 'queued000001'),
    );
    w.repo.places.set('remake', 2);
    w.clock.set(T0 + 9);
    expect(await releasePlace(w.deps, ID)).toEqual({ released: true, moved: 1 });
    expect((await w.get(ID)).place).toEqual({ assignedAt: iso(T0 - 89 * DAY_MS), releasedAt: iso(T0 + 9) });
    expect((await w.get('queued000001')).place?.assignedAt).toBe(iso(T0 + 9));
    expect(await w.repo.placesInUse('remake')).toBe(2);
    expect(await releasePlace(w.deps, ID)).toEqual({ released: false, moved: 0 });
    expect(await w.repo.placesInUse('remake')).toBe(2);
  });

  it('gives back nothing for a case that never held a place', async () => {
    const w = world();
    await w.seed({
      ...caseIn('intake', ID),
      intake: { decision: 'declined', reason: 'x', decidedAt: iso(T0), decidedBy: 'c1' },
    });
    w.repo.places.set('remake', 1);
    expect(await releasePlace(w.deps, ID)).toEqual({ released: false, moved: 0 });
    expect(await w.repo.placesInUse('remake')).toBe(1);
  });
});

describe('closeCase', () => {
  it('closes a case declined at intake with its reason', async () => {
    const w = world();
    await w.seed({
      ...caseIn('intake', ID, T0, waitingOn('intakeDecision')),
      intake: { decision: 'declined', reason: 'Ingen plats', decidedAt: iso(T0), decidedBy: 'c1' },
    });
    w.clock.set(T0 + 3);
    await closeCase(w.deps, ID);
    const after = await w.get(ID);
    expect(after.status).toBe('closed');
    expect(after.phase).toBe('closed');
    expect(after.closure).toEqual({
      category: 'declinedAtIntake',
      reason: 'Ingen plats',
      closedAt: iso(T0 + 3),
    });
    expect(after.waiting).toBeUndefined();
  });

  it('closes a case declined after the study visit with the participant’s reason', async () => {
    const w = world();
    const c = caseIn('studyVisitInvited', ID);
    await w.seed({ ...c, studyVisit: { ...c.studyVisit!, outcome: 'declined', declineReason: 'Vill inte' } });
    await closeCase(w.deps, ID);
    expect((await w.get(ID)).closure).toEqual({
      category: 'declinedAfterStudyVisit',
      reason: 'Vill inte',
      closedAt: iso(T0),
    });
  });

  it('closes anything else as completed, and leaves a closed case as it is', async () => {
    const w = world();
    await w.seed(
      { ...caseIn('intake', ID), intake: { decision: 'declined', decidedAt: iso(T0), decidedBy: 'c1' } },
      caseIn('training', 'case00000002'),
      caseIn('closed', 'case00000003'),
    );
    await closeCase(w.deps, ID);
    expect((await w.get(ID)).closure).toMatchObject({ category: 'declinedAtIntake', reason: '' });
    await closeCase(w.deps, 'case00000002');
    expect((await w.get('case00000002')).closure).toEqual({
      category: 'completed',
      reason: '',
      closedAt: iso(T0),
    });
    await closeCase(w.deps, 'case00000003');
    expect((await w.get('case00000003')).version).toBe(1);
    // A case that never had a study visit.
    const w2 = world();
    await w2.seed(caseIn('queued', ID));
    await closeCase(w2.deps, ID);
    expect((await w2.get(ID)).closure).toEqual({ category: 'completed', reason: '', closedAt: iso(T0) });
  });
});

describe('recordFailure', () => {
  it('records the failed state and the error’s name only, once', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    expect(await recordFailure(w.deps, ID, 'SendInvitation', 'MailDeliveryError')).toEqual({
      recorded: true,
    });
    expect((await w.get(ID)).problem).toEqual({
      state: 'SendInvitation',
      error: 'MailDeliveryError',
      at: iso(T0),
    });
    await recordFailure(w.deps, ID, 'ReleasePlace', 'Other');
    expect((await w.get(ID)).problem?.state).toBe('SendInvitation');
    expect((await w.get(ID)).version).toBe(2);
  });

  it('never keeps a message that could carry personal data, and keeps names short', async () => {
    const cases: [string, string, string, string][] = [
      ['Lambda.Unknown', 'Lambda.Unknown', 'S', 'S'],
      ['mail to p@example.se failed', 'Error', 'S', 'S'],
      ['x'.repeat(80), 'x'.repeat(80), 's'.repeat(100), 's'.repeat(80)],
      ['x'.repeat(81), 'Error', 'S', 'S'],
      ['', 'Error', '', ''],
      ['Bad\nName', 'Error', 'S', 'S'],
    ];
    for (const [error, kept, state, keptState] of cases) {
      const w = world();
      await w.seed(caseIn('training', ID));
      await recordFailure(w.deps, ID, state, error);
      expect((await w.get(ID)).problem).toMatchObject({ error: kept, state: keptState });
    }
  });
});

describe('continueSegment', () => {
  it('names the next segment and starts it', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    expect(await continueSegment(w.deps, ID, `case-${ID}-1`)).toEqual({ next: `case-${ID}-2` });
    expect((await w.get(ID)).execution.segment).toBe(2);
    expect(w.workflow.started).toEqual([{ name: `case-${ID}-2`, input: { caseId: ID } }]);
  });

  it('starts the same next segment again when retried', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    await continueSegment(w.deps, ID, `case-${ID}-1`);
    expect(await continueSegment(w.deps, ID, `case-${ID}-1`)).toEqual({ next: `case-${ID}-2` });
    expect((await w.get(ID)).version).toBe(2);
    expect(w.workflow.started.map((s) => s.name)).toEqual([`case-${ID}-2`, `case-${ID}-2`]);
  });

  it('moves on without the current execution’s name', async () => {
    const w = world();
    await w.seed(caseIn('training', ID));
    expect(await continueSegment(w.deps, ID)).toEqual({ next: `case-${ID}-2` });
  });
});
