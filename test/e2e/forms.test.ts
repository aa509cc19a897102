import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FieldIssue } from '#core/errors';
import { ACTIONS, type ActionName } from '#core/process/declaration';
import {
  type CaseJson,
  caseJson,
  DAY_MS,
  type MeetingTime,
  meetingTime,
  referralForm,
  stockholm,
  submitReferral,
  untilVirtual,
  utcDay,
  virtualDay,
  virtualNow,
} from '#test/support/flows';
import { type Lang, t, tDynamic } from '#web/i18n';
import { issueText } from '#web/issue-texts';
import { refusalText } from '#web/process-texts';
import { checkPage, type InPage, launchChromium, signedIn as signInAs } from '../support/browser.ts';
import { pollUntil, startTestHost, type TestHost } from '../support/host.ts';
import { Session, USERS } from '../support/session.ts';

/**
 * Every form of the placement process, filled in Chromium as a person would, errors first: each
 * form is sent empty or with wrong values, and the page that comes back must show every problem
 * in one round (the error summary above the form with a link to each field, the field's own
 * message next to it, `aria-invalid` on the field), keep what was typed, and record nothing.
 * Corrected, the form takes effect: the case moves on, or the record shows it. Rules that refuse
 * (working time, the six-month question not yet open) name themselves in the page's language; a
 * record form whose meeting is still ahead says when it opens. axe checks every page visited; the
 * pages with errors must not scroll sideways at 320 px.
 *
 * One placement goes from intake to the question after closing; a second referral is declined.
 * The coordinator (Karin), the supervisor (Sami) and the case officer (Anna) each have their own
 * browser context, signed in through the local sign-in page. Referrals are posted over HTTP (the
 * referral form has its own browser test). Workflow time runs 20 000× faster, so the meetings
 * booked a day or so ahead have taken place a few seconds later; the other waits are real.
 *
 * Not covered: the repair form. It opens only when a workflow step fails for good (a participant
 * address the mail writer refuses), and the referral form accepts exactly the addresses the mail
 * writer accepts, so no route leads there; the workflow test covers it.
 */

const SCALE = 20_000;
/** Meetings are booked this many real milliseconds ahead: time to fill the form, errors first. */
const BOOKING_MARGIN_MS = 6_000;
/** The start-up meeting further ahead: Sami first sees when the plan's form opens. */
const STARTUP_MARGIN_MS = 10_000;
const UNIT = {
  id: 'insamling-produktion',
  address: 'Stadsmissionen, Insamling och produktion, Malmö',
  supervisor: 'Sami Handledare',
  landingWeeks: 4,
};

let host: TestHost;
let browser: Browser;
/** One signed-in page per person. */
let karin: Page;
let sami: Page;
let anna: Page;
let coordinatorApi: Session;

const state = {
  /** The placement followed from intake to after closing. */
  caseId: '',
  /** A referral the coordinator declines. */
  declinedId: '',
  startup: undefined as MeetingTime | undefined,
  planStart: '',
  followUp: undefined as MeetingTime | undefined,
  closing: undefined as MeetingTime | undefined,
};

// ---------------------------------------------------------------------------------------------
// Words from the catalogue

const L = (key: string, lang: Lang = 'sv') => tDynamic(lang, key);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A label as the page shows it: the catalogue's words, with " *" when required. */
const labelled = (words: string) => new RegExp(`^${esc(words)}( \\*)?$`);

