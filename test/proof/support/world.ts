import { randomBytes } from 'node:crypto';
import type { RouteDef } from '#functions/routes';
import {
  acceptReferral,
  DAY_MS,
  expectDone,
  meetingFields,
  meetingTime,
  referralForm,
  sentTo,
  submitReferral,
  throughStudyVisit,
  virtualDay,
  waitForMail,
} from '#test/support/flows';
import { pollUntil, type TestHost } from '#test/support/host';
import { Session, USERS } from '#test/support/session';
import { createUnit } from './faults.ts';

/**
 * The world the fuzz and matrix goals probe, made through the real HTTP flow: a unit of their own
 * (so a full seeded unit cannot stop the case), a case of Anna's organisation accepted, through
 * its study visit and with its start-up meeting booked with Sami as supervisor (so every role the
 * route table names can see it, and the participant's link exists), a second case for the
 * destructive routes (erasure, console actions), a case of another organisation (Erik's), an
 * account to disable and enable, and a unit to edit.
 */
export type Principal = keyof typeof USERS;
export const PRINCIPALS = Object.keys(USERS) as Principal[];

export interface World {
  host: TestHost;
  sessions: Record<Principal, Session>;
  /** Anna's organisation's case, supervisor Sami, start-up meeting booked. */
  caseId: string;
  /** Another case of Anna's organisation: erasure and console actions may act on it. */
  spareCaseId: string;
  /** Erik's (another organisation's) case. */
  otherOrgCaseId: string;
  /** The participant's own link of `caseId`'s start-up meeting. */
  token: string;
  /** The world's unit (the cases' place) and a unit only for edits. */
  unitId: string;
  editUnitId: string;
  /** An invited account, to disable and enable. */
  staffId: string;
  /** `caseId`'s workflow execution. */
  executionName: string;
  /** Personal data the world submitted (for the personal-data goal). */
  personalData: string[];
}

const PARTICIPANT_NAME = 'Vera Världsdottir';

export async function signIn(host: TestHost, who: Principal): Promise<Session> {
  return new Session(host.baseUrl).signIn(USERS[who]);
}

/** Name/value pairs of the first form on a page whose action is `action` (inputs, textareas, selects). */
export function formValues(page: string, action: string): Record<string, string> {
  const start = page.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const end = page.indexOf('</form>', start);
  const form = page.slice(start, end < 0 ? undefined : end);
  const out: Record<string, string> = {};
  const unescapeHtml = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    if (!name) continue;
    const type = /\btype="([^"]*)"/.exec(tag)?.[1] ?? 'text';
    if ((type === 'radio' || type === 'checkbox') && !/\bchecked\b/.test(tag)) continue;
    out[name] = unescapeHtml(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g))
    out[m[1] as string] = unescapeHtml(m[2] ?? '');
  for (const m of form.matchAll(/<select\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected\b/.exec(m[2] ?? '');
    out[m[1] as string] = unescapeHtml(selected?.[1] ?? '');
  }
  return out;
}

async function inviteStaff(admin: Session): Promise<string> {
  const page = await (await admin.get('/admin/staff')).text();
  const form = formValues(page, '/admin/staff');
  const email = `proof.konto.${randomBytes(4).toString('hex')}@stadsmissionen.example`;
  const r = await admin.post('/admin/staff', {
    ...form,
    staffName: 'Bevis Konto',
    staffEmail: email,
    staffRole: 'supervisor',
    staffOrganisation: 'skane-stadsmission',
  });
  if (r.status !== 303) throw new Error(`staff not invited: ${r.status} ${(await r.text()).slice(0, 300)}`);
  const list = await (await admin.get('/admin/staff')).text();
  const at = list.indexOf(email);
  const id = /\/admin\/staff\/([A-Za-z0-9-]+)\/disable/.exec(list.slice(at))?.[1];
  if (at < 0 || !id) throw new Error('invited account not listed with a disable link');
  return id;
}

