import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aboutCase,
  acceptReferral,
  caseIdOf,
  recipients,
  sentTo,
  virtualDay,
  waitForStep,
} from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';

/**
 * The reminder clocks are persisted schedules: with workflow time accelerated (5 760×, so a
 * two-day reminder is due 30 real seconds after its clock starts), stopping and starting the host
 * while a step waits must neither lose the reminder nor restart its clock.
 *
 * - The coordinator is reminded of an undecided referral two days after the referral, at that
 *   time even though the host restarted in between.
 * - Once accepted, the study-visit proposal is due two days after the place was assigned (not
 *   after the referral).
 */
// 5 760×: a two-day reminder is due 30 real seconds after its clock starts, room enough for a
// restart on a busy two-core machine.
const SCALE = 5_760;
const DUE_AFTER_MS = (2 * 24 * 3600 * 1000) / SCALE; // 30 s
const COORDINATOR = 'karin.praktikansvarig@stadsmissionen.example';

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost({ timeScale: SCALE });
});

afterAll(async () => {
  await host?.stop();
});

const reminderFor = (caseId: string, text: string) => (m: StoredMail) =>
  m.subject.startsWith('Påminnelse') && aboutCase(m, caseId) && (m.body.text ?? '').includes(text);

describe('reminders across a restart', () => {
  let caseId = '';
  let submittedAt = 0;
  let restartedAt = 0;

  it('reminds the coordinator of an undecided referral at its original time after the host restarted', async () => {
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    submittedAt = Date.now();
    const r = await referrer.post('/referrals', {
      submissionId: 'b1c2d3e4-0000-4000-8000-reminders0001',
      participantName: 'Pia Påminnelse',
      identityNumber: '811218-9876',
      email: 'pia@example.se',
      phone: '0701234567',
      gender: 'undisclosed',
      placementAgreementRef: 'PÖ-9',
      unitId: 'matmissionen',
      languageSupport: 'no',
      // Workflow time runs ahead of real time by a few days at most during this test.
      plannedStart: virtualDay(host, 30),
      plannedEnd: virtualDay(host, 200),
    });
    expect(r.status).toBe(303);
    caseId = caseIdOf(r);
    await waitForStep(referrer, caseId, 'intakeDecision');

    await host.restart();
    restartedAt = Date.now();
    expect(restartedAt - submittedAt).toBeLessThan(DUE_AFTER_MS); // the restart happened while the step waited

    const reminder = await pollUntil(
      'the intake reminder',
      async () => (await inbox(host.sesUrl)).find(reminderFor(caseId, 'tas emot eller avböjas')),
      45_000,
    );
    const arrivedAt = Date.now();
    // On time: not before it was due, and well before a clock restarted at the restart would fire.
    expect(arrivedAt - submittedAt).toBeGreaterThanOrEqual(DUE_AFTER_MS - 1000);
    expect(arrivedAt).toBeLessThan(restartedAt + DUE_AFTER_MS - 1000);
    expect(recipients(reminder)).toEqual([COORDINATOR]);
    expect(`${reminder.subject} ${reminder.body.text}`).not.toContain('Pia');
    expect(reminder.body.text).toContain(`/cases/${caseId}`);
    // Nothing about a study visit yet: the referral has not been accepted.
    expect((await inbox(host.sesUrl)).some(reminderFor(caseId, 'studiebesök'))).toBe(false);
  });

  it('reminds of the study-visit proposal two days after the place was assigned', async () => {
    // The step still waits after the reminder: the coordinator can still decide.
    const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
    await waitForStep(coordinator, caseId, 'intakeDecision');
    const acceptedAt = Date.now();
    await acceptReferral(coordinator, caseId);
    const c = await waitForStep(coordinator, caseId, 'studyVisitProposal');
    expect(c.place?.assignedAt).toBeTruthy();

    const reminder = await pollUntil(
      'the proposal reminder',
      async () => (await inbox(host.sesUrl)).find(reminderFor(caseId, 'studiebesök föreslås')),
      DUE_AFTER_MS + 20_000,
    );
    const arrivedAt = Date.now();
    // Counted from the assignment: a clock counted from the referral would have fired at once.
    expect(arrivedAt - acceptedAt).toBeGreaterThanOrEqual(DUE_AFTER_MS - 1000);
    expect(arrivedAt - acceptedAt).toBeLessThan(2 * DUE_AFTER_MS - 1000);
    expect(recipients(reminder)).toEqual([COORDINATOR]);
    expect(reminder.body.text).toContain(`/cases/${caseId}`);

    // The step still waits after the reminder: the coordinator can still propose a time.
    await waitForStep(coordinator, caseId, 'studyVisitProposal');
    const propose = await coordinator.post(`/cases/${caseId}/study-visit`, {
      date: virtualDay(host, 60),
      startTime: '10:00',
      endTime: '11:00',
      location: 'Matmissionen',
    });
    expect(propose.status).toBe(303);
    await pollUntil('the invitation', async () =>
      (await inbox(host.sesUrl)).find((m) => /studiebesök/i.test(m.subject) && sentTo(m, 'pia@example.se')),
    );
  });
});
