import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, launchChromium, signedIn } from '../support/browser.ts';
import { startTestHost, type TestHost } from '../support/host.ts';

/**
 * The admin console's unit and account pages in Chromium as an admin fills them: each page and
 * each form with its errors passes axe and fits 320 px; the error summary's links move focus to
 * their fields; the typed values come back.
 */
let host: TestHost;
let browser: Browser;

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('units and accounts in the browser', () => {
  it('the unit list, the edit form with its errors and the new-unit form', async () => {
    const p = await signedIn(browser, host, /Ali Admin/);
    await p.getByRole('link', { name: 'Arbetsplatser' }).click();
    await p.waitForURL((u) => u.pathname === '/admin/units');
    await checkPage(p, 'the unit list', { narrow: true });

    await p.getByRole('link', { name: /Redigera REMAKE/ }).click();
    await p.waitForURL((u) => u.pathname === '/admin/units/remake');
    await checkPage(p, 'the unit form', { narrow: true });
    await p.getByLabel('Platser', { exact: false }).first().fill('många');
    await p.getByLabel(/Arbetstidstrappa/).fill('60, 80');
    await p.getByRole('button', { name: 'Spara arbetsplatsen' }).click();
    await p.waitForSelector('#error-summary');
    await checkPage(p, 'the unit form with errors', { narrow: true });
    expect(await p.inputValue('#places')).toBe('många');
    await p.locator('#error-summary a[href="#places"]').click();
    expect(
      await p.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement
            .id,
      ),
    ).toBe('places');

    await p.goto('/admin/units/new?lang=en');
    await checkPage(p, 'the new-unit form (English)', { narrow: true });
    await p.context().close();
  }, 120_000);

  it('the account list, the invitation with its errors and the disable confirmation', async () => {
    const p = await signedIn(browser, host, /Ali Admin/);
    await p.getByRole('link', { name: 'Konton' }).click();
    await p.waitForURL((u) => u.pathname === '/admin/staff');
    await checkPage(p, 'the account list', { narrow: true });

    await p.getByLabel('Namn', { exact: false }).fill('Nora Nyanställd');
    await p.getByLabel('E-post', { exact: false }).fill('nora@');
    await p.getByLabel('Organisation', { exact: false }).fill('skane-stadsmission');
    await p.getByRole('button', { name: 'Skicka inbjudan' }).click();
    await p.waitForSelector('#error-summary');
    await checkPage(p, 'the invitation with errors', { narrow: true });
    expect(await p.inputValue('#staffName')).toBe('Nora Nyanställd');

    await p.getByLabel('E-post', { exact: false }).fill('nora.e2e@stadsmissionen.example');
    await p.getByLabel('Roll', { exact: false }).selectOption('supervisor');
    await p.getByRole('button', { name: 'Skicka inbjudan' }).click();
    await p.waitForURL((u) => u.search === '?done=invited');
    await checkPage(p, 'the account list after an invitation', { narrow: true });

    // The link says which account (the name is there for screen readers, off screen).
    await p.getByRole('link', { name: /Stäng av\s*: Nora Nyanställd/ }).click();
    await p.waitForURL((u) => u.pathname.endsWith('/disable'));
    await checkPage(p, 'the disable confirmation', { narrow: true });
    await p.getByRole('button', { name: 'Stäng av' }).click();
    await p.waitForSelector('#error-summary');
    await checkPage(p, 'the disable confirmation with its error', { narrow: true });
    await p.getByLabel('Anledning', { exact: false }).fill('Slutat');
    await p.getByRole('button', { name: 'Stäng av' }).click();
    await p.waitForURL((u) => u.search === '?done=disabled');
    await checkPage(p, 'the account list after disabling', { narrow: true });
    await p.goto('/admin/staff?lang=en');
    await checkPage(p, 'the account list (English)', { narrow: true });
    await p.context().close();
  }, 120_000);
});
