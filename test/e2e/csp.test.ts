import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '#test/support/browser';
import { startTestHost, type TestHost } from '#test/support/host';

/**
 * The pages under their real Content-Security-Policy (the other browser tests bypass it to inject
 * axe): the local sign-in page and its form post, a form with mistakes posted back, the console
 * with its same-origin script, and sign-out, with no CSP violation on the way. The browser sends
 * its own Origin on every post, so the CSRF rule lets each through.
 */
let host: TestHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;

interface Win {
  __csp?: string[];
  performance: { getEntriesByType(t: string): { name: string }[] };
}

beforeAll(async () => {
  [host, browser] = await Promise.all([startTestHost(), launchChromium()]);
  context = await browser.newContext({ baseURL: host.baseUrl, locale: 'sv-SE' });
  context.setDefaultTimeout(15_000);
  // Every violation the page reports (an init script runs outside the page's CSP).
  await context.addInitScript(() => {
    const w = globalThis as unknown as Win & {
      document: { addEventListener: (t: string, f: (e: unknown) => void) => void };
    };
    w.__csp = [];
    w.document.addEventListener('securitypolicyviolation', (e) => {
      const v = e as { violatedDirective: string; blockedURI: string };
      w.__csp?.push(`${v.violatedDirective} ${v.blockedURI}`);
    });
  });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await host?.stop();
});

const violations = () => page.evaluate(() => (globalThis as unknown as Win).__csp ?? []);

async function signInAs(name: RegExp) {
  await page.waitForURL(/\/local-auth\/oauth2\/authorize\?/);
  expect(await violations()).toEqual([]);
  await page.getByRole('radio', { name }).check();
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/local-auth/') && !u.pathname.startsWith('/auth/'));
}

describe.sequential('the pages under their CSP', () => {
  it('signs in through the local sign-in form and posts a form back with its mistakes', async () => {
    const first = await page.goto('/referrals/new');
    expect(first?.headers()['content-security-policy']).toContain("form-action 'self'");
    await signInAs(/Anna Handläggare/);
    expect(new URL(page.url()).pathname).toBe('/referrals/new');
    expect(await violations()).toEqual([]);
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/referrals' && r.request().method() === 'POST',
      ),
      page.getByRole('button', { name: 'Skicka anvisning' }).click(),
    ]);
    // The form's own validation, not the CSRF refusal (403): the browser sent its Origin.
    expect(response.status()).toBe(400);
    expect(response.request().headers().origin).toBe(new URL(host.baseUrl).origin);
    await page.waitForLoadState('domcontentloaded');
    expect(await violations()).toEqual([]);
  });

  it('signs out on the server: the same browser gets the sign-in page for the form again', async () => {
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.waitForURL(/\/local-auth\/oauth2\/authorize\?/);
    await page.goto('/referrals/new');
    await page.waitForURL(/\/local-auth\/oauth2\/authorize\?/);
    expect(await violations()).toEqual([]);
  });

  it('runs the console’s same-origin script', async () => {
    await page.goto('/admin/placements');
    await signInAs(/Ali Admin/);
    expect(new URL(page.url()).pathname).toBe('/admin/placements');
    await page.waitForLoadState('load');
    const scripts = await page.evaluate(() =>
      (globalThis as unknown as Win).performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname),
    );
    expect(scripts).toContain('/assets/live.js');
    expect(await violations()).toEqual([]);
  });

  it('refuses an inline script (and the check above sees violations)', async () => {
    await page.addScriptTag({ content: 'document.title = "injected"' }).catch(() => undefined);
    expect(await page.title()).not.toBe('injected');
    const seen = await violations();
    expect(seen.some((v) => /^script-src/.test(v) && / inline$/.test(v))).toBe(true);
  });
});