/** What a field's error must say. */
interface Said {
  field: string;
  /** Readable in a failure message. */
  what: string;
  test: (s: string) => boolean;
}
/** The catalogue's text for the issue, exactly. */
const issue = (i: FieldIssue, lang: Lang = 'sv'): Said => {
  const text = issueText(lang, i);
  return { field: i.field, what: `"${text}"`, test: (s) => s === text };
};
/** Marks a value in a catalogue text that the page fills in (see containsTemplate). */
const MARK = '\u0000';
/** A text with values filled in: each part of the template around the marked values is there, in order. */
function containsTemplate(actual: string, template: string): boolean {
  let from = 0;
  for (const part of template.split(MARK).map((p) => p.trim())) {
    const at = actual.indexOf(part, from);
    if (at < 0) return false;
    from = at + part.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Pages

/** The form of an action on the case page: a region named by its heading. */
const formOf = (p: Page, action: ActionName, lang: Lang = 'sv') =>
  p.getByRole('region', { name: L(`action_${action}`, lang), exact: true });

/** A field of a form, by its label. */
const field = (section: Locator, words: string) => section.getByLabel(labelled(words));
/** A radio button of a group (a fieldset named by its legend). */
const radio = (section: Locator, legend: string, option: string) =>
  section.getByRole('group', { name: labelled(legend) }).getByRole('radio', { name: option, exact: true });

const casePath = () => `/cases/${state.caseId}`;

async function openCase(p: Page, label: string, caseId = state.caseId) {
  await p.goto(`/cases/${caseId}`);
  expect(await p.getByRole('heading', { level: 1 }).textContent()).toMatch(/SV-\d{4}-\d{4}/);
  await checkPage(p, label);
}

/** The case as its API gives it, to the coordinator (over HTTP beside the browser). */
const api = (caseId = state.caseId): Promise<CaseJson> => caseJson(coordinatorApi, caseId);
const untilCase = (what: string, ok: (c: CaseJson) => boolean, caseId = state.caseId) =>
  pollUntil(what, async () => {
    const c = await api(caseId);
    return ok(c) ? c : undefined;
  });

/** Presses the form's button; gives the status of the POST (303 done, 400 errors, 409 refused). */
async function submit(p: Page, action: ActionName, o: { lang?: Lang; caseId?: string } = {}) {
  const lang = o.lang ?? 'sv';
  const path = `/cases/${o.caseId ?? state.caseId}/${ACTIONS[action].path}`;
  const [response] = await Promise.all([
    p.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
    // The page that answers (after a redirect, when done) replaces this one.
    p.waitForEvent('framenavigated', (f) => f === p.mainFrame()),
    formOf(p, action, lang)
      .getByRole('button', { name: L(`submit_${action}`, lang), exact: true })
      .click(),
  ]);
  await p.waitForLoadState('load');
  const status = response.status();
  const url = new URL(p.url());
  if (status === 303)
    expect(url.pathname + url.search).toBe(`${o.caseId ? `/cases/${o.caseId}` : casePath()}?done=${action}`);
  else expect(url.pathname).toBe(path);
  return status;
}

/** Done: back on the case page with the action's notice. */
async function expectDone(p: Page, status: number, action: ActionName, lang: Lang = 'sv') {
  if (status !== 303) {
    const shown = await p
      .locator('.error-summary')
      .allTextContents()
      .catch(() => []);
    throw new Error(`${action}: expected 303, got ${status}: ${shown.join(' | ')}`);
  }
  expect(new URL(p.url()).pathname).toBe(casePath());
  expect(await p.getByRole('status').textContent()).toBe(L(`done_${action}`, lang));
}

const focusedId = (p: Page) =>
  p.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id ?? '');

/**
 * The page that came back with field errors: every problem at once, above the form and at each
 * field, in the order of the form; the links move to the fields; only those fields are invalid.
 */
async function expectFieldErrors(
  p: Page,
  status: number,
  action: ActionName,
  said: Said[],
  lang: Lang = 'sv',
) {
  const label = `${action} with errors`;
  expect(status, `${label}: the status`).toBe(400);
  expect(await p.title()).toMatch(lang === 'sv' ? /^Fel: / : /^Error: /);
  expect(await p.locator('html').getAttribute('lang')).toBe(lang);
  const section = formOf(p, action, lang);
  const summary = section.getByRole('alert');
  expect(await summary.count(), `${label}: one error summary`).toBe(1);
  expect(await summary.getByRole('heading', { level: 2 }).textContent()).toBe(t(lang, 'errorSummary'));
  // Above the form, and where the page opens: focus is on it.
  expect(
    await section.locator('.error-summary + form').count(),
    `${label}: the summary is above the form`,
  ).toBe(1);
  await expect
    .poll(() => focusedId(p), { message: `${label}: focus on the error summary` })
    .toBe('error-summary');

  // Each field's element id is the action's prefix and the field's name.
  const idOf = (name: string) => `${action}-${name}`;
  const links = await summary
    .getByRole('link')
    .evaluateAll((as) => as.map((a) => [a.getAttribute('href') ?? '', a.textContent?.trim() ?? '']));
  expect(
    links.map(([href]) => href),
    `${label}: one link per problem, in the order of the form`,
  ).toEqual(said.map((s) => `#${idOf(s.field)}`));
  said.forEach((s, i) => {
    const text = links[i]?.[1] ?? '';
    expect(s.test(text), `${label}: summary link ${i + 1} says ${s.what}, not "${text}"`).toBe(true);
  });

  const fields = [...new Set(said.map((s) => s.field))];
  for (const name of fields) {
    const id = idOf(name);
    // The link's target is this form's field, and no other element of the page has its id.
    expect(await p.locator(`[id="${id}"]`).count(), `${label}: one element with id "${id}"`).toBe(1);
    const control = section.locator(`[id="${id}"]`);
    expect(await control.count(), `${label}: the field "${name}" is in the form`).toBe(1);
    expect(await control.getAttribute('name')).toBe(name);
    expect(await control.getAttribute('aria-invalid'), `${label}: aria-invalid on ${name}`).toBe('true');
    expect(
      (await control.getAttribute('aria-describedby'))?.split(' '),
      `${label}: ${name} described by its error`,
    ).toContain(`${id}-error`);
    // The field's own message, in the same wrapper as the field, with every problem of the field.
    const wrapper = section.locator('.field.has-error', { has: p.locator(`[id="${id}"]`) });
    expect(await wrapper.count(), `${label}: ${name} wrapped as an error`).toBe(1);
    const own = (await wrapper.locator(`[id="${id}-error"]`).textContent())?.trim() ?? '';
    for (const s of said.filter((x) => x.field === name)) {
      const words = (links.find(([href, text]) => href === `#${id}` && s.test(text)) ?? [])[1] ?? '';
      expect(
        own.includes(words) && words !== '',
        `${label}: the message at ${name} ("${own}") says ${s.what}`,
      ).toBe(true);
    }
  }
  // Nothing else is marked: the invalid controls are exactly the fields with problems.
  const invalid = await section
    .locator('[aria-invalid="true"]')
    .evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('name') ?? ''))]);
  expect(invalid.sort(), `${label}: the invalid fields`).toEqual([...fields].sort());
  expect(await section.locator('.error-text').count(), `${label}: one message per field`).toBe(fields.length);

  // Each link moves focus to its field.
  for (const name of fields) {
    await summary
      .locator(`a[href="#${idOf(name)}"]`)
      .first()
      .click();
    expect(await focusedId(p), `${label}: the link to ${name} focuses it`).toBe(idOf(name));
  }
  await checkPage(p, label, { narrow: true });
}

