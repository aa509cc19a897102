import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSummary } from '#core/use-cases/update-case';
import { checkPage, launchChromium, signedIn } from '#test/support/browser';
import { virtualNow } from '#test/support/flows';
import { startTestHost, type TestHost } from '#test/support/host';
import { hostRepository } from '#test/support/host-repository';
import { caseIn } from '#test/support/use-case-world';

/**
 * The personal-data pages in Chromium as an admin uses them: the extract form, its errors, the
 * register extract, the erasure confirmation and the erased case. axe finds nothing at desktop
 * width and nothing scrolls sideways at 320 px.
 */
let host: TestHost;
let browser: Browser;
let ali: Page;
const CASE_ID = 'e2eprivacy000001';

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  const repo = hostRepository(host);
  const now = virtualNow(host);
  const c = caseIn('closed', CASE_ID, now, { unitId: 'remake' });
  c.participant = { ...c.participant, name: 'Lina Webbläsare', identityNumber: '198112189876' };
  c.needs = { adaptation: 'Höj- och sänkbart bord', languageSupport: true, language: 'arabiska' };
  await repo.createCase(await withSummary(repo, c, now), 'e2e-privacy-1');
  browser = await launchChromium();
  ali = await signedIn(browser, host, /Ali Admin/);
}, 150_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the personal-data pages in a browser', () => {
  it('makes a register extract and erases the participant, every page axe-clean at desktop and 320 px', async () => {
    await ali.getByRole('link', { name: 'Personuppgifter' }).first().click();
    await ali.waitForURL((u) => u.pathname === '/admin/privacy');
    await checkPage(ali, 'the personal-data page', { narrow: true });
    await ali.goto('/admin/privacy?lang=en');
    await checkPage(ali, 'the personal-data page in English', { narrow: true });
    await ali.goto('/admin/privacy?lang=sv');

    await ali.getByRole('button', { name: 'Gör utdrag' }).click();
    await expect(ali.locator('#identityNumber-error').count()).resolves.toBe(1);
    await checkPage(ali, 'the extract form with errors', { narrow: true });

    await ali.getByLabel(/personnummer/).fill('19811218-9876');
    await ali.getByLabel(/Skäl/).fill('Begäran från deltagaren');
    await ali.getByRole('button', { name: 'Gör utdrag' }).click();
    await ali.waitForURL((u) => u.pathname === '/admin/privacy/extract');
    await expect(ali.getByRole('heading', { level: 1, name: 'Registerutdrag' }).count()).resolves.toBe(1);
    await expect(ali.getByText('Höj- och sänkbart bord').count()).resolves.toBeGreaterThan(0);
    await checkPage(ali, 'the register extract', { narrow: true });

    await ali.getByRole('link', { name: /Radera deltagarens uppgifter/ }).click();
    await ali.waitForURL((u) => u.pathname === `/admin/privacy/erase/${CASE_ID}`);
    await checkPage(ali, 'the erasure confirmation', { narrow: true });
    await ali.getByRole('button', { name: 'Radera' }).click();
    await expect(ali.locator('#reason-error').count()).resolves.toBe(1);
    await checkPage(ali, 'the erasure confirmation with errors', { narrow: true });
    await ali.getByLabel(/Skäl/).fill('Begäran om radering');
    await ali.getByRole('button', { name: 'Radera' }).click();
    await ali.waitForURL((u) => u.pathname === `/cases/${CASE_ID}`);
    await expect(ali.getByText(/Personuppgifterna i det här ärendet är borttagna/).count()).resolves.toBe(1);
    await expect(ali.getByText('Lina Webbläsare').count()).resolves.toBe(0);
    await checkPage(ali, 'the erased case', { narrow: true });
  });
});
