import { describe, expect, it } from 'vitest';
import { type CaseRecord, DAY_MS, type StudyVisit } from '#core/case';
import { StepNotWaitingError, TransientError } from '#core/errors';
import { meetingViews } from '#core/meeting-view';
import { invitationPending, nextRoute } from '#core/process/derive';
import { dueMeetingReminders, nextMeetingReminderAt, reminderAt } from '#core/process/meeting-reminders';
import { correctAddress } from '#core/use-cases/addresses';
import { recordMailEvent } from '#core/use-cases/mail-events';
import { cancelMeeting, moveMeeting } from '#core/use-cases/meetings';
import { MAIL_LEASE_MS, sendOnce } from '#core/use-cases/outbox';
import { answerLink, type LinkGoneError, openLink } from '#core/use-cases/participant-links';
import { proposeStudyVisit } from '#core/use-cases/study-visit';
import { handleDeadlines, loadCase, sendInvitations } from '#core/use-cases/workflow-steps';
import { participantAnswers, todo, worklist } from '#core/use-cases/worklist';
import {
  ADMIN,
  CASE_OFFICER,
  COORDINATOR,
  COORDINATOR_EMAIL,
  caseIn,
  failure,
  HOUR_MS,
  iso,
  issueCodes,
  meeting,
  meetingForm,
  SUPERVISOR,
  SUPERVISOR_EMAIL,
  T0,
  tenOclock,
  waitingOn,
  world,
} from '#test/support/use-case-world';

/**
 * The life of a meeting in mail beyond its invitation: the reminder the day before, the study
 * visit moved and cancelled like any meeting, each mail sent once per intent, and an address that
 * bounced, checked by the coordinator and sent to again.
 */
const ID = 'case00000001';
const OFFICER = 'anna@malmo.example';
const tokenIn = (text = '') => /https:\/\/stegvis\.example\/m\/([A-Za-z0-9_-]+)/.exec(text)?.[1];

/** A training case with a follow-up meeting `days` ahead, its invitation sent, booked a week before. */
function withFollowUp(days: number, over: Parameters<typeof meeting>[2] = {}): CaseRecord {
  return caseIn('training', ID, T0, {
    meetings: [
      ...caseIn('training').meetings,
      meeting('followUp', T0 + days * DAY_MS, { scheduledAt: iso(T0 - 7 * DAY_MS), ...over }),
    ],
  });
}