/** The page that came back refused by a rule: the reason in the form's place, focused, nothing saved. */
async function expectRefused(
  p: Page,
  status: number,
  action: ActionName,
  template: string,
  lang: Lang = 'sv',
) {
  const label = `${action} refused`;
  expect(status, `${label}: the status`).toBe(409);
  const section = formOf(p, action, lang);
  const alert = section.getByRole('alert');
  expect(await alert.count(), `${label}: one message`).toBe(1);
  const text = ((await alert.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  expect(containsTemplate(text, template), `${label}: "${text}" says "${template.replace(MARK, '…')}"`).toBe(
    true,
  );
  expect(text).toContain(L('refusedTitle', lang));
  await expect
    .poll(
      () =>
        p.evaluate(
          () => !!(globalThis as unknown as InPage).document.activeElement?.closest('[role="alert"]'),
        ),
      {
        message: `${label}: focus on the message`,
      },
    )
    .toBe(true);
  await checkPage(p, label, { narrow: true });
}

/** The text of a part of the page as shown (a term and its definition apart), spaces collapsed. */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text keeps <dt> and <dd> apart
const textOf = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();
const history = (p: Page) => p.getByRole('region', { name: L('history'), exact: true });

// ---------------------------------------------------------------------------------------------
// Meetings

/** A meeting soon on the host's clock: far enough ahead to fill the form, soon enough to wait for. */
const meetingSoon = (marginMs = BOOKING_MARGIN_MS) =>
  meetingTime(host, { fromNow: marginMs * SCALE, location: 'Stadsmissionen, Malmö' });

/** Wrong on every count at once: in the past, ending before it starts, no place. */
function wrongMeeting() {
  return { date: stockholm(virtualNow(host) - 3 * DAY_MS).date, startTime: '14:00', endTime: '13:00' };
}
const meetingErrors = (): Said[] => [
  issue({ field: 'date', code: 'past' }),
  issue({ field: 'endTime', code: 'order' }),
  issue({ field: 'location', code: 'required' }),
];

async function fillMeeting(
  section: Locator,
  m: { date: string; startTime: string; endTime: string; location?: string },
) {
  await field(section, t('sv', 'date')).fill(m.date);
  await field(section, t('sv', 'startTime')).fill(m.startTime);
  await field(section, t('sv', 'endTime')).fill(m.endTime);
  await field(section, t('sv', 'location')).fill(m.location ?? '');
}
async function expectMeetingKept(section: Locator, m: { date: string; startTime: string; endTime: string }) {
  expect(await field(section, t('sv', 'date')).inputValue()).toBe(m.date);
  expect(await field(section, t('sv', 'startTime')).inputValue()).toBe(m.startTime);
  expect(await field(section, t('sv', 'endTime')).inputValue()).toBe(m.endTime);
  expect(await field(section, t('sv', 'location')).inputValue()).toBe('');
}

/** Waits (real time, polling) until the meeting's invitation is out and the host's clock has passed its start. */
async function meetingHeld(kind: string, m: MeetingTime) {
  await untilCase(`the ${kind} invitation`, (c) =>
    c.meetings.some((x) => x.kind === kind && Date.parse(x.start) === m.start && x.invitationSent),
  );
  await untilVirtual(host, m.start + 60_000, `the ${kind} meeting to begin`);
}

// ---------------------------------------------------------------------------------------------

const signedIn = (name: RegExp, o: { checkSignInPage?: boolean } = {}) => signInAs(browser, host, name, o);

beforeAll(async () => {
  [host, browser] = await Promise.all([startTestHost({ timeScale: SCALE }), launchChromium()]);
  const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
  coordinatorApi = await new Session(host.baseUrl).signIn(USERS.coordinator);
  const period = { plannedStart: virtualDay(host, 7), plannedEnd: virtualDay(host, 300), unitId: UNIT.id };
  [state.caseId, state.declinedId] = await Promise.all([
    submitReferral(
      referrer,
      referralForm({ ...period, participantName: 'Frida Formulär', email: 'frida@example.se' }),
    ),
    submitReferral(
      referrer,
      referralForm({ ...period, participantName: 'Dag Avböjd', email: 'dag@example.se' }),
    ),
  ]);
  [karin, sami, anna] = await Promise.all([
    signedIn(/Karin Praktikansvarig/, { checkSignInPage: true }),
    signedIn(/Sami Handledare/),
    signedIn(/Anna Handläggare/),
  ]);
  // The coordinators are told first; the decision is taken once the workflow waits for it.
  for (const id of [state.caseId, state.declinedId])
    await untilCase('the intake decision to wait', (c) => c.waitingFor === 'intakeDecision', id);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await host?.stop();
});

// The steps build on each other: after a failure the rest are skipped rather than left to time out.
let failed = false;
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') failed = true;
});
beforeEach((ctx) => {
  if (failed) ctx.skip();
});