export async function buildWorld(host: TestHost, log: (m: string) => void): Promise<World> {
  const sessions = Object.fromEntries(
    await Promise.all(PRINCIPALS.map(async (p) => [p, await signIn(host, p)] as const)),
  ) as Record<Principal, Session>;
  const { admin, referrer, otherReferrer, coordinator } = sessions;
  const tag = randomBytes(3).toString('hex');
  const unitId = await createUnit(admin, `Bevisenheten ${tag}`, 40);
  const editUnitId = await createUnit(admin, `Redigeringsenheten ${tag}`, 40);
  const staffId = await inviteStaff(admin);

  const participantEmail = `vera.${tag}@example.se`;
  const form = referralForm({
    participantName: PARTICIPANT_NAME,
    email: participantEmail,
    unitId,
    plannedStart: virtualDay(host, 7),
    plannedEnd: virtualDay(host, 200),
  });
  const caseId = await submitReferral(referrer, form);
  const spare = referralForm({
    unitId,
    plannedStart: virtualDay(host, 7),
    plannedEnd: virtualDay(host, 200),
  });
  const spareCaseId = await submitReferral(referrer, spare);
  const other = referralForm({
    unitId,
    plannedStart: virtualDay(host, 7),
    plannedEnd: virtualDay(host, 200),
  });
  const otherOrgCaseId = await submitReferral(otherReferrer, other);
  log(`world: unit ${unitId}, cases ${caseId} (spare ${spareCaseId}, other org ${otherOrgCaseId})`);

  await acceptReferral(coordinator, caseId);
  await throughStudyVisit(host, coordinator, caseId, meetingTime(host));
  await expectDone(
    await coordinator.post(`/cases/${caseId}/startup-meeting`, {
      ...meetingFields(meetingTime(host, { fromNow: 3 * DAY_MS })),
      supervisorEmail: 'sami.handledare@stadsmissionen.example',
      inviteCaseOfficer: 'no',
    }),
    caseId,
    'scheduleStartup',
  );
  const mail = await waitForMail(
    host,
    'the start-up invitation with its participant link',
    (m) => sentTo(m, participantEmail) && /Uppstartsmöte/.test(m.subject) && /\/m\//.test(m.body.text ?? ''),
  );
  const token = /\/m\/([A-Za-z0-9_-]{22,64})/.exec(mail.body.text ?? '')?.[1];
  if (!token) throw new Error('no participant link in the start-up invitation');
  const executionName = await pollUntil('the case’s execution', async () => {
    const r = await admin.get(`/api/admin/placements/${caseId}`);
    return new RegExp(`case-${caseId}-\\d+`).exec(await r.text())?.[0];
  });
  return {
    host,
    sessions,
    caseId,
    spareCaseId,
    otherOrgCaseId,
    token,
    unitId,
    editUnitId,
    staffId,
    executionName,
    personalData: [form, spare, other].flatMap((f) => [
      f.participantName,
      f.identityNumber,
      f.email,
      f.phone,
      ...(f.adaptationNeeds ? [f.adaptationNeeds] : []),
    ]),
  };
}

/**
 * The value each path parameter takes in a probe. A route whose path names a parameter missing
 * here has no probe: both goals fail on it, so a new route cannot escape them.
 */
export function probeValues(w: World, o: { destructive: boolean }): Record<string, string> {
  return {
    caseId: o.destructive ? w.spareCaseId : w.caseId,
    token: w.token,
    unitId: o.destructive ? w.editUnitId : w.unitId,
    staffId: w.staffId,
    executionName: w.executionName,
    // Coordinators and admins may both take it (the console's first two actions).
    action: 'remindNow',
  };
}

export const paramsOf = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);

/** The route's path with each parameter filled in (encoded), or the names it has no value for. */
export function fillPath(
  r: Pick<RouteDef, 'path'>,
  values: Record<string, string>,
): { path: string; missing: string[] } {
  const missing = paramsOf(r.path).filter((p) => values[p] === undefined);
  const path = r.path.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(values[p] ?? ''));
  return { path, missing };
}

/** A route that changes something when it acts: fuzzed on the world's spare objects. */
export const isDestructive = (r: Pick<RouteDef, 'method' | 'path'>) =>
  r.method === 'POST' && /\/admin\/(privacy\/erase|placements|units\/\{unitId\})/.test(r.path);

export const otherOrgCase = (w: World) => w.otherOrgCaseId;
export const PARTICIPANT = PARTICIPANT_NAME;

let shared: { host: TestHost; world: Promise<World> } | undefined;
/** One world per host for both goals (built on first use). */
export function worldFor(host: TestHost, log: (m: string) => void): Promise<World> {
  if (shared?.host !== host) {
    const world = buildWorld(host, log);
    shared = { host, world };
    world.catch(() => {
      if (shared?.world === world) shared = undefined;
    });
  }
  return shared.world;
}
