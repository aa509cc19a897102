import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptReferral,
  caseJson,
  DAY_MS,
  expectDone,
  meetingFields,
  meetingTime,
  referralForm,
  sentTo,
  stockholm,
  submitReferral,
  virtualDay,
  virtualNow,
  waitForMail,
  waitForStep,
} from '#test/support/flows';
import { type Lang, t, tDynamic } from '#web/i18n';
import { issueText } from '#web/issue-texts';
import { checkPage, launchChromium, NARROW, signedIn } from '../support/browser.ts';
import { pollUntil, startTestHost, type TestHost } from '../support/host.ts';
import { Session, type StoredMail, USERS } from '../support/session.ts';

/**
 * The staff forms around a meeting, in Chromium as the coordinator uses them, errors first:
 * moving the study visit (behind its disclosure, a time in the past refused at the fields, then
 * moved), cancelling it (the case is back at proposing a time), and checking the e-mail address
 * that bounced (a wrong address refused at the field, then corrected). Then the participant's page
 * in English at 320 px, and the local inbox a newcomer reads. axe-core finds nothing on any page;
 * the pages with errors fit 320 px.
 */
const L = (key: string, lang: Lang = 'sv') => tDynamic(lang, key);

let host: TestHost;
let browser: Browser;
let karin: Page;
let api: Session;
let visitCase = '';
let bounceCase = '';
let englishLink = '';

const inSection = (p: Page, heading: RegExp) => p.getByRole('region', { name: heading });
/** A field's label as the page shows it (" *" when required). */
const label = (key: 'date' | 'startTime' | 'endTime' | 'location') => new RegExp(`^${t('sv', key)}( \\*)?$`);

beforeAll(async () => {
  [host, browser] = await Promise.all([startTestHost(), launchChromium()]);
  api = await new Session(host.baseUrl).signIn(USERS.coordinator);
  const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
  const period = {
    unitId: 'matmissionen',
    plannedStart: virtualDay(host, 10),
    plannedEnd: virtualDay(host, 200),
  };
  [visitCase, bounceCase] = await Promise.all([
    submitReferral(referrer, referralForm({ ...period, email: 'eng.lish@example.se', mailLanguage: 'en' })),
    submitReferral(referrer, referralForm({ ...period, email: 'bounce@simulator.amazonses.com' })),
  ]);
  for (const [i, id] of [visitCase, bounceCase].entries()) {
    await waitForStep(api, id, 'intakeDecision');
    await acceptReferral(api, id);
    await waitForStep(api, id, 'studyVisitProposal');
    await expectDone(
      await api.post(
        `/cases/${id}/study-visit`,
        meetingFields(meetingTime(host, { fromNow: (4 + i) * DAY_MS })),
      ),
      id,
      'proposeStudyVisit',
    );
    await waitForStep(api, id, 'studyVisitOutcome');
  }
  karin = await signedIn(browser, host, /Karin Praktikansvarig/);
});

afterAll(async () => {
  await browser?.close().catch(() => {});
  await host?.stop();
});

async function post(p: Page, path: string, click: () => Promise<void>) {
  const [response] = await Promise.all([
    p.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
    p.waitForEvent('framenavigated', (f) => f === p.mainFrame()),
    click(),
  ]);
  await p.waitForLoadState('load');
  return response.status();
}

