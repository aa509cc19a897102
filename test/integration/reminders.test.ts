import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, USERS } from '#test/support/session';

/**
 * The reminder clock is a persisted schedule: with workflow time accelerated (8 640×, so the
 * two-day proposal reminder is due 20 real seconds after the referral), stopping and starting the
 * host while the step waits must neither lose the reminder nor restart its clock.
 */
const SCALE = 8_640;
const DUE_AFTER_MS = (2 * 24 * 3600 * 1000) / SCALE; // 20 s

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost({ timeScale: SCALE });
});

afterAll(async () => {
  await host?.stop();
});

describe('reminders across a restart', () => {
  it('sends the proposal reminder at its original time after the host restarted', async () => {
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    // Workflow time runs ahead of real time by a few days at most during this test.
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const submittedAt = Date.now();
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
      plannedStart: day(30),
      plannedEnd: day(200),
    });
    expect(r.status).toBe(303);
    const caseId = /\/cases\/([a-z0-9]+)/.exec(r.headers.get('location') ?? '')?.[1] ?? '';
    await pollUntil('the workflow to wait for a proposal', async () => {
      const c = (await (await referrer.get(`/api/cases/${caseId}`)).json()) as { waitingFor: string | null };
      return c.waitingFor === 'studyVisitProposal' ? true : undefined;
    });

    await host.restart();
    const restartedAt = Date.now();
    expect(restartedAt - submittedAt).toBeLessThan(DUE_AFTER_MS); // the restart happened while the step waited

    const reminder = await pollUntil(
      'the reminder',
      async () => (await inbox(host.sesUrl)).find((m) => m.subject.startsWith('Påminnelse')),
      30_000,
    );
    const arrivedAt = Date.now();
    // On time: not before it was due, and well before a clock restarted at the restart would fire.
    expect(arrivedAt - submittedAt).toBeGreaterThanOrEqual(DUE_AFTER_MS - 1000);
    expect(arrivedAt).toBeLessThan(restartedAt + DUE_AFTER_MS - 1000);
    expect(reminder.destination.to.join(',')).toContain('karin.praktikansvarig@stadsmissionen.example');
    expect(`${reminder.subject} ${reminder.body.text}`).not.toContain('Pia');
    expect(reminder.body.text).toContain(`/cases/${caseId}`);

    // The step still waits after the reminder: the coordinator can still propose a time.
    const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
    await pollUntil('the workflow to wait again', async () => {
      const c = (await (await coordinator.get(`/api/cases/${caseId}`)).json()) as {
        waitingFor: string | null;
      };
      return c.waitingFor === 'studyVisitProposal' ? true : undefined;
    });
    const propose = await coordinator.post(`/cases/${caseId}/study-visit`, {
      date: day(60),
      startTime: '10:00',
      endTime: '11:00',
      location: 'Matmissionen',
    });
    expect(propose.status).toBe(303);
    await pollUntil('the invitation', async () =>
      (await inbox(host.sesUrl)).find((m) => m.subject.includes('studiebesök')),
    );
  });
});
