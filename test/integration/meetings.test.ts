import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleIdentityNumber } from '#core/personnummer';
import {
  acceptReferral,
  calendarOf,
  caseJson,
  DAY_MS,
  expectDone,
  fieldError,
  type MeetingTime,
  meetingFields,
  meetingTime,
  nextPerson,
  pageText,
  parsedMail,
  referralForm,
  sentTo,
  submitReferral,
  throughStudyVisit,
  virtualDay,
  waitForStep,
} from '#test/support/flows';
import { startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';

/**
 * A meeting that moves and is cancelled, over HTTP on the local host: the start-up meeting is
 * booked, moved twice, cancelled and booked again. The inbox holds, for the participant, a REQUEST
 * with SEQUENCE 0, 1 and 2 under one UID, then a CANCEL of that UID, then a REQUEST of a new
 * event; each read with mailparser and ical.js.
 */
const SUPERVISOR = 'sami.handledare@stadsmissionen.example';
const PARTICIPANT = 'moa.mote@example.se';
const MOA = exampleIdentityNumber(42);

let host: TestHost;
let coordinator: Session;
let caseId = '';

beforeAll(async () => {
  host = await startTestHost();
  coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
  const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
  caseId = await submitReferral(
    referrer,
    referralForm({
      participantName: 'Moa Möte',
      identityNumber: MOA,
      email: PARTICIPANT,
      unitId: 'remake',
      plannedStart: virtualDay(host, 7),
      plannedEnd: virtualDay(host, 200),
    }),
  );
  await acceptReferral(coordinator, caseId);
  await throughStudyVisit(host, coordinator, caseId, meetingTime(host));
});

afterAll(async () => {
  await host?.stop();
});

/** The participant's start-up mails, oldest first, each with its calendar. */
async function startupMails(count: number) {
  const mine = (m: StoredMail) => sentTo(m, PARTICIPANT) && /Uppstartsmöte/.test(m.subject);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const mails = (await inbox(host.sesUrl)).filter(mine);
    if (mails.length >= count) return mails.map((m) => ({ mail: m, cal: calendarOf(m) }));
    if (Date.now() > deadline) throw new Error(`expected ${count} start-up mails, found ${mails.length}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sequenceOf = (ics: string) => {
  const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent');
  return Number(vevent?.getFirstPropertyValue('sequence'));
};

describe('moving and cancelling a meeting', () => {
  const first = () => meetingTime(host, { fromNow: 3 * DAY_MS });
  let meetingId = '';

  it('books the start-up meeting: a REQUEST with SEQUENCE 0', async () => {
    await expectDone(
      await coordinator.post(`/cases/${caseId}/startup-meeting`, {
        ...meetingFields(first()),
        supervisorEmail: SUPERVISOR,
        inviteCaseOfficer: 'no',
      }),
      caseId,
      'scheduleStartup',
    );
    const [booked] = await startupMails(1);
    expect(booked?.cal.method).toBe('REQUEST');
    expect(sequenceOf(booked?.cal.icsText ?? '')).toBe(0);
    const c = await caseJson(coordinator, caseId);
    expect(c.phase).toBe('startupPlanning');
    const page = await (await coordinator.get(`/cases/${caseId}`)).text();
    meetingId = /name="meetingId" value="([^"]+)"/.exec(page)?.[1] ?? '';
    expect(meetingId).toMatch(/^startup-\d+$/);
    expect(pageText(page)).toContain('Flytta mötet');
  });

  it('moves it twice: the same UID with SEQUENCE 1 and 2, at the new times', async () => {
    const second = meetingTime(host, { fromNow: 4 * DAY_MS, location: 'REMAKE, entrén' });
    const third = meetingTime(host, { fromNow: 5 * DAY_MS });
    await expectDone(
      await coordinator.post(`/cases/${caseId}/meetings/move`, { meetingId, ...meetingFields(second) }),
      caseId,
      'moveMeeting',
    );
    await startupMails(2);
    // The same move posted again is harmless: no third mail for it.
    const again = await coordinator.post(`/cases/${caseId}/meetings/move`, {
      meetingId,
      ...meetingFields(second),
    });
    expect(again.status).toBe(303);
    await expectDone(
      await coordinator.post(`/cases/${caseId}/meetings/move`, { meetingId, ...meetingFields(third) }),
      caseId,
      'moveMeeting',
    );
    const mails = await startupMails(3);
    expect(mails.map((m) => sequenceOf(m.cal.icsText))).toEqual([0, 1, 2]);
    expect(new Set(mails.map((m) => m.cal.uid)).size).toBe(1);
    expect(mails.map((m) => m.cal.method)).toEqual(['REQUEST', 'REQUEST', 'REQUEST']);
    expect(mails[1]?.cal.start.getTime()).toBe(second.start);
    expect(mails[1]?.cal.icsText).toContain('LOCATION:REMAKE\\, entrén');
    expect(mails[2]?.cal.start.getTime()).toBe(third.start);
    const parsed = await parsedMail(host, mails[2]?.mail as StoredMail);
    expect(parsed.subject).toMatch(/^Ny tid: Uppstartsmöte/);
    // From the platform; a plain reply reaches the coordinator who organises it.
    expect(parsed.replyTo?.value.map((a) => a.address)).toEqual([
      'karin.praktikansvarig@stadsmissionen.example',
    ]);
    expect(mails[2]?.cal.organizer).toBe('mailto:karin.praktikansvarig@stadsmissionen.example');
    expect(parsed.text).toContain('har fått en ny tid');
  });

  it('refuses a move to a time in the past, with the field named, and nothing changes', async () => {
    const r = await coordinator.post(`/cases/${caseId}/meetings/move`, {
      meetingId,
      ...meetingFields(meetingTime(host, { fromNow: -2 * DAY_MS })),
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain(`id="moveMeeting-${meetingId}-date-error"`);
    expect((await startupMails(3)).length).toBe(3);
  });

  it('cancels it: a CANCEL of the same UID to everyone, and the case is back to booking', async () => {
    await expectDone(
      await coordinator.post(`/cases/${caseId}/meetings/cancel`, { meetingId }),
      caseId,
      'cancelMeeting',
    );
    const mails = await startupMails(4);
    const cancel = mails[3];
    expect(cancel?.cal.method).toBe('CANCEL');
    expect(cancel?.cal.uid).toBe(mails[0]?.cal.uid);
    expect(sequenceOf(cancel?.cal.icsText ?? '')).toBeGreaterThanOrEqual(2);
    expect(cancel?.cal.icsText).toContain('STATUS:CANCELLED');
    expect(cancel?.cal.icsText).not.toContain('VALARM');
    expect(cancel?.cal.attendees).toEqual([`mailto:${PARTICIPANT}`, `mailto:${SUPERVISOR}`]);
    const parsed = await parsedMail(host, cancel?.mail as StoredMail);
    expect(parsed.subject).toMatch(/^Inställt: Uppstartsmöte/);
    await waitForStep(coordinator, caseId, 'startupMeeting');
    // Cancelled twice is still cancelled once; moving a cancelled meeting is refused.
    expect((await coordinator.post(`/cases/${caseId}/meetings/cancel`, { meetingId })).status).toBe(303);
    const move = await coordinator.post(`/cases/${caseId}/meetings/move`, {
      meetingId,
      ...meetingFields(first()),
    });
    expect(move.status).toBe(409);
    expect(pageText(await move.text())).toContain('Inget sparades');
  });

  let rebooked: MeetingTime;
  it('books it again: a new event under a new UID', async () => {
    rebooked = first();
    await expectDone(
      await coordinator.post(`/cases/${caseId}/startup-meeting`, {
        ...meetingFields(rebooked),
        supervisorEmail: SUPERVISOR,
        inviteCaseOfficer: 'no',
      }),
      caseId,
      'scheduleStartup',
    );
    const mails = await startupMails(5);
    expect(mails[4]?.cal.method).toBe('REQUEST');
    expect(mails[4]?.cal.uid).not.toBe(mails[0]?.cal.uid);
    expect(sequenceOf(mails[4]?.cal.icsText ?? '')).toBe(0);
    expect(mails).toHaveLength(5);
    await waitForStep(coordinator, caseId, 'individualPlan');
  });

  it('refuses a time when the participant or the supervisor is already in a meeting, naming it', async () => {
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    const newCase = async (identityNumber: string) => {
      const id = await submitReferral(
        referrer,
        referralForm({
          identityNumber,
          unitId: 'remake',
          plannedStart: virtualDay(host, 7),
          plannedEnd: virtualDay(host, 200),
        }),
      );
      await acceptReferral(coordinator, id);
      await waitForStep(coordinator, id, 'studyVisitProposal');
      return id;
    };
    const own = (await caseJson(coordinator, caseId)) as { reference?: string };
    const overlapping = { ...rebooked, startTime: rebooked.startTime, location: 'Någon annanstans' };

    // The same person (same identity number) in a second case: a study visit at the same time.
    const samePerson = await newCase(MOA);
    const clash = await coordinator.post(`/cases/${samePerson}/study-visit`, meetingFields(overlapping));
    expect(clash.status).toBe(400);
    const said = fieldError(await clash.text(), 'date') ?? '';
    expect(said).toContain('krockar');
    expect(said).toContain(String(own.reference));
    expect(said).not.toMatch(/Moa|811218/);

    // Another person, the same supervisor: a start-up meeting with Sami at the same time.
    const other = await newCase(nextPerson());
    await expectDone(
      await coordinator.post(
        `/cases/${other}/study-visit`,
        meetingFields(meetingTime(host, { fromNow: 2 * DAY_MS })),
      ),
      other,
      'proposeStudyVisit',
    );
    await waitForStep(coordinator, other, 'studyVisitOutcome');
    await expectDone(
      await coordinator.post(`/cases/${other}/study-visit/outcome`, { outcome: 'wantsToStart' }),
      other,
      'recordStudyVisitOutcome',
    );
    await waitForStep(coordinator, other, 'startupMeeting');
    const sami = await coordinator.post(`/cases/${other}/startup-meeting`, {
      ...meetingFields(overlapping),
      supervisorEmail: SUPERVISOR,
      inviteCaseOfficer: 'no',
    });
    expect(sami.status).toBe(400);
    expect(fieldError(await sami.text(), 'date')).toContain(String(own.reference));
    // An hour after it ends, the same booking goes through.
    await expectDone(
      await coordinator.post(`/cases/${other}/startup-meeting`, {
        ...meetingFields(meetingTime(host, { at: rebooked.end + 3_600_000 })),
        supervisorEmail: SUPERVISOR,
        inviteCaseOfficer: 'no',
      }),
      other,
      'scheduleStartup',
    );
  });
});
