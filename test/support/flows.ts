import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { expect } from 'vitest';
import { stockholmToInstant } from '#core/forms/meeting-time';
import { exampleIdentityNumber } from '#core/personnummer';
import { pollUntil, type TestHost } from './host.ts';
import { inbox, Session, type StoredMail, USERS } from './session.ts';

/**
 * Steps of the placement process as a person takes them over HTTP, for the integration tests:
 * forms posted the way the case page's forms post them, the case read from its API, mail read
 * from the local inbox, and the host's virtual clock (accelerated time) read from its anchor.
 */

export const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Virtual time

interface ClockAnchor {
  realAnchor: number;
  virtualAnchor: number;
  scale: number;
}

/** The host's clock anchor (`<dataDir>/clock.json`), written when the host first started. */
export function clockAnchor(host: TestHost): ClockAnchor {
  return JSON.parse(readFileSync(join(host.dataDir, 'clock.json'), 'utf8')) as ClockAnchor;
}

/** The host's workflow time now (epoch ms): what its handlers read from their clock. */
export function virtualNow(host: TestHost): number {
  const a = clockAnchor(host);
  return Math.floor(a.virtualAnchor + (Date.now() - a.realAnchor) * a.scale);
}

/** Real milliseconds until the host's workflow time reaches `at`. */
export function realMsUntil(host: TestHost, at: number): number {
  const a = clockAnchor(host);
  return Math.max(0, (at - virtualNow(host)) / a.scale);
}

/** Waits (polling, with a deadline) until the host's workflow time has passed `at`. */
export async function untilVirtual(host: TestHost, at: number, what: string) {
  await pollUntil(
    `virtual time to reach ${new Date(at).toISOString()} (${what})`,
    async () => virtualNow(host) >= at,
    realMsUntil(host, at) + 10_000,
  );
}

const STOCKHOLM = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** Date (YYYY-MM-DD) and time (HH:MM) of an instant on a Stockholm wall clock. */
export function stockholm(ms: number): { date: string; time: string } {
  const parts = STOCKHOLM.formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/** The UTC calendar day of an instant (what the server's date rules compare with). */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A calendar day `days` from the host's workflow time (for referral periods). */
export const virtualDay = (host: TestHost, days: number) => utcDay(virtualNow(host) + days * DAY_MS);

export interface MeetingTime {
  date: string;
  startTime: string;
  endTime: string;
  location: string;
  /** The instant the meeting starts and ends (epoch ms). */
  start: number;
  end: number;
}

/**
 * A meeting form's time fields: the meeting starts at the first whole minute at least `fromNow`
 * (a day unless told) after the host's workflow time (or at `at`) and lasts `minutes`; moved to the next morning when
 * it would cross midnight in Stockholm (a meeting has one date).
 */
export function meetingTime(
  host: TestHost,
  o: { fromNow?: number; at?: number; minutes?: number; location?: string } = {},
): MeetingTime {
  const minutes = o.minutes ?? 60;
  let start = Math.ceil((o.at ?? virtualNow(host) + (o.fromNow ?? DAY_MS)) / 60_000) * 60_000;
  let s = stockholm(start);
  let e = stockholm(start + minutes * 60_000);
  if (e.date !== s.date || e.time <= s.time) {
    start = stockholmToInstant(stockholm(start + DAY_MS).date, '08:00').getTime();
    s = stockholm(start);
    e = stockholm(start + minutes * 60_000);
  }
  return {
    date: s.date,
    startTime: s.time,
    endTime: e.time,
    location: o.location ?? 'InfoKooperativet Amiralen, Malmö',
    start,
    end: start + minutes * 60_000,
  };
}

export const meetingFields = (m: MeetingTime) => ({
  date: m.date,
  startTime: m.startTime,
  endTime: m.endTime,
  location: m.location,
});

// ---------------------------------------------------------------------------------------------
// Forms and the case

/** Posts a form as a browser does: a repeated field (checkboxes) as one pair per value. */
export function postForm(s: Session, path: string, fields: Record<string, string | readonly string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields))
    for (const one of typeof v === 'string' ? [v] : v) body.append(k, one);
  return s.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
}

let submissions = 0;
/** A fresh submission id, as the referral form carries one. */
export const submissionId = (tag = 'sub') =>
  `${tag}-${Date.now().toString(36)}-${(++submissions).toString(36).padStart(4, '0')}-00000000`.slice(0, 64);

export interface ReferralValues {
  submissionId: string;
  participantName: string;
  identityNumber: string;
  email: string;
  phone: string;
  gender: string;
  placementAgreementRef: string;
  unitId: string;
  adaptationNeeds: string;
  languageSupport: string;
  language: string;
  /** The language of mail to the participant (Swedish when left out). */
  mailLanguage?: 'sv' | 'en';
  plannedStart: string;
  plannedEnd: string;
}

/** Each referral a different person (a valid made-up identity number), unless told. */
let person = Math.floor(Math.random() * 500);
export const nextPerson = (): string => {
  const serial = (person++ % 999) + 1;
  // 987 is the fixed number tests name on purpose (19811218-9876); never hand it out by chance.
  return serial === 987 ? nextPerson() : exampleIdentityNumber(serial);
};