describe('the reminder the day before a meeting', () => {
  it('is due 24 hours before the meeting, once per SEQUENCE, after its invitation', () => {
    const c = withFollowUp(3);
    const [followUp] = meetingViews(c).filter((m) => m.kind === 'followUp');
    if (!followUp) throw new Error('no follow-up');
    expect(reminderAt(followUp)).toBe(T0 + 2 * DAY_MS);
    expect(reminderAt({ ...followUp, reminderSentForSequence: 0 })).toBeUndefined();
    expect(reminderAt({ ...followUp, invitationSentForSequence: undefined })).toBeUndefined();
    expect(reminderAt({ ...followUp, cancelled: true })).toBeUndefined();
    expect(reminderAt({ ...followUp, done: true })).toBeUndefined();
    // Booked less than a day ahead: the invitation was the notice.
    expect(reminderAt({ ...followUp, bookedAt: iso(T0 + 2 * DAY_MS + HOUR_MS) })).toBeUndefined();
    expect(nextMeetingReminderAt(c, T0)).toBe(T0 + 2 * DAY_MS);
    expect(dueMeetingReminders(c, T0)).toEqual([]);
    expect(dueMeetingReminders(c, T0 + 2 * DAY_MS).map((m) => m.meetingId)).toEqual(['followUp-1']);
    // Once the meeting has begun, no reminder.
    expect(dueMeetingReminders(c, T0 + 3 * DAY_MS)).toEqual([]);
  });

  it('makes the waiting step wake for it', async () => {
    const w = world();
    await w.seed(withFollowUp(3));
    const load = await loadCase(w.deps, ID);
    expect(load.route).toBe('AwaitTraining');
    expect(load.waitSeconds).toBeLessThanOrEqual(2 * 24 * 3600);
  });

  it('is sent by HandleDeadlines to everyone in the meeting, the participant with a link, and recorded', async () => {
    const w = world({ now: T0 + 2 * DAY_MS });
    await w.seed(withFollowUp(3));
    await handleDeadlines(w.deps, ID);
    const reminders = w.mail.sent.filter((m) => m.subject.startsWith('Påminnelse: Uppföljningsmöte'));
    expect(reminders.map((m) => m.to)).toEqual([['p@example.se'], [SUPERVISOR_EMAIL, OFFICER]]);
    expect(tokenIn(reminders[0]?.text)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(tokenIn(reminders[1]?.text)).toBeUndefined();
    for (const m of reminders) expect(m.calendar).toBeUndefined();
    const after = await w.get(ID);
    expect(after.meetings.find((m) => m.meetingId === 'followUp-1')?.reminderSentForSequence).toBe(0);
    // Not again.
    const count = w.mail.sent.length;
    await handleDeadlines(w.deps, ID);
    expect(w.mail.sent.filter((m) => m.subject.startsWith('Påminnelse: Uppföljningsmöte'))).toHaveLength(2);
    expect(w.mail.sent.length).toBeGreaterThanOrEqual(count);
  });

  it('comes again before the new time of a meeting moved after it went out, and the update says so', async () => {
    const w = world({ now: T0 + 2 * DAY_MS + HOUR_MS });
    await w.seed(withFollowUp(3, { reminderSentForSequence: 0 }));
    await moveMeeting(w.deps, COORDINATOR, ID, { meetingId: 'followUp-1', ...meetingForm(T0, 8, 'Rum 3') });
    await sendInvitations(w.deps, ID);
    const update = w.mail.sent.find((m) => m.to.includes('p@example.se'));
    expect(update?.subject).toMatch(/^Ny tid: Uppföljningsmöte/);
    expect(update?.text).toContain('Du har fått en påminnelse om den gamla tiden. Den gäller inte heller.');
    const c = await w.get(ID);
    const [moved] = meetingViews(c).filter((m) => m.meetingId === 'followUp-1');
    expect(moved?.sequence).toBe(1);
    expect(reminderAt(moved as never)).toBe(tenOclock(T0, 8) - DAY_MS);
    w.clock.set(tenOclock(T0, 8) - DAY_MS);
    await handleDeadlines(w.deps, ID);
    expect(w.mail.sent.filter((m) => m.subject.startsWith('Påminnelse: Uppföljningsmöte'))).toHaveLength(2);
  });

  it('gives a cancellation after the reminder a notice that the reminder no longer holds', async () => {
    const w = world({ now: T0 + 2 * DAY_MS + HOUR_MS });
    await w.seed(withFollowUp(3, { reminderSentForSequence: 0 }));
    await cancelMeeting(w.deps, COORDINATOR, ID, { meetingId: 'followUp-1' });
    await sendInvitations(w.deps, ID);
    const own = w.mail.sent.find((m) => m.to.includes('p@example.se'));
    expect(own?.calendar?.method).toBe('CANCEL');
    expect(own?.text).toContain('Du har fått en påminnelse om mötet. Den gäller inte längre.');
    expect(dueMeetingReminders(await w.get(ID), T0 + 2 * DAY_MS + 2 * HOUR_MS)).toEqual([]);
  });
});

describe('the study visit moved and cancelled', () => {
  const invited = (over: Partial<StudyVisit> = {}) =>
    caseIn('studyVisitScheduling', ID, T0, {
      studyVisit: {
        start: iso(tenOclock(T0, 3)),
        end: iso(tenOclock(T0, 3) + HOUR_MS),
        location: 'REMAKE, Malmö',
        organizer: { name: 'Karin', email: COORDINATOR_EMAIL },
        sequence: 0,
        invitationSentForSequence: 0,
        proposedAt: iso(T0 - DAY_MS),
        ...over,
      },
      ...waitingOn('studyVisitOutcome'),
    });

  it('moves: the same event with a higher SEQUENCE, and the old link is gone', async () => {
    const w = world();
    await w.seed(invited());
    await sendInvitations(w.deps, ID); // nothing: already sent
    const after = await moveMeeting(w.deps, COORDINATOR, ID, {
      meetingId: 'study-visit',
      ...meetingForm(T0, 5),
    });
    expect(after.studyVisit).toMatchObject({ sequence: 1, start: iso(tenOclock(T0, 5)), movedAt: iso(T0) });
    expect(after.phase).toBe('studyVisitProposed');
    expect(nextRoute(after, { loop: 0, now: T0 }).state).toBe('SendInvitation');
    await sendInvitations(w.deps, ID);
    expect(
      w.mail.sent.map((m) => [m.to, m.calendar?.uid, m.calendar?.sequence, m.subject.slice(0, 8)]),
    ).toEqual([
      [['p@example.se'], `${ID}-study-visit@stegvis`, 1, 'Ny tid: '],
      [[OFFICER], `${ID}-study-visit@stegvis`, 1, 'Ny tid: '],
    ]);
    expect((await w.get(ID)).phase).toBe('studyVisitInvited');
  });

  it('cancels: a CANCEL to both, the case back at proposing a time, and the next visit a new event', async () => {
    const w = world();
    await w.seed(invited());
    const after = await cancelMeeting(w.deps, COORDINATOR, ID, { meetingId: 'study-visit' });
    expect(after.studyVisit).toBeUndefined();
    expect(after.cancelledStudyVisits?.map((v) => [v.sequence, !!v.cancelledAt])).toEqual([[1, true]]);
    expect(after.phase).toBe('studyVisitScheduling');
    expect(invitationPending(after)).toBe(true);
    await sendInvitations(w.deps, ID);
    expect(w.mail.sent.map((m) => [m.to, m.calendar?.method, m.calendar?.sequence])).toEqual([
      [['p@example.se'], 'CANCEL', 1],
      [[OFFICER], 'CANCEL', 1],
    ]);
    const sent = await w.get(ID);
    expect(invitationPending(sent)).toBe(false);
    expect(nextRoute(sent, { loop: 0, now: T0 }).state).toBe('AwaitStudyVisitProposal');
    // The proposal clock counts from the cancellation, not from the place.
    w.workflow.taskResult = 'ok';
    await w.repo.saveCase({ ...sent, ...waitingOn('studyVisitProposal'), version: sent.version + 1 });
    const again = await proposeStudyVisit(w.deps, COORDINATOR, ID, meetingForm(T0, 6));
    expect(again.studyVisit?.visitNo).toBe(2);
    await sendInvitations(w.deps, ID);
    expect(w.mail.sent.at(-1)?.calendar?.uid).toBe(`${ID}-study-visit-2@stegvis`);
    expect(w.mail.sent.at(-1)?.calendar?.sequence).toBe(0);
  });

  it('answers the old visit’s link as cancelled, even after a new visit is proposed', async () => {
    const w = world();
    await w.seed(
      caseIn('studyVisitScheduling', ID, T0, {
        studyVisit: { ...invited().studyVisit!, invitationSentForSequence: undefined },
      }),
    );
    await sendInvitations(w.deps, ID);
    const token = tokenIn(w.mail.sent[0]?.text) ?? '';
    expect((await openLink(w.deps, token)).meeting.kind).toBe('studyVisit');
    const c = await w.get(ID);
    await w.repo.saveCase({ ...c, ...waitingOn('studyVisitOutcome'), version: c.version + 1 });
    await cancelMeeting(w.deps, COORDINATOR, ID, { meetingId: 'study-visit' });
    expect(((await failure(() => openLink(w.deps, token))) as LinkGoneError).reason).toBe('cancelled');
    const d = await w.get(ID);
    await w.repo.saveCase({ ...d, ...waitingOn('studyVisitProposal'), version: d.version + 1 });
    await proposeStudyVisit(w.deps, COORDINATOR, ID, meetingForm(T0, 6));
    expect(
      ((await failure(() => answerLink(w.deps, token, { answer: 'coming' }))) as LinkGoneError).reason,
    ).toBe('cancelled');
  });

  it('is refused when its outcome is recorded, and for a supervisor', async () => {
    const w = world();
    await w.seed(invited({ outcome: 'wantsToStart' }));
    expect(
      await failure(() =>
        moveMeeting(w.deps, COORDINATOR, ID, { meetingId: 'study-visit', ...meetingForm(T0, 5) }),
      ),
    ).toBeInstanceOf(StepNotWaitingError);
    const v = world();
    await v.seed(invited());
    expect(
      (await failure(() => cancelMeeting(v.deps, SUPERVISOR, ID, { meetingId: 'study-visit' }))).name,
    ).toBe('ForbiddenError');
    expect(
      await issueCodes(() => cancelMeeting(v.deps, COORDINATOR, ID, { meetingId: 'study-visit-x' })),
    ).toEqual(['meetingId:format']);
  });

  it('shows every answer to a meeting ahead, “coming” too, to those who see the case', async () => {
    const w = world();
    await w.seed(
      invited({ participantAnswer: { sequence: 0, answer: 'coming', at: iso(T0 - HOUR_MS) } }),
      // An answer to an earlier time of a moved meeting is not the answer now.
      {
        ...invited({ sequence: 1, participantAnswer: { sequence: 0, answer: 'coming', at: iso(T0) } }),
        caseId: 'case00000002',
      },
    );
    const answers = await participantAnswers(w.deps, COORDINATOR);
    expect(answers).toEqual([
      {
        caseId: ID,
        reference: (await w.get(ID)).reference,
        meetingId: 'study-visit',
        kind: 'studyVisit',
        start: iso(tenOclock(T0, 3)),
        answer: 'coming',
        at: iso(T0 - HOUR_MS),
      },
    ]);
    // The case officer of the referring organisation sees it too; once the visit has begun, nobody.
    expect(await participantAnswers(w.deps, CASE_OFFICER)).toHaveLength(1);
    w.clock.set(tenOclock(T0, 3) + 1);
    expect(await participantAnswers(w.deps, COORDINATOR)).toEqual([]);
  });

  it('gives "To do" its items and the answers from one read of the cases', async () => {
    const w = world({ pageSize: 100 });
    await w.seed(invited({ participantAnswer: { sequence: 0, answer: 'otherTime', at: iso(T0 - HOUR_MS) } }));
    const repo = w.repo as unknown as { listCalls: unknown[] };
    const page = await todo(w.deps, COORDINATOR);
    expect(repo.listCalls).toHaveLength(1);
    expect(page.items.map((i) => i.note)).toContain('otherTime');
    expect(page.answers.map((a) => a.answer)).toEqual(['otherTime']);
  });

  it('puts a participant’s “another time” on the coordinator’s list', async () => {
    const w = world();
    await w.seed(invited({ participantAnswer: { sequence: 0, answer: 'otherTime', at: iso(T0 - HOUR_MS) } }));
    const items = await worklist(w.deps, COORDINATOR);
    expect(items.find((i) => i.note === 'otherTime')).toMatchObject({
      action: 'moveMeeting',
      anchor: 'meeting-study-visit-h',
    });
  });
});

describe('each mail once per intent', () => {
  const mail = { to: ['x@example.se'], subject: 's', text: 't' };

  it('sends once, and a retry after the send sends nothing', async () => {
    const w = world();
    expect(await sendOnce(w.deps, { caseId: ID, key: 'k' }, () => mail)).toBe('sent');
    expect(await sendOnce(w.deps, { caseId: ID, key: 'k' }, () => mail)).toBe('alreadySent');
    expect(w.mail.sent).toHaveLength(1);
  });

  it('refuses a second attempt while the first may be sending, and takes over after the lease', async () => {
    const w = world();
    // An attempt that died after claiming (a crash inside the send).
    expect(await w.repo.claimMail({ caseId: ID, key: 'k' }, { now: T0, leaseMs: MAIL_LEASE_MS })).toBe(
      'claimed',
    );
    expect(await failure(() => sendOnce(w.deps, { caseId: ID, key: 'k' }, () => mail))).toBeInstanceOf(
      TransientError,
    );
    expect(w.mail.sent).toHaveLength(0);
    w.clock.set(T0 + MAIL_LEASE_MS + 1);
    expect(await sendOnce(w.deps, { caseId: ID, key: 'k' }, () => mail)).toBe('sent');
    expect(w.mail.sent).toHaveLength(1);
  });

  it('gives the claim back when the mail service refuses, so the retry sends at once', async () => {
    const w = world();
    const send = w.mail.send.bind(w.mail);
    w.mail.send = async () => {
      throw new Error('SES down');
    };
    await failure(() => sendOnce(w.deps, { caseId: ID, key: 'k' }, () => mail));
    w.mail.send = send;
    expect(await sendOnce(w.deps, { caseId: ID, key: 'k' }, () => mail)).toBe('sent');
  });

  it('sends each copy of an invitation once when the task is retried after a partial send', async () => {
    const w = world();
    await w.seed(
      caseIn('startupPlanning', ID, T0, {
        meetings: [meeting('startup', T0 + DAY_MS, { invitationSentForSequence: undefined })],
      }),
    );
    const send = w.mail.send.bind(w.mail);
    let calls = 0;
    w.mail.send = async (m) => {
      calls++;
      if (calls === 2) throw new Error('crash after the first copy');
      return send(m);
    };
    await failure(() => sendInvitations(w.deps, ID));
    w.mail.send = send;
    await sendInvitations(w.deps, ID);
    expect(w.mail.sent.map((m) => m.to)).toEqual([['p@example.se'], [SUPERVISOR_EMAIL, OFFICER]]);
  });

  it('sends a due clock reminder once when HandleDeadlines is retried before it recorded it', async () => {
    const w = world();
    await w.seed(caseIn('intake', ID, T0 - 3 * DAY_MS + 90 * DAY_MS));
    const c = await w.get(ID);
    await w.repo.saveCase({ ...c, createdAt: iso(T0 - 3 * DAY_MS), version: c.version + 1 });
    const save = w.repo.saveCase.bind(w.repo);
    w.repo.saveCase = async () => {
      throw new Error('crash before the record');
    };
    await failure(() => handleDeadlines(w.deps, ID));
    w.repo.saveCase = save;
    await handleDeadlines(w.deps, ID);
    expect(w.mail.sent.filter((m) => m.subject.startsWith('Påminnelse'))).toHaveLength(1);
  });
});

describe('an address mail could not reach', () => {
  const bounce = (recipients: string[], permanent = true) => ({
    caseId: ID,
    kind: 'bounce' as const,
    permanent,
    recipients,
  });

  it('is marked on the case by role, told to the coordinators once, and put on their list', async () => {
    const w = world();
    await w.seed(withFollowUp(5));
    expect(await recordMailEvent(w.deps, bounce(['P@Example.se']))).toEqual({ marked: ['participant'] });
    expect(await recordMailEvent(w.deps, bounce(['p@example.se']))).toEqual({ marked: [] });
    const c = await w.get(ID);
    expect(c.mailProblems).toEqual([{ who: 'participant', kind: 'bounce', at: iso(T0) }]);
    expect(w.mail.sent.map((m) => [m.to, m.subject])).toEqual([
      [[COORDINATOR_EMAIL], `Kontrollera e-postadressen: ${c.reference}`],
    ]);
    expect(JSON.stringify(w.mail.sent)).not.toContain('p@example.se');
    const items = await worklist(w.deps, COORDINATOR);
    expect(items.find((i) => i.action === 'correctAddress')).toMatchObject({ caseId: ID, overdue: true });
    expect((await worklist(w.deps, SUPERVISOR)).some((i) => i.action === 'correctAddress')).toBe(false);
  });

  it('ignores a transient bounce, an unknown case and an address not on the case', async () => {
    const w = world();
    await w.seed(withFollowUp(5));
    expect(await recordMailEvent(w.deps, bounce(['p@example.se'], false))).toEqual({ marked: [] });
    expect(await recordMailEvent(w.deps, { ...bounce(['p@example.se']), caseId: 'nocase000001' })).toEqual({
      marked: [],
    });
    expect(await recordMailEvent(w.deps, bounce(['someone@else.se']))).toEqual({ marked: [] });
    expect(await recordMailEvent(w.deps, { ...bounce([OFFICER]), kind: 'complaint' })).toEqual({
      marked: ['caseOfficer'],
    });
    expect(w.mail.sent).toHaveLength(1);
  });

  it('is corrected by the coordinator: field errors first, then the invitations ahead go to the new address', async () => {
    const w = world();
    await w.seed({
      ...withFollowUp(5),
      mailProblems: [{ who: 'participant', kind: 'bounce', at: iso(T0) }],
      ...waitingOn('training'),
    });
    expect(await issueCodes(() => correctAddress(w.deps, COORDINATOR, ID, {}))).toEqual([
      'participantEmail:required',
    ]);
    expect(
      await issueCodes(() => correctAddress(w.deps, COORDINATOR, ID, { participantEmail: 'nope@' })),
    ).toEqual(['participantEmail:format']);
    expect(
      (await failure(() => correctAddress(w.deps, SUPERVISOR, ID, { participantEmail: 'new@example.se' })))
        .name,
    ).toBe('ForbiddenError');
    const after = await correctAddress(w.deps, COORDINATOR, ID, { participantEmail: ' New@Example.se ' });
    expect(after.participant.email).toBe('new@example.se');
    expect(after.mailProblems?.[0]?.resolvedBy).toBe(COORDINATOR.sub);
    expect(after.resends?.map((r) => [r.meetingId, r.sequence, r.who])).toEqual([
      ['followUp-1', 0, 'participant'],
    ]);
    expect(nextRoute(after, { loop: 0, now: T0 }).state).toBe('SendInvitation');
    await sendInvitations(w.deps, ID);
    expect(w.mail.sent.map((m) => [m.to, m.calendar?.uid, m.calendar?.sequence])).toEqual([
      [['new@example.se'], `${ID}-followUp-1@stegvis`, 0],
    ]);
    expect(tokenIn(w.mail.sent[0]?.text)).toBeDefined();
    expect((await w.get(ID)).resends).toEqual([]);
    // The same form again is harmless; an admin may correct too; nothing to correct is refused.
    await correctAddress(w.deps, COORDINATOR, ID, { participantEmail: 'new@example.se' });
    const v = world();
    await v.seed({ ...withFollowUp(5), ...waitingOn('training') });
    expect(((await failure(() => correctAddress(v.deps, ADMIN, ID, {}))) as StepNotWaitingError).code).toBe(
      'noMailProblem',
    );
  });
});
