import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptedReferral,
  calendarOf,
  caseJson,
  DAY_MS,
  expectDone,
  meetingFields,
  meetingTime,
  pageText,
  parsedMail,
  proposeVisit,
  realMsUntil,
  recipients,
  sentTo,
  untilVirtual,
  virtualDay,
  waitForMail,
  waitForStep,
} from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';

/**
 * Mail on the local host after it left: each mail once per intent, even when the host is killed
 * inside the one window no mail service closes; the reminder the day before, in the participant's
 * language; the study visit moved; a bounce that puts "check the e-mail address" on the
 * coordinator's list, and the invitation sent again to the corrected address.
 */
const CASE_OFFICER = 'anna.handlaggare@malmo.example';
const COORDINATOR = 'karin.praktikansvarig@stadsmissionen.example';

const faults = (host: TestHost, f: Record<string, unknown>) =>
  fetch(`${host.sesUrl}/faults`, { method: 'POST', body: JSON.stringify(f) }).then((r) => r.json());
const isVisit = (m: StoredMail, caseId: string) =>
  (m.attachments ?? []).some((a) => /calendar/.test(a.contentType)) &&
  calendarOf(m).uid === `${caseId}-study-visit@stegvis`;

describe('each mail once, even when the host is killed after SES accepted it', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('repeats at most the one mail of the window, on the same event; sends every other once', async () => {
    const participant = 'kim.krasch@example.se';
    const { caseId, coordinator } = await acceptedReferral(host, { email: participant });
    // The next mail to the participant is stored by SES, and the host dies before SES answers.
    expect(await faults(host, { crashAfterMailTo: participant })).toMatchObject({
      crashAfterMailTo: participant,
    });
    const visit = meetingTime(host, { fromNow: 5 * DAY_MS, location: 'Matmissionen' });
    const firstPid = host.pid;
    await expectDone(
      await coordinator.post(`/cases/${caseId}/study-visit`, meetingFields(visit)),
      caseId,
      'proposeStudyVisit',
    );
    await pollUntil(
      'the host to die inside the send',
      async () => {
        try {
          await fetch(`${host.baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
          return undefined;
        } catch {
          return true;
        }
      },
      60_000,
    );
    const beforeRestart = readFileSync(`${host.dataDir}/mail/sent.jsonl`, 'utf8');
    expect(beforeRestart).toContain(participant);
    await host.restart();
    expect(host.pid).not.toBe(firstPid);

    const coordinator2 = await new Session(host.baseUrl).signIn(USERS.coordinator);
    await pollUntil(
      'the invitation recorded as sent',
      async () => ((await caseJson(coordinator2, caseId)).studyVisit?.invitationSent ? true : undefined),
      90_000,
    );
    const mails = (await inbox(host.sesUrl)).filter((m) => isVisit(m, caseId));
    const own = mails.filter((m) => sentTo(m, participant));
    const staff = mails.filter((m) => sentTo(m, CASE_OFFICER));
    // The window's mail once more (SES had it, the ledger did not say so), landing on the same
    // event; never a third time. The case officer's copy, sent after the restart, once.
    expect(own).toHaveLength(2);
    expect(new Set(own.map((m) => `${calendarOf(m).uid} ${calendarOf(m).sequence}`))).toEqual(
      new Set([`${caseId}-study-visit@stegvis 0`]),
    );
    expect(staff).toHaveLength(1);
    // Every other mail of the case exactly once.
    const all = (await inbox(host.sesUrl)).filter((m) => m.body.text?.includes(caseId) || isVisit(m, caseId));
    const byIntent = new Map<string, number>();
    for (const m of all.filter((x) => !sentTo(x, participant)))
      byIntent.set(
        `${m.subject} ${recipients(m).join(',')}`,
        (byIntent.get(`${m.subject} ${recipients(m).join(',')}`) ?? 0) + 1,
      );
    expect([...byIntent.values()].every((n) => n === 1)).toBe(true);
    expect([...byIntent.keys()].filter((k) => k.startsWith('Ny anvisning'))).toHaveLength(1);
  }, 240_000);

  it('answers SES failures with retries and delivers (a share of sends failing)', async () => {
    const participant = 'fia.fel@example.se';
    expect(await faults(host, { sendFailureRate: 0.5 })).toMatchObject({ sendFailureRate: 0.5 });
    const { caseId, coordinator } = await acceptedReferral(host, { email: participant });
    await proposeVisit(host, coordinator, caseId, 6 * DAY_MS);
    await waitForMail(
      host,
      'the invitation, through the failures',
      (m) => isVisit(m, caseId) && sentTo(m, participant),
      120_000,
    );
    await faults(host, { sendFailureRate: 0 });
    await waitForStep(coordinator, caseId, 'studyVisitOutcome', 120_000);
    const copies = (await inbox(host.sesUrl)).filter((m) => isVisit(m, caseId));
    expect(copies.map((m) => recipients(m).join(',')).sort()).toEqual([CASE_OFFICER, participant].sort());
  }, 300_000);
});

describe('the reminder the day before, a moved visit, in the participant’s language', () => {
  // 8 640×: a workflow day passes in ten seconds.
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ timeScale: 8_640 });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('reminds everyone the day before, says a move after it makes it void, and reminds again before the new time', async () => {
    const participant = 'eve.english@example.se';
    const { caseId, coordinator } = await acceptedReferral(host, {
      email: participant,
      mailLanguage: 'en',
      plannedStart: virtualDay(host, 20),
    });
    const visit = await proposeVisit(host, coordinator, caseId, 3 * DAY_MS, 'Matmissionen');
    const invitation = await waitForMail(
      host,
      'the invitation',
      (m) => isVisit(m, caseId) && sentTo(m, participant),
    );
    expect(invitation.subject).toMatch(/^Study visit on \p{L}+ \d+ \p{L}+ at \d\d:\d\d, Matmissionen$/u);
    const parsed = await parsedMail(host, invitation);
    expect(parsed.html).toContain('<html lang="en">');
    expect(parsed.text).toContain('Welcome to a study visit at Matmissionen.');

    // The day before: both are reminded, the participant in English with a link, no calendar part.
    const reminder = await waitForMail(
      host,
      'the reminder to the participant',
      (m) => sentTo(m, participant) && m.subject.startsWith('Reminder: Study visit tomorrow'),
      realMsUntilDay(host, visit.start) + 30_000,
    );
    expect(reminder.body.text).toMatch(/\/m\/[A-Za-z0-9_-]{22}/);
    expect((reminder.attachments ?? []).some((a) => /calendar/.test(a.contentType))).toBe(false);
    await waitForMail(
      host,
      'the reminder to the case officer',
      (m) => sentTo(m, CASE_OFFICER) && m.subject.startsWith('Påminnelse: Studiebesök i morgon'),
    );
    // The record says so once the reminders are out (just after the mails).
    await pollUntil('the reminder on the case page', async () =>
      pageText(await (await coordinator.get(`/cases/${caseId}`)).text()).includes('påminnelse skickad')
        ? true
        : undefined,
    );

    // Moved after the reminder: the update says the reminder no longer holds; a new one comes.
    const later = meetingTime(host, { fromNow: 4 * DAY_MS, location: 'Matmissionen, entrén' });
    await expectDone(
      await coordinator.post(`/cases/${caseId}/meetings/move`, {
        meetingId: 'study-visit',
        ...meetingFields(later),
      }),
      caseId,
      'moveMeeting',
    );
    const update = await waitForMail(
      host,
      'the update',
      (m) => isVisit(m, caseId) && sentTo(m, participant) && m.subject.startsWith('New time:'),
    );
    expect(calendarOf(update).sequence).toBe(1);
    expect(calendarOf(update).uid).toBe(calendarOf(invitation).uid);
    expect(update.body.text).toContain(
      'You have had a reminder of the old time. It no longer applies either.',
    );
    const second = await waitForMail(
      host,
      'the reminder before the new time',
      (m) =>
        sentTo(m, participant) &&
        m.subject.startsWith('Reminder: Study visit tomorrow') &&
        m.messageId !== reminder.messageId,
      realMsUntilDay(host, later.start) + 30_000,
    );
    expect(second.body.text).toContain('Matmissionen, entrén');
    await untilVirtual(host, later.start - DAY_MS + 60_000, 'past the new reminder');
    const reminders = (await inbox(host.sesUrl)).filter(
      (m) => sentTo(m, participant) && m.subject.startsWith('Reminder:'),
    );
    expect(reminders).toHaveLength(2);
  }, 240_000);
});

/** Real ms until a day before `start` on the host's clock. */
const realMsUntilDay = (host: TestHost, start: number) => realMsUntil(host, start - DAY_MS);

describe('an address mail could not reach', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('bounces: the coordinator is told and asked to check it, corrects it, and the invitation goes again', async () => {
    const { caseId, coordinator } = await acceptedReferral(host, { email: 'bounce@simulator.amazonses.com' });
    await proposeVisit(host, coordinator, caseId, 5 * DAY_MS);
    const notice = await waitForMail(
      host,
      'the notice to check the address',
      (m) => m.subject.startsWith('Kontrollera e-postadressen') && m.body.text?.includes(caseId) === true,
    );
    expect(recipients(notice)).toEqual([COORDINATOR]);
    expect(notice.body.text).toContain('E-post till deltagaren kom inte fram.');
    expect(notice.body.text).not.toContain('bounce@simulator');
    const todo = await (await coordinator.get('/todo')).text();
    expect(todo).toContain(`/cases/${caseId}#form-correctAddress-h`);
    const page = await (await coordinator.get(`/cases/${caseId}`)).text();
    expect(pageText(page)).toContain('E-post till en adress i ärendet kom inte fram.');
    // The workflow goes on meanwhile: the step still waits for the outcome.
    await waitForStep(coordinator, caseId, 'studyVisitOutcome');

    const bad = await coordinator.post(`/cases/${caseId}/address`, { participantEmail: 'inte en adress' });
    expect(bad.status).toBe(400);
    expect(pageText(await bad.text())).toContain('Ange en e-postadress som kan ta emot e-post');
    // A supervisor may not; the refusal comes before any field error.
    const sami = await new Session(host.baseUrl).signIn(USERS.supervisor);
    expect((await sami.post(`/cases/${caseId}/address`, {})).status).toBe(403);
    await expectDone(
      await coordinator.post(`/cases/${caseId}/address`, {
        participantEmail: 'rätt.adress@example.se'.replace('ä', 'a'),
      }),
      caseId,
      'correctAddress',
    );
    const again = await waitForMail(host, 'the invitation to the corrected address', (m) =>
      sentTo(m, 'ratt.adress@example.se'),
    );
    const first = (await inbox(host.sesUrl)).find(
      (m) => sentTo(m, 'bounce@simulator.amazonses.com') && isVisit(m, caseId),
    );
    if (!first) throw new Error('the first invitation');
    expect(calendarOf(again).uid).toBe(calendarOf(first).uid);
    expect(calendarOf(again).sequence).toBe(calendarOf(first).sequence);
    expect(again.body.text).toMatch(/\/m\/[A-Za-z0-9_-]{22}/);
    // Only the participant's copy went again.
    expect(
      (await inbox(host.sesUrl)).filter((m) => isVisit(m, caseId) && sentTo(m, CASE_OFFICER)),
    ).toHaveLength(1);
    expect(await (await coordinator.get('/todo')).text()).not.toContain(`#form-correctAddress-h`);
  }, 180_000);

  it('takes a complaint simulated from the inbox on the case officer’s copy', async () => {
    const { caseId, coordinator } = await acceptedReferral(host, {});
    await expectDone(
      await coordinator.post(
        `/cases/${caseId}/study-visit`,
        meetingFields(meetingTime(host, { fromNow: 7 * DAY_MS })),
      ),
      caseId,
      'proposeStudyVisit',
    );
    const staffCopy = await waitForMail(
      host,
      'the case officer’s copy',
      (m) => isVisit(m, caseId) && sentTo(m, CASE_OFFICER),
    );
    const bad = await fetch(`${host.sesUrl}/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: staffCopy.messageId, recipient: 'someone@else.se', type: 'bounce' }),
    });
    expect(bad.status).toBe(400);
    const r = await fetch(`${host.sesUrl}/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId: staffCopy.messageId, recipient: CASE_OFFICER, type: 'complaint' }),
    });
    expect(await r.json()).toEqual({ result: { marked: ['caseOfficer'] } });
    const notice = await waitForMail(
      host,
      'the notice',
      (m) => m.subject.startsWith('Kontrollera e-postadressen') && m.body.text?.includes(caseId) === true,
    );
    expect(notice.body.text).toContain('markerat e-post från oss som skräppost');
    const page = await (await coordinator.get(`/cases/${caseId}`)).text();
    expect(page).toContain('name="caseOfficerEmail"');
  }, 120_000);
});