export function referralForm(o: Partial<ReferralValues> & { plannedStart: string; plannedEnd: string }) {
  return {
    submissionId: submissionId('ref'),
    participantName: 'Test Deltagare',
    identityNumber: nextPerson(),
    email: 'deltagare@example.se',
    phone: '070-123 45 67',
    gender: 'woman',
    placementAgreementRef: 'PÖ-2026-1',
    unitId: 'amiralen',
    adaptationNeeds: '',
    languageSupport: 'no',
    language: '',
    ...o,
  };
}

export const caseIdOf = (r: Response) =>
  /\/cases\/([a-z0-9]+)/.exec(r.headers.get('location') ?? '')?.[1] ?? '';

/** Submits a referral; gives the new case's id. */
export async function submitReferral(s: Session, form: Record<string, string>): Promise<string> {
  const r = await s.post('/referrals', form);
  if (r.status !== 303) throw new Error(`referral refused: ${r.status} ${await r.text()}`);
  const id = caseIdOf(r);
  expect(id).not.toBe('');
  return id;
}

export interface CaseJson {
  caseId: string;
  reference: string;
  status: string;
  phase: string;
  unitId: string;
  waitingFor: string | null;
  place: { queuedAt?: string; assignedAt?: string; releasedAt?: string } | null;
  workingTime: { percent: number; hoursPerWeek: number; since: string } | null;
  meetings: { meetingId: string; kind: string; start: string; invitationSent: boolean; recorded: boolean }[];
  closure: { category: string; closedAt: string } | null;
  problem: { state: string; error: string } | null;
  studyVisit: { invitationSent: boolean; outcome: string | null } | null;
}

export async function caseJson(s: Session, caseId: string): Promise<CaseJson> {
  const r = await s.get(`/api/cases/${caseId}`);
  if (r.status !== 200) throw new Error(`GET /api/cases/${caseId}: ${r.status}`);
  return (await r.json()) as CaseJson;
}

/** Polls until the case's workflow waits on `step` (its task token is in the record). */
export function waitForStep(s: Session, caseId: string, step: string, timeoutMs = 60_000) {
  return pollUntil(
    `case ${caseId} waiting for ${step}`,
    async () => {
      const c = await caseJson(s, caseId);
      return c.waitingFor === step ? c : undefined;
    },
    timeoutMs,
  );
}

/** Polls until the case is in `phase`. */
export function waitForPhase(s: Session, caseId: string, phase: string, timeoutMs = 60_000) {
  return pollUntil(
    `case ${caseId} in phase ${phase}`,
    async () => {
      const c = await caseJson(s, caseId);
      return c.phase === phase ? c : undefined;
    },
    timeoutMs,
  );
}

/** The ESF+ entry figures a coordinator records on acceptance. */
export const ESF_ENTRY = {
  labourMarketStatus: 'longTermUnemployed',
  education: 'isced3to4',
  disability: 'undisclosed',
  foreignBackground: 'thirdCountryNational',
} as const;

/** The project's target group is asked too (optional: a case without it counts as not recorded). */
export const acceptForm = () => ({
  decision: 'accepted',
  reason: '',
  ...ESF_ENTRY,
  targetGroup: 'illHealthFirstTraining',
});

/** The coordinator accepts the referral (the intake form), expecting it done. */
export async function acceptReferral(coordinator: Session, caseId: string) {
  const r = await coordinator.post(`/cases/${caseId}/intake`, acceptForm());
  if (r.status !== 303) throw new Error(`intake refused: ${r.status} ${await r.text()}`);
  expect(r.headers.get('location')).toBe(`/cases/${caseId}?done=decideIntake`);
  return r;
}

/** Asserts a form post was done (Post/Redirect/Get to the case with a notice). */
export async function expectDone(r: Response, caseId: string, action: string) {
  if (r.status !== 303)
    throw new Error(`${action}: expected 303, got ${r.status}: ${pageText(await r.text())}`);
  expect(r.headers.get('location')).toBe(`/cases/${caseId}?done=${action}`);
}

/** Asserts a form came back with field errors (400); gives the page. */
export async function expectFieldErrors(r: Response, fields: string[]): Promise<string> {
  const page = await r.text();
  if (r.status !== 400) throw new Error(`expected 400, got ${r.status}: ${pageText(page).slice(0, 500)}`);
  // A case page prefixes its field ids with the form's action (decideIntake-reason-error).
  for (const f of fields)
    expect(page, `error on ${f}`).toMatch(new RegExp(`id="(?:[A-Za-z0-9-]+-)?${f}-error"`));
  return page;
}

/** The message shown at a field's error (its `<p id="<field>-error">`), as text. */
export function fieldError(page: string, field: string): string | undefined {
  const m = new RegExp(`<p class="error-text" id="(?:[A-Za-z0-9-]+-)?${field}-error">([\\s\\S]*?)</p>`).exec(
    page,
  );
  return m ? pageText(m[1] ?? '') : undefined;
}

