import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptReferral,
  DAY_MS,
  expectDone,
  meetingFields,
  meetingTime,
  pageText,
  referralForm,
  sentTo,
  submitReferral,
  throughStudyVisit,
  virtualDay,
  waitForStep,
} from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';

/**
 * A participant's own link, over HTTP on the local host: the invitation to the participant (and
 * only theirs) carries it; GET only shows a page, however often; POST answers once; a moved
 * meeting's old link is gone (410) and the new mail has a new one; the answer shows on the case
 * and, when another time is asked for, in the coordinator's "To do".
 */
const SUPERVISOR = 'sami.handledare@stadsmissionen.example';
const PARTICIPANT = 'lina.lank@example.se';

let host: TestHost;
let coordinator: Session;
let caseId = '';
let meetingId = '';

const linkIn = (m: StoredMail) => /\/m\/([A-Za-z0-9_-]{22,64})/.exec(m.body.text ?? '')?.[0];
const startupMails = async (count: number) =>
  pollUntil(`${count} start-up mails to the participant`, async () => {
    const mails = (await inbox(host.sesUrl)).filter(
      (m) => sentTo(m, PARTICIPANT) && /Uppstartsmöte/.test(m.subject) && !/^Påminnelse/.test(m.subject),
    );
    return mails.length >= count ? mails : undefined;
  });
/** A visit of the link as a browser without cookies (a participant has no account). */
const visit = (path: string, form?: Record<string, string>) =>
  fetch(`${host.baseUrl}${path}`, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    ...(form
      ? {
          body: new URLSearchParams(form).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: host.baseUrl },
        }
      : {}),
  });

beforeAll(async () => {
  host = await startTestHost();
  coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
  const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
  caseId = await submitReferral(
    referrer,
    referralForm({
      participantName: 'Lina Länk',
      email: PARTICIPANT,
      unitId: 'remake',
      plannedStart: virtualDay(host, 7),
      plannedEnd: virtualDay(host, 200),
    }),
  );
  await acceptReferral(coordinator, caseId);
  await throughStudyVisit(host, coordinator, caseId, meetingTime(host));
  await expectDone(
    await coordinator.post(`/cases/${caseId}/startup-meeting`, {
      ...meetingFields(meetingTime(host, { fromNow: 3 * DAY_MS })),
      supervisorEmail: SUPERVISOR,
      inviteCaseOfficer: 'no',
    }),
    caseId,
    'scheduleStartup',
  );
  const page = await (await coordinator.get(`/cases/${caseId}`)).text();
  meetingId = /name="meetingId" value="([^"]+)"/.exec(page)?.[1] ?? '';
});

afterAll(async () => {
  await host?.stop();
});