describe.sequential('every form of the placement, errors first', () => {
  it('intake: declining without a reason is refused at the field; with one, the case closes and the referrer reads it', async () => {
    const id = state.declinedId;
    await openCase(karin, "the coordinator's new referral", id);
    let section = formOf(karin, 'decideIntake');
    await section.getByRole('radio', { name: L('intake_declined'), exact: true }).check();
    const status = await submit(karin, 'decideIntake', { caseId: id });
    await expectFieldErrors(karin, status, 'decideIntake', [issue({ field: 'reason', code: 'required' })]);
    section = formOf(karin, 'decideIntake');
    expect(await section.getByRole('radio', { name: L('intake_declined'), exact: true }).isChecked()).toBe(
      true,
    );
    expect((await api(id)).phase).toBe('intake');

    const reason = 'Ingen passande uppgift just nu; prova Matmissionen.';
    await field(section, L('field_declineReasonReferrer')).fill(reason);
    const done = await submit(karin, 'decideIntake', { caseId: id });
    expect(done).toBe(303);
    expect(await karin.getByRole('status').textContent()).toBe(L('done_decideIntake'));
    await checkPage(karin, 'the declined referral');
    await untilCase('the declined case to close', (c) => c.status === 'closed', id);

    await openCase(anna, "the referrer's declined case", id);
    const facts = await textOf(anna.locator('main > dl'));
    expect(facts).toContain(`${L('field_declineReasonReferrer')} ${reason}`);
  });

  it('intake: accepting without the ESF+ figures shows all four at once; with them the placement waits for a study visit', async () => {
    await openCase(karin, "the coordinator's new referral");
    let section = formOf(karin, 'decideIntake');
    await section.getByRole('radio', { name: L('intake_accepted'), exact: true }).check();
    await field(section, L('field_education')).selectOption({ label: L('edu_isced3to4') });
    const status = await submit(karin, 'decideIntake');
    await expectFieldErrors(
      karin,
      status,
      'decideIntake',
      ['labourMarketStatus', 'disability', 'foreignBackground'].map((f) =>
        issue({ field: f, code: 'required' }),
      ),
    );
    section = formOf(karin, 'decideIntake');
    expect(await section.getByRole('radio', { name: L('intake_accepted'), exact: true }).isChecked()).toBe(
      true,
    );
    expect(await field(section, L('field_education')).inputValue()).toBe('isced3to4');
    expect((await api()).phase).toBe('intake');

    await field(section, L('field_labourMarketStatus')).selectOption({ label: L('lms_longTermUnemployed') });
    await field(section, L('field_disability')).selectOption({ label: L('yn_undisclosed') });
    await field(section, L('field_foreignBackground')).selectOption({ label: L('fb_no') });
    await expectDone(karin, await submit(karin, 'decideIntake'), 'decideIntake');
    await checkPage(karin, 'the accepted referral');
    expect((await api()).phase).toBe('studyVisitScheduling');
    const esf = await textOf(karin.getByRole('region', { name: L('entryStatistics'), exact: true }));
    expect(esf).toContain(`${L('field_education')} ${L('edu_isced3to4')}`);
    expect(esf).toContain(`${L('field_labourMarketStatus')} ${L('lms_longTermUnemployed')}`);
  });

  it('study visit: a proposal in the past, ending before it starts, without a place; then the invitation; then the outcome', async () => {
    let section = formOf(karin, 'proposeStudyVisit');
    expect(await field(section, t('sv', 'location')).inputValue()).toBe(UNIT.address);
    const wrong = wrongMeeting();
    await fillMeeting(section, wrong);
    const status = await submit(karin, 'proposeStudyVisit');
    await expectFieldErrors(karin, status, 'proposeStudyVisit', meetingErrors());
    section = formOf(karin, 'proposeStudyVisit');
    await expectMeetingKept(section, wrong);
    expect((await api()).studyVisit).toBeNull();

    const visit = meetingSoon();
    await fillMeeting(section, visit);
    await expectDone(karin, await submit(karin, 'proposeStudyVisit'), 'proposeStudyVisit');
    await checkPage(karin, 'the proposed study visit');
    expect(await textOf(history(karin))).toContain(visit.location);

    await untilCase('the study-visit invitation', (c) => c.phase === 'studyVisitInvited');
    await openCase(karin, 'the invited study visit');
    section = formOf(karin, 'recordStudyVisitOutcome');
    await section.getByRole('radio', { name: t('sv', 'outcome_declined'), exact: true }).check();
    const outcome = await submit(karin, 'recordStudyVisitOutcome');
    await expectFieldErrors(karin, outcome, 'recordStudyVisitOutcome', [
      issue({ field: 'declineReason', code: 'required' }),
    ]);
    section = formOf(karin, 'recordStudyVisitOutcome');
    expect(
      await section.getByRole('radio', { name: t('sv', 'outcome_declined'), exact: true }).isChecked(),
    ).toBe(true);
    expect((await api()).studyVisit?.outcome).toBeNull();

    await section.getByRole('radio', { name: t('sv', 'outcome_wantsToStart'), exact: true }).check();
    await expectDone(karin, await submit(karin, 'recordStudyVisitOutcome'), 'recordStudyVisitOutcome');
    await checkPage(karin, 'the study visit recorded');
    expect((await api()).phase).toBe('startupScheduling');
  });

  it('start-up meeting: no supervisor and a wrong time, all at once; then booked with Sami', async () => {
    let section = formOf(karin, 'scheduleStartup');
    const wrong = wrongMeeting();
    await fillMeeting(section, wrong);
    await radio(section, L('field_inviteCaseOfficer'), t('sv', 'yes')).check();
    const status = await submit(karin, 'scheduleStartup');
    await expectFieldErrors(karin, status, 'scheduleStartup', [
      issue({ field: 'supervisorEmail', code: 'required' }),
      ...meetingErrors(),
    ]);
    section = formOf(karin, 'scheduleStartup');
    await expectMeetingKept(section, wrong);
    expect(await radio(section, L('field_inviteCaseOfficer'), t('sv', 'yes')).isChecked()).toBe(true);
    expect((await api()).meetings).toEqual([]);

    await field(section, L('field_supervisor')).selectOption({ label: UNIT.supervisor });
    // Further ahead: Sami first sees the plan's form is not open before the meeting.
    const m = meetingSoon(STARTUP_MARGIN_MS);
    state.startup = m;
    await fillMeeting(section, m);
    await expectDone(karin, await submit(karin, 'scheduleStartup'), 'scheduleStartup');
    await checkPage(karin, 'the booked start-up meeting');
    const facts = await textOf(karin.locator('main > dl'));
    expect(facts).toContain(`${L('field_supervisor')} ${UNIT.supervisor}`);
    expect(await textOf(history(karin))).toContain(`${L('meeting_startup')}:`);
    expect((await api()).phase).toBe('startupPlanning');
  });

  it('individual plan: not open before the meeting; then every missing part at once; then training starts', async () => {
    const m = state.startup as MeetingTime;
    state.planStart = utcDay(m.start);
    await openCase(sami, "the supervisor's case before the start-up meeting");
    expect(virtualNow(host), 'the start-up meeting is still ahead').toBeLessThan(m.start);
    let section = formOf(sami, 'recordPlan');
    // Before the meeting the page says when the form opens, and has no form to fill in.
    const opens = L('opensAfterMeeting')
      .replace('{meeting}', L('meeting_startup'))
      .replace('{start}', MARK)
      .replace('{location}', m.location);
    const notice = await textOf(section);
    expect(containsTemplate(notice, opens), `"${notice}" says when the plan opens`).toBe(true);
    expect(await section.locator('form').count()).toBe(0);
    const goals = 'Komma igång och trivas i arbetsgruppen';
    const adaptations = 'Pauser varje timme; arbeta sittande vid behov';
    const fillPlan = async () => {
      await field(section, L('field_goals')).fill(goals);
      await section.getByRole('checkbox', { name: 'sortering', exact: true }).check();
      await section.getByRole('checkbox', { name: 'paketering', exact: true }).check();
      await field(section, L('field_percent')).selectOption({ label: '25 %' });
      await field(section, L('field_adaptations')).fill(adaptations);
      await field(section, L('field_startDate')).fill(state.planStart);
    };
    await meetingHeld('startup', m);

    await openCase(sami, "the supervisor's case after the start-up meeting");
    section = formOf(sami, 'recordPlan');
    await field(section, L('field_adaptations')).fill(adaptations);
    const status = await submit(sami, 'recordPlan');
    await expectFieldErrors(sami, status, 'recordPlan', [
      issue({ field: 'goals', code: 'required' }),
      issue({ field: 'tasks', code: 'required' }),
      issue({ field: 'percent', code: 'percent' }),
      issue({ field: 'startDate', code: 'date' }),
    ]);
    section = formOf(sami, 'recordPlan');
    expect(await field(section, L('field_adaptations')).inputValue()).toBe(adaptations);
    expect((await api()).workingTime).toBeNull();

    await fillPlan();
    await expectDone(sami, await submit(sami, 'recordPlan'), 'recordPlan');
    await checkPage(sami, 'the plan recorded');
    const c = await api();
    expect(c.phase).toBe('training');
    expect(c.workingTime).toMatchObject({ percent: 25, hoursPerWeek: 10, since: state.planStart });
    const plan = await textOf(history(sami));
    expect(plan).toContain(`${L('field_goals')} ${goals}`);
    expect(plan).toContain(`${L('field_tasks')} sortering, paketering`);
    expect(plan).toContain(`${L('field_startDate')} ${state.planStart}`);
  });

  it('supervision talk: the seven points kept when the date and the capacity question are missing; then recorded with a decline flagged', async () => {
    let section = formOf(sami, 'recordTalk');
    const points = {
      developmentGoals: 'Arbeta mer självständigt vid sorteringen',
      capacityAndHours: 'Orkar sämre än förra veckan',
      workEnvironment: 'Bullrigt vid lastkajen',
      whatWorks: 'Tydliga instruktioner på morgonen',
      challenges: 'Sömnproblem; tröttare på eftermiddagen',
      nextGoals: 'Hitta en jämn takt',
      actionPlan: 'Stäm av med handläggaren',
    };
    const formId = await section.locator('input[name="formId"]').inputValue();
    for (const [point, words] of Object.entries(points)) await field(section, L(`talk_${point}`)).fill(words);
    const status = await submit(sami, 'recordTalk');
    await expectFieldErrors(sami, status, 'recordTalk', [
      issue({ field: 'date', code: 'date' }),
      issue({ field: 'capacityDeclined', code: 'required' }),
    ]);
    section = formOf(sami, 'recordTalk');
    for (const [point, words] of Object.entries(points))
      expect(await field(section, L(`talk_${point}`)).inputValue(), point).toBe(words);
    expect(await section.locator('input[name="formId"]').inputValue()).toBe(formId);
    expect(await history(sami).locator('details').count()).toBe(0);

    const date = utcDay(virtualNow(host));
    await field(section, t('sv', 'date')).fill(date);
    await radio(section, L('field_capacityDeclined'), t('sv', 'yes')).check();
    await expectDone(sami, await submit(sami, 'recordTalk'), 'recordTalk');
    await checkPage(sami, 'the talk recorded');
    const talks = history(sami).locator('details');
    expect(await talks.count()).toBe(1);
    expect(await textOf(talks.locator('summary'))).toBe(`${date} – ${L('capacityDeclined')}`);
    await talks.locator('summary').click();
    expect(await textOf(talks)).toContain(`${L('talk_challenges')} ${points.challenges}`);
  });

  it('activity: no kind and no date; then logged on the case', async () => {
    let section = formOf(sami, 'logActivity');
    const note = 'Språkcafé på Folkets Hus';
    await field(section, L('field_note')).fill(note);
    const status = await submit(sami, 'logActivity');
    await expectFieldErrors(sami, status, 'logActivity', [
      issue({ field: 'kind', code: 'required' }),
      issue({ field: 'date', code: 'date' }),
    ]);
    section = formOf(sami, 'logActivity');
    expect(await field(section, L('field_note')).inputValue()).toBe(note);
    expect(await textOf(history(sami))).not.toContain(L('activities'));

    const date = utcDay(virtualNow(host));
    await field(section, L('field_activityKind')).selectOption({ label: L('activity_languageCafe') });
    await field(section, t('sv', 'date')).fill(date);
    await expectDone(sami, await submit(sami, 'logActivity'), 'logActivity');
    await checkPage(sami, 'the activity logged');
    expect(await textOf(history(sami))).toContain(`${date}: ${L('activity_languageCafe')} – ${note}`);
  });

  it('follow-up meeting: a wrong time first; then booked', async () => {
    await openCase(karin, "the coordinator's case in training");
    let section = formOf(karin, 'scheduleFollowUp');
    const wrong = wrongMeeting();
    await fillMeeting(section, wrong);
    const status = await submit(karin, 'scheduleFollowUp');
    await expectFieldErrors(karin, status, 'scheduleFollowUp', meetingErrors());
    section = formOf(karin, 'scheduleFollowUp');
    await expectMeetingKept(section, wrong);
    expect((await api()).meetings.filter((x) => x.kind === 'followUp')).toEqual([]);

    const m = meetingSoon();
    state.followUp = m;
    await fillMeeting(section, m);
    await expectDone(karin, await submit(karin, 'scheduleFollowUp'), 'scheduleFollowUp');
    await checkPage(karin, 'the booked follow-up meeting');
    expect(await textOf(history(karin))).toContain(`${L('meeting_followUp')}:`);
  });

  it('follow-up record: every answer missing at once; an increase the rules refuse, named in English; then a pause', async () => {
    await meetingHeld('followUp', state.followUp as MeetingTime);
    await openCase(karin, 'the follow-up meeting held');
    let section = formOf(karin, 'recordFollowUp');
    // The work tasks of the plan are chosen already.
    for (const task of ['sortering', 'paketering'])
      expect(await section.getByRole('checkbox', { name: task, exact: true }).isChecked(), task).toBe(true);
    const empty = await submit(karin, 'recordFollowUp');
    await expectFieldErrors(
      karin,
      empty,
      'recordFollowUp',
      ['participantPresent', 'caseOfficerPresent', 'summary', 'decision'].map((f) =>
        issue({ field: f, code: 'required' }),
      ),
    );
    expect((await api()).meetings.find((x) => x.kind === 'followUp')?.recorded).toBe(false);

    // In English: an increase without the case officer, inside the landing period, with a new task.
    await karin.getByRole('link', { name: 'In English' }).click();
    await karin.waitForURL((u) => u.search === '?lang=en');
    await checkPage(karin, 'the case page in English');
    section = formOf(karin, 'recordFollowUp', 'en');
    const summary = 'Wants more hours and to try transport.';
    await radio(section, L('field_participantPresent', 'en'), t('en', 'yes')).check();
    await radio(section, L('field_caseOfficerPresent', 'en'), t('en', 'no')).check();
    await field(section, L('field_summary', 'en')).fill(summary);
    await section.getByRole('radio', { name: L('decision_increase', 'en'), exact: true }).check();
    await field(section, L('field_newPercent', 'en')).fill('40');
    await section.getByRole('checkbox', { name: 'transport', exact: true }).check();
    const increase = await submit(karin, 'recordFollowUp', { lang: 'en' });
    const landed = utcDay(Date.parse(state.planStart) + UNIT.landingWeeks * 7 * DAY_MS);
    await expectFieldErrors(
      karin,
      increase,
      'recordFollowUp',
      [
        issue({ field: 'decision', code: 'increaseNeedsBoth' }, 'en'),
        issue(
          { field: 'decision', code: 'landing', params: { weeks: UNIT.landingWeeks, from: landed } },
          'en',
        ),
        issue({ field: 'tasks', code: 'noTaskChangeWithIncrease' }, 'en'),
      ],
      'en',
    );
    section = formOf(karin, 'recordFollowUp', 'en');
    expect(await radio(section, L('field_participantPresent', 'en'), t('en', 'yes')).isChecked()).toBe(true);
    expect(await radio(section, L('field_caseOfficerPresent', 'en'), t('en', 'no')).isChecked()).toBe(true);
    expect(await field(section, L('field_summary', 'en')).inputValue()).toBe(summary);
    expect(
      await section.getByRole('radio', { name: L('decision_increase', 'en'), exact: true }).isChecked(),
    ).toBe(true);
    expect(await field(section, L('field_newPercent', 'en')).inputValue()).toBe('40');
    for (const task of ['sortering', 'paketering', 'transport'])
      expect(await section.getByRole('checkbox', { name: task, exact: true }).isChecked(), task).toBe(true);
    const c = await api();
    expect(c.workingTime?.percent).toBe(25);
    expect(c.meetings.find((x) => x.kind === 'followUp')?.recorded).toBe(false);

    // Back in Swedish: the meeting decides a pause.
    await karin.getByRole('link', { name: 'På svenska' }).click();
    await karin.waitForURL((u) => u.search === '?lang=sv');
    await checkPage(karin, 'the case page in Swedish again');
    section = formOf(karin, 'recordFollowUp');
    await radio(section, L('field_participantPresent'), t('sv', 'yes')).check();
    await radio(section, L('field_caseOfficerPresent'), t('sv', 'yes')).check();
    await field(section, L('field_summary')).fill('Arbetsförmågan har sjunkit; vårdkontakt behövs.');
    await section.getByRole('radio', { name: L('decision_pause'), exact: true }).check();
    await field(section, L('field_reason')).fill('Försämrad arbetsförmåga, väntar på läkarbesök');
    await expectDone(karin, await submit(karin, 'recordFollowUp'), 'recordFollowUp');
    await checkPage(karin, 'the follow-up recorded');
    expect((await api()).phase).toBe('paused');
    expect(await textOf(history(karin))).toContain(`${L('decision_pause')} – Arbetsförmågan har sjunkit`);
  });

  it("resume: a doctor's statement dated in the future and a working time above its cap; then resumed under the cap", async () => {
    await openCase(sami, "the supervisor's paused case");
    let section = formOf(sami, 'resume');
    const future = utcDay(virtualNow(host) + 30 * DAY_MS);
    const avoid = 'Tunga lyft';
    await field(section, L('field_statementDate')).fill(future);
    await field(section, L('field_maxPercent')).fill('40');
    await field(section, L('field_resumePercent')).fill('50');
    await field(section, L('field_avoidTasks')).fill(avoid);
    const status = await submit(sami, 'resume');
    await expectFieldErrors(sami, status, 'resume', [
      issue({ field: 'statementDate', code: 'future' }),
      issue({ field: 'percent', code: 'aboveCap', params: { cap: 40 } }),
    ]);
    section = formOf(sami, 'resume');
    expect(await field(section, L('field_statementDate')).inputValue()).toBe(future);
    expect(await field(section, L('field_maxPercent')).inputValue()).toBe('40');
    expect(await field(section, L('field_resumePercent')).inputValue()).toBe('50');
    expect(await field(section, L('field_avoidTasks')).inputValue()).toBe(avoid);
    expect((await api()).phase).toBe('paused');

    await field(section, L('field_statementDate')).fill(utcDay(virtualNow(host)));
    await field(section, L('field_resumePercent')).fill('25');
    await expectDone(sami, await submit(sami, 'resume'), 'resume');
    await checkPage(sami, 'training resumed');
    const c = await api();
    expect(c.phase).toBe('training');
    expect(c.workingTime?.percent).toBe(25);
    expect(await textOf(history(sami))).toContain(`(${L('field_maxPercent')}: 40 %)`);
  });

  it('early closing: no reason chosen; then closing starts', async () => {
    await openCase(karin, "the coordinator's case after the pause");
    let section = formOf(karin, 'closeEarly');
    const note = 'Deltagaren vill avsluta och fokusera på vården.';
    await field(section, L('field_note')).fill(note);
    const status = await submit(karin, 'closeEarly');
    await expectFieldErrors(karin, status, 'closeEarly', [issue({ field: 'reason', code: 'required' })]);
    section = formOf(karin, 'closeEarly');
    expect(await field(section, L('field_note')).inputValue()).toBe(note);
    expect((await api()).phase).toBe('training');

    await field(section, L('field_earlyReason')).selectOption({ label: L('early_other') });
    await expectDone(karin, await submit(karin, 'closeEarly'), 'closeEarly');
    await checkPage(karin, 'closing started');
    expect((await api()).phase).toBe('closing');
  });

  it('closing meeting: a wrong time first; then booked', async () => {
    let section = formOf(karin, 'scheduleClosing');
    const wrong = wrongMeeting();
    await fillMeeting(section, wrong);
    const status = await submit(karin, 'scheduleClosing');
    await expectFieldErrors(karin, status, 'scheduleClosing', meetingErrors());
    section = formOf(karin, 'scheduleClosing');
    await expectMeetingKept(section, wrong);
    expect((await api()).meetings.filter((x) => x.kind === 'closing')).toEqual([]);

    const m = meetingSoon();
    state.closing = m;
    await fillMeeting(section, m);
    await expectDone(karin, await submit(karin, 'scheduleClosing'), 'scheduleClosing');
    await checkPage(karin, 'the booked closing meeting');
    expect(await textOf(history(karin))).toContain(`${L('meeting_closing')}:`);
  });

  it('closing record: "no realistic next step" without its explanation, and the rest missing; then the placement ends', async () => {
    await meetingHeld('closing', state.closing as MeetingTime);
    await openCase(sami, 'the closing meeting held');
    let section = formOf(sami, 'recordClosing');
    const summary = 'Perioden gav struktur men hälsan räckte inte till.';
    await field(section, L('field_summary')).fill(summary);
    await field(section, L('field_closingOutcome')).selectOption({ label: L('result_noRealisticNextStep') });
    const status = await submit(sami, 'recordClosing');
    await expectFieldErrors(sami, status, 'recordClosing', [
      issue({ field: 'evaluation', code: 'required' }),
      issue({ field: 'explanation', code: 'required' }),
      issue({ field: 'nextStepPlan', code: 'required' }),
    ]);
    section = formOf(sami, 'recordClosing');
    expect(await field(section, L('field_summary')).inputValue()).toBe(summary);
    expect(await field(section, L('field_closingOutcome')).inputValue()).toBe('noRealisticNextStep');
    expect((await api()).phase).toBe('closing');

    const explanation = 'Läkaren bedömer att arbetsförmågan saknas det närmaste halvåret.';
    await field(section, L('field_evaluation')).fill('Målen nåddes delvis.');
    await field(section, L('field_explanation')).fill(explanation);
    await field(section, L('field_nextStepPlan')).fill(
      'Vård och ny kontakt med handläggaren efter sommaren.',
    );
    await expectDone(sami, await submit(sami, 'recordClosing'), 'recordClosing');
    await checkPage(sami, 'the closing recorded');
    expect((await api()).phase).toBe('afterClosing');
    const record = await textOf(history(sami));
    expect(record).toContain(`${L('field_closingOutcome')} ${L('result_noRealisticNextStep')}`);
    expect(record).toContain(`${L('field_explanation')} ${explanation}`);
    await untilCase('the place to be given back', (c) => !!c.place?.releasedAt);
  });

  it('after closing: the case officer answers where the participant is; the six-month question is not open yet', async () => {
    await openCase(anna, "the case officer's ended case");
    let section = formOf(anna, 'recordAfterClosing');
    const note = 'Har kontakt med vårdcentralen.';
    await field(section, L('field_note')).fill(note);
    const status = await submit(anna, 'recordAfterClosing');
    await expectFieldErrors(anna, status, 'recordAfterClosing', [
      issue({ field: 'outcome', code: 'required' }),
    ]);
    section = formOf(anna, 'recordAfterClosing');
    expect(await field(section, L('field_note')).inputValue()).toBe(note);
    expect(await textOf(history(anna))).not.toContain(L('afterFourWeeks'));

    await field(section, L('field_whereNow')).selectOption({ label: L('result_sickLeaveOrCare') });
    await expectDone(anna, await submit(anna, 'recordAfterClosing'), 'recordAfterClosing');
    await checkPage(anna, 'the four-week answer recorded');
    expect(await textOf(history(anna))).toContain(`${L('afterFourWeeks')} ${L('result_sickLeaveOrCare')}`);

    // A second answer now would be the six-month one: refused until it opens.
    section = formOf(anna, 'recordAfterClosing');
    await field(section, L('field_whereNow')).selectOption({ label: L('result_jobSeeking') });
    const early = await submit(anna, 'recordAfterClosing');
    await expectRefused(
      anna,
      early,
      'recordAfterClosing',
      refusalText('sv', 'sixMonthsNotYet', { from: MARK }),
    );
    expect(await textOf(history(anna))).not.toContain(L('afterSixMonths'));
    expect((await api()).status).not.toBe('closed');
  });
});
