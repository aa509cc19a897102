import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptReferral,
  DAY_MS,
  expectDone,
  meetingFields,
  meetingTime,
  referralForm,
  sentTo,
  submitReferral,
  virtualDay,
  waitForStep,
} from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, USERS } from '#test/support/session';

/**
 * The participant's own page in a real browser on a 320 px phone screen, with no script on it and
 * without an account: the invitation's link opens the meeting, an answer sent without a choice
 * comes back with the error linked to the field, the answer is thanked for, and the used link is
 * gone (410). Each page passes axe-core with no violations and never scrolls sideways.
 */
const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PARTICIPANT = 'pia.telefon@example.se';

let host: TestHost;
let browser: Browser;
let page: Page;
let link = '';

interface InPage {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  axe: {
    run(
      c: unknown,
      o: object,
    ): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }>;
  };
}

async function check(label: string) {
  expect(await page.locator('script').count(), `scripts on ${label}`).toBe(0);
  await page.addScriptTag({ path: AXE });
  const { violations, scroll, width } = await page.evaluate(async () => {
    const g = globalThis as unknown as InPage;
    const r = await g.axe.run(g.document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    });
    return {
      violations: r.violations.map(
        (v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`,
      ),
      scroll: g.document.documentElement.scrollWidth,
      width: g.document.documentElement.clientWidth,
    };
  });
  expect(violations, `axe on ${label}`).toEqual([]);
  expect(scroll, `sideways scrolling on ${label}`).toBeLessThanOrEqual(width);
}

beforeAll(async () => {
  host = await startTestHost();
  const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
  const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
  const caseId = await submitReferral(
    referrer,
    referralForm({
      email: PARTICIPANT,
      unitId: 'remake',
      plannedStart: virtualDay(host, 7),
      plannedEnd: virtualDay(host, 200),
    }),
  );
  await acceptReferral(coordinator, caseId);
  await waitForStep(coordinator, caseId, 'studyVisitProposal');
  await expectDone(
    await coordinator.post(
      `/cases/${caseId}/study-visit`,
      meetingFields(meetingTime(host, { fromNow: 2 * DAY_MS })),
    ),
    caseId,
    'proposeStudyVisit',
  );
  const mail = await pollUntil('the invitation', async () =>
    (await inbox(host.sesUrl)).find((m) => sentTo(m, PARTICIPANT) && /studiebesök/i.test(m.subject)),
  );
  link = /\/m\/[A-Za-z0-9_-]{22,64}/.exec(mail.body.text ?? '')?.[0] ?? '';
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  // The pages carry no script at all (checked on each); JavaScript is on only for axe.
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, bypassCSP: true });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe("the participant's page at 320 px, with no script", () => {
  it('opens the meeting from the link: what, when, where and the unit’s phone', async () => {
    expect(link).toMatch(/^\/m\//);
    const r = await page.goto(`${host.baseUrl}${link}`);
    expect(r?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Studiebesök');
    await expect(page.getByRole('link', { name: /^[+\d\s-]+$/ }).count()).resolves.toBe(1);
    await check('the answer page');
  });

  it('sends no answer without a choice: the error is linked to the question', async () => {
    await page.getByLabel('Meddelande (om du vill)').fill('Hej!');
    await page.getByRole('button', { name: 'Skicka svaret' }).click();
    await expect(page.title()).resolves.toMatch(/^Fel:/);
    await expect(page.locator('.error-summary a').getAttribute('href')).resolves.toBe('#answer');
    await expect(page.getByLabel('Meddelande (om du vill)').inputValue()).resolves.toBe('Hej!');
    await check('the answer page with an error');
  });

  it('takes the answer and thanks; the used link is gone with a plain page', async () => {
    await page.getByLabel('Jag vill ha en annan tid').check();
    await page.getByRole('button', { name: 'Skicka svaret' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tack för ditt svar');
    await check('the thank-you page');
    const r = await page.goto(`${host.baseUrl}${link}`);
    expect(r?.status()).toBe(410);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Länken fungerar inte längre',
    );
    await check('the gone page');
  });
});
