import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aboutCase,
  acceptReferral,
  caseIdOf,
  caseJson,
  sentTo,
  virtualDay,
  waitForStep,
} from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, USERS } from '#test/support/session';

/**
 * The local inbox keeps sent mail across restarts of `npm start` (the README says data survives):
 * a mail sent before a restart is still in the inbox after it, with its calendar part, and
 * clearing the inbox clears it for good.
 */
let host: TestHost;

beforeAll(async () => {
  host = await startTestHost();
});

afterAll(async () => {
  await host?.stop();
});

describe('the local inbox', () => {
  it('keeps sent mail across a restart, calendar parts included, until it is cleared', async () => {
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    const r = await referrer.post('/referrals', {
      submissionId: 'c1c2d3e4-0000-4000-8000-localinbox01',
      participantName: 'Ines Inkorg',
      identityNumber: '811218-9876',
      email: 'ines@example.se',
      phone: '0701234567',
      gender: 'undisclosed',
      placementAgreementRef: 'PÖ-11',
      unitId: 'matmissionen',
      languageSupport: 'no',
      plannedStart: virtualDay(host, 30),
      plannedEnd: virtualDay(host, 200),
    });
    expect(r.status).toBe(303);
    const caseId = caseIdOf(r);
    await pollUntil('the coordinators’ notice', async () =>
      (await inbox(host.sesUrl)).find((m) => aboutCase(m, caseId)),
    );
    const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
    await acceptReferral(coordinator, caseId);
    await waitForStep(coordinator, caseId, 'studyVisitProposal');
    const propose = await coordinator.post(`/cases/${caseId}/study-visit`, {
      date: virtualDay(host, 10),
      startTime: '10:00',
      endTime: '11:00',
      location: 'Matmissionen',
    });
    expect(propose.status).toBe(303);
    const invitation = await pollUntil('the invitation', async () =>
      (await inbox(host.sesUrl)).find((m) => sentTo(m, 'ines@example.se')),
    );
    const calendar = invitation.attachments?.find((a) => a.contentType.startsWith('text/calendar'));
    const ics = Buffer.from(calendar?.content ?? '', 'base64').toString('utf8');
    expect(ics).toContain('METHOD:REQUEST');

    // The inbox page shows each mail whole: its calendar part as sent, its HTML part, a bounce button.
    const page = await (await fetch(`${host.sesUrl}/`)).text();
    expect(page).toContain(invitation.subject.replace(/&/g, '&amp;'));
    expect(page).toContain('Kalenderdelen som skickad');
    expect(page).toContain(`UID ${caseId}-study-visit@stegvis · SEQUENCE 0`);
    expect(page.replace(/&#39;/g, "'")).toContain(
      ics.split('\r\n').find((l) => l.startsWith('DTSTART')) ?? 'DTSTART',
    );
    expect(page).not.toContain('<script');
    const html = await fetch(`${host.sesUrl}/mail/${invitation.messageId}.html`);
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
    expect(await html.text()).toContain('<html lang="sv">');
    expect(await (await fetch(`${host.sesUrl}/mail/${invitation.messageId}.ics`)).text()).toBe(ics);
    // Every copy out (the case officer's follows the participant's) before the snapshot.
    await pollUntil('the invitation recorded as sent', async () =>
      (await caseJson(coordinator, caseId)).studyVisit?.invitationSent ? true : undefined,
    );
    const before = await inbox(host.sesUrl);

    await host.restart();
    const after = await inbox(host.sesUrl);
    expect(after.map((m) => m.messageId)).toEqual(before.map((m) => m.messageId));
    expect(after.find((m) => m.messageId === invitation.messageId)).toEqual(invitation);

    const cleared = await fetch(`${host.sesUrl}/clear-store`, { method: 'POST' });
    expect(cleared.status).toBe(200);
    await host.restart();
    expect(await inbox(host.sesUrl)).toEqual([]);
  });
});