describe.sequential('the coordinator’s meeting forms, errors first', () => {
  it('moves the study visit: a time in the past refused at each field, then the same event at a new time', async () => {
    await karin.goto(`/cases/${visitCase}`);
    await checkPage(karin, 'the invited case');
    const section = inSection(karin, new RegExp(`^${L('meeting_studyVisit')}:`));
    await section.getByText(L('action_moveMeeting'), { exact: true }).click();
    const past = stockholm(virtualNow(host) - 2 * DAY_MS);
    await section.getByLabel(label('date')).fill(past.date);
    await section.getByLabel(label('endTime')).fill('08:00');
    await section.getByLabel(label('startTime')).fill('09:00');
    const status = await post(karin, `/cases/${visitCase}/meetings/move`, () =>
      section.getByRole('button', { name: L('submit_moveMeeting'), exact: true }).click(),
    );
    expect(status).toBe(400);
    const again = inSection(karin, new RegExp(`^${L('meeting_studyVisit')}:`));
    const summary = again.getByRole('alert');
    const links = await summary
      .getByRole('link')
      .evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent?.trim()]));
    expect(links).toEqual([
      ['#moveMeeting-study-visit-date', issueText('sv', { field: 'date', code: 'past' })],
      ['#moveMeeting-study-visit-endTime', issueText('sv', { field: 'endTime', code: 'order' })],
    ]);
    expect(await again.getByLabel(label('date')).getAttribute('aria-invalid')).toBe('true');
    expect(await again.getByLabel(label('date')).inputValue()).toBe(past.date);
    expect((await caseJson(api, visitCase)).studyVisit?.invitationSent).toBe(true);
    await checkPage(karin, 'the move form with errors', { narrow: true });

    const later = meetingTime(host, { fromNow: 6 * DAY_MS, location: 'Matmissionen, entrén' });
    await again.getByLabel(label('date')).fill(later.date);
    await again.getByLabel(label('startTime')).fill(later.startTime);
    await again.getByLabel(label('endTime')).fill(later.endTime);
    await again.getByLabel(label('location')).fill(later.location);
    const done = await post(karin, `/cases/${visitCase}/meetings/move`, () =>
      again.getByRole('button', { name: L('submit_moveMeeting'), exact: true }).click(),
    );
    expect(done).toBe(303);
    expect(await karin.getByRole('status').textContent()).toBe(L('done_moveMeeting'));
    await checkPage(karin, 'the moved visit');
    const update = await waitForMail(
      host,
      'the update',
      (m: StoredMail) => sentTo(m, 'eng.lish@example.se') && m.subject.startsWith('New time:'),
    );
    englishLink = /\/m\/[A-Za-z0-9_-]{22,64}/.exec(update.body.text ?? '')?.[0] ?? '';
    expect(englishLink).not.toBe('');
  });

  it('cancels the study visit behind its disclosure: everyone told, the case back at proposing a time', async () => {
    await karin.goto(`/cases/${bounceCase}`);
    const section = inSection(karin, new RegExp(`^${L('meeting_studyVisit')}:`));
    await section.getByText(L('action_cancelMeeting'), { exact: true }).click();
    await checkPage(karin, 'the cancel disclosure open');
    const status = await post(karin, `/cases/${bounceCase}/meetings/cancel`, () =>
      section.getByRole('button', { name: L('submit_cancelMeeting'), exact: true }).click(),
    );
    expect(status).toBe(303);
    expect(await karin.getByRole('status').textContent()).toBe(L('done_cancelMeeting'));
    await pollUntil('the proposal step', async () =>
      (await caseJson(api, bounceCase)).waitingFor === 'studyVisitProposal' ? true : undefined,
    );
    await karin.reload();
    expect(
      await karin.getByRole('region', { name: L('action_proposeStudyVisit'), exact: true }).count(),
    ).toBe(1);
    await checkPage(karin, 'the case after the cancellation');
  });

  it('checks the address that bounced: a wrong one refused at the field, then corrected', async () => {
    await pollUntil('the bounce on the case', async () =>
      (await (await api.get(`/cases/${bounceCase}`)).text()).includes('form-correctAddress')
        ? true
        : undefined,
    );
    await karin.goto('/todo');
    const item = karin.getByRole('link', { name: L('action_correctAddress'), exact: true });
    expect(await item.count()).toBe(1);
    await checkPage(karin, '"Att göra" with the address to check');
    await item.click();
    await karin.waitForURL((u) => u.pathname === `/cases/${bounceCase}`);
    expect(await karin.getByRole('alert').first().textContent()).toContain(L('mailProblemBanner'));
    const form = karin.getByRole('region', { name: L('action_correctAddress'), exact: true });
    await form.getByLabel(new RegExp(`^${L('address_participant')}`)).fill('inte en adress');
    const status = await post(karin, `/cases/${bounceCase}/address`, () =>
      form.getByRole('button', { name: L('submit_correctAddress'), exact: true }).click(),
    );
    expect(status).toBe(400);
    const again = karin.getByRole('region', { name: L('action_correctAddress'), exact: true });
    expect(await again.getByRole('alert').getByRole('link').textContent()).toBe(
      issueText('sv', { field: 'participantEmail', code: 'format' }),
    );
    expect(await again.getByLabel(new RegExp(`^${L('address_participant')}`)).inputValue()).toBe(
      'inte en adress',
    );
    await checkPage(karin, 'the address form with an error', { narrow: true });
    await again.getByLabel(new RegExp(`^${L('address_participant')}`)).fill('ratt.adress@example.se');
    expect(
      await post(karin, `/cases/${bounceCase}/address`, () =>
        again.getByRole('button', { name: L('submit_correctAddress'), exact: true }).click(),
      ),
    ).toBe(303);
    expect(await karin.getByRole('status').textContent()).toBe(L('done_correctAddress'));
    await checkPage(karin, 'the corrected case');
  });
});

describe('the participant’s page in English, at 320 px', () => {
  it('shows the moved visit in English, takes the answer, and says so', async () => {
    // The page carries no script (checked); CSP is bypassed only so that axe can be injected.
    const ctx = await browser.newContext({ viewport: { width: NARROW, height: 640 }, bypassCSP: true });
    const p = await ctx.newPage();
    const r = await p.goto(`${host.baseUrl}${englishLink}`);
    expect(r?.status()).toBe(200);
    expect(await p.locator('html').getAttribute('lang')).toBe('en');
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Study visit');
    expect(await p.locator('script').count()).toBe(0);
    await checkPage(p, 'the English answer page', { narrow: true });
    await p.getByLabel('Yes, I am coming').check();
    await p.getByRole('button', { name: 'Send the answer' }).click();
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you for your answer');
    await checkPage(p, 'the English thank-you page', { narrow: true });
    const gone = await p.goto(`${host.baseUrl}${englishLink}`);
    expect(gone?.status()).toBe(410);
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('The link no longer works');
    await checkPage(p, 'the English gone page', { narrow: true });
    await ctx.close();
  });
});

describe('the local inbox', () => {
  it('shows every mail with its calendar part, and passes axe at 320 px and desktop', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const p = await ctx.newPage();
    await p.goto(`${host.sesUrl}/`);
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Lokal inkorg / Local inbox');
    expect(await p.getByText('Kalenderdelen som skickad', { exact: false }).count()).toBeGreaterThan(0);
    await checkPage(p, 'the local inbox', { narrow: true });
    await ctx.close();
  });
});