/** The visible text of a page (tags dropped, entities of the escaper undone), for messages. */
export function pageText(page: string): string {
  return page
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Mail

/** Whether a staff mail is about the case (its link names the case). */
export const aboutCase = (m: StoredMail, caseId: string) => (m.body.text ?? '').includes(`/cases/${caseId}`);
/** The addresses a mail went to (the local store may keep them as one comma-separated string). */
export const recipients = (m: StoredMail) =>
  m.destination.to
    .flatMap((a) => a.split(','))
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean);
export const sentTo = (m: StoredMail, address: string) => recipients(m).includes(address.toLowerCase());

/** Polls the local inbox until a mail matches; gives it. */
export function waitForMail(
  host: TestHost,
  what: string,
  match: (m: StoredMail) => boolean,
  timeoutMs = 60_000,
): Promise<StoredMail> {
  return pollUntil(what, async () => (await inbox(host.sesUrl)).find(match), timeoutMs);
}

/** The whole message as the SES store holds it, through a real MIME parser. */
export async function parsedMail(host: TestHost, m: StoredMail) {
  const eml = await fetch(`${host.sesUrl}/get-emlContent?messageId=${m.messageId}`);
  const { body } = (await eml.json()) as { body: { type: 'Buffer'; data: number[] } };
  return simpleParser(Buffer.from(body.data).toString('utf8'));
}

export interface CalendarRequest {
  method: string;
  uid: string;
  sequence: number;
  organizer: string;
  attendees: string[];
  start: Date;
  end: Date;
  icsText: string;
}

/** The calendar part of an invitation, through ical.js. */
export function calendarOf(m: StoredMail): CalendarRequest {
  const ics = (m.attachments ?? []).find((a) => /calendar|ics/.test(a.contentType));
  if (!ics) throw new Error(`no calendar in "${m.subject}"`);
  const icsText = Buffer.from(ics.content, 'base64').toString('utf8');
  const cal = new ICAL.Component(ICAL.parse(icsText));
  const vtz = cal.getFirstSubcomponent('vtimezone');
  if (vtz) ICAL.TimezoneService.register(vtz);
  const vevent = cal.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('VEVENT expected');
  return {
    method: String(cal.getFirstPropertyValue('method')),
    uid: String(vevent.getFirstPropertyValue('uid')),
    sequence: Number(vevent.getFirstPropertyValue('sequence')),
    organizer: String(vevent.getFirstPropertyValue('organizer')).toLowerCase(),
    attendees: vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase()),
    start: (vevent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate(),
    end: (vevent.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate(),
    icsText,
  };
}

/**
 * A referral (made-up values, `o` over them) submitted by Anna, accepted by Karin, waiting for a
 * study-visit time; both signed in.
 */
export async function acceptedReferral(host: TestHost, o: Partial<ReferralValues> = {}) {
  const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
  const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
  const caseId = await submitReferral(
    referrer,
    referralForm({
      unitId: 'matmissionen',
      plannedStart: virtualDay(host, 10),
      plannedEnd: virtualDay(host, 200),
      ...o,
    }),
  );
  await acceptReferral(coordinator, caseId);
  await waitForStep(coordinator, caseId, 'studyVisitProposal');
  return { caseId, referrer, coordinator };
}

/** The coordinator proposes the study visit `fromNow` ahead on the host's clock; gives its time. */
export async function proposeVisit(
  host: TestHost,
  coordinator: Session,
  caseId: string,
  fromNow: number,
  location?: string,
) {
  const visit = meetingTime(host, { fromNow, ...(location ? { location } : {}) });
  await expectDone(
    await coordinator.post(`/cases/${caseId}/study-visit`, meetingFields(visit)),
    caseId,
    'proposeStudyVisit',
  );
  return visit;
}

/** Whether `m` carries the same calendar event, at the same SEQUENCE, as `mail` (another copy of it). */
export const sameInvitation = (mail: StoredMail) => {
  const a = calendarOf(mail);
  return (m: StoredMail) => {
    if (!(m.attachments ?? []).some((x) => /calendar|ics/.test(x.contentType))) return false;
    const b = calendarOf(m);
    return b.uid === a.uid && b.sequence === a.sequence && b.method === a.method;
  };
};

/**
 * An accepted case through its study visit (proposed at `visit`, the participant wants to start)
 * to the booking of the start-up meeting.
 */
export async function throughStudyVisit(
  host: TestHost,
  coordinator: Session,
  caseId: string,
  visit: MeetingTime = meetingTime(host),
) {
  await waitForStep(coordinator, caseId, 'studyVisitProposal');
  await expectDone(
    await coordinator.post(`/cases/${caseId}/study-visit`, meetingFields(visit)),
    caseId,
    'proposeStudyVisit',
  );
  await waitForStep(coordinator, caseId, 'studyVisitOutcome');
  await expectDone(
    await coordinator.post(`/cases/${caseId}/study-visit/outcome`, { outcome: 'wantsToStart' }),
    caseId,
    'recordStudyVisitOutcome',
  );
  await waitForStep(coordinator, caseId, 'startupMeeting');
}