describe("a participant's link", () => {
  let first = '';

  it('comes in the participant’s invitation only, as a random id that names no case', async () => {
    const [mail] = await startupMails(1);
    first = linkIn(mail as StoredMail) ?? '';
    expect(first).toMatch(/^\/m\/[A-Za-z0-9_-]{22,}$/);
    expect(first).not.toContain(caseId);
    expect(mail?.destination.to.join(',')).not.toContain(SUPERVISOR);
    // The supervisor's mail is its own send, which may land a moment after the participant's.
    const staff = await pollUntil("the supervisor's start-up invitation", async () => {
      const found = (await inbox(host.sesUrl)).filter(
        (m) => sentTo(m, SUPERVISOR) && /^Uppstartsmöte/.test(m.subject),
      );
      return found.length > 0 ? found : undefined;
    });
    expect(staff).toHaveLength(1);
    expect(staff[0]?.body.text).not.toMatch(/\/m\//);
    // The study-visit invitation had its own link too.
    const visitMail = (await inbox(host.sesUrl)).find(
      (m) => sentTo(m, PARTICIPANT) && /studiebesök/i.test(m.subject),
    );
    expect(linkIn(visitMail as StoredMail)).toBeTruthy();
  });

  it('shows the meeting on GET, as often as it is opened, and changes nothing', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await visit(first);
      expect(r.status).toBe(200);
      expect(r.headers.get('referrer-policy')).toBe('same-origin');
      expect(r.headers.get('x-robots-tag')).toContain('noindex');
      const text = pageText(await r.text());
      expect(text).toContain('Kommer du?');
      expect(text).toContain('Uppstartsmöte');
      expect(text).not.toMatch(/Lina|811218/);
    }
    const casePage = pageText(await (await coordinator.get(`/cases/${caseId}`)).text());
    expect(casePage).not.toContain('deltagaren kommer');
  });

  it('asks for an answer when none is chosen, keeping the message', async () => {
    const r = await visit(first, { message: 'Hej' });
    expect(r.status).toBe(400);
    const page = await r.text();
    expect(page).toContain('id="answer-error"');
    expect(page).toContain('>Hej</textarea>');
  });

  it('takes the first answer and refuses a second with 410', async () => {
    const r = await visit(first, { answer: 'coming', message: '' });
    expect(r.status).toBe(200);
    expect(pageText(await r.text())).toContain('Vi har fått ditt svar');
    const again = await visit(first, { answer: 'otherTime', message: 'Nej förresten' });
    expect(again.status).toBe(410);
    expect(pageText(await again.text())).toContain('redan registrerat');
    expect((await visit(first)).status).toBe(410);
    const casePage = pageText(await (await coordinator.get(`/cases/${caseId}`)).text());
    expect(casePage).toContain('deltagaren kommer');
    expect(casePage).not.toContain('Nej förresten');
    // And in "To do", under the participants' answers.
    const todo = pageText(await (await coordinator.get('/todo')).text());
    expect(todo).toMatch(/Deltagarnas svar på kommande möten .*Uppstartsmöte .* Kommer/);
  });

  it('is gone once the meeting moves; the new invitation’s link asks for another time, which lands in "To do"', async () => {
    await expectDone(
      await coordinator.post(`/cases/${caseId}/meetings/move`, {
        meetingId,
        ...meetingFields(meetingTime(host, { fromNow: 4 * DAY_MS })),
      }),
      caseId,
      'moveMeeting',
    );
    const mails = await startupMails(2);
    const second = linkIn(mails[1] as StoredMail) ?? '';
    expect(second).not.toBe(first);
    const old = await visit(first);
    expect(old.status).toBe(410);
    expect(pageText(await old.text())).toContain('ny tid');
    // The answer to the old time does not count for the new one.
    expect(pageText(await (await coordinator.get(`/cases/${caseId}`)).text())).not.toContain(
      'deltagaren kommer',
    );

    const r = await visit(second, { answer: 'otherTime', message: 'Jag kan bara på eftermiddagar' });
    expect(r.status).toBe(200);
    const todo = pageText(await (await coordinator.get('/todo')).text());
    expect(todo).toContain('deltagaren vill ha en annan tid');
    const casePage = pageText(await (await coordinator.get(`/cases/${caseId}`)).text());
    expect(casePage).toContain('Jag kan bara på eftermiddagar');
  });

  it('answers 410 for an unknown link and for a cancelled meeting, with the unit’s phone', async () => {
    const unknown = await visit('/m/AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(410);
    const mails = await startupMails(2);
    const second = linkIn(mails[1] as StoredMail) ?? '';
    await expectDone(
      await coordinator.post(`/cases/${caseId}/meetings/cancel`, { meetingId }),
      caseId,
      'cancelMeeting',
    );
    await waitForStep(coordinator, caseId, 'startupMeeting');
    const gone = await visit(second);
    expect(gone.status).toBe(410);
    const text = pageText(await gone.text());
    expect(text).toContain('inställt');
    expect(text).toMatch(/Ring oss på [+\d\s-]+/);
  });

  it('refuses a POST from another site', async () => {
    const r = await fetch(`${host.baseUrl}/m/AAAAAAAAAAAAAAAAAAAAAA`, {
      method: 'POST',
      body: 'answer=coming',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(r.status).toBe(403);
  });
});
