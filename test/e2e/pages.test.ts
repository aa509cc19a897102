import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Phase } from '#core/process/declaration';
import { awaitState, stepOf } from '#core/process/derive';
import { runDemo } from '#local/demo';
import { checkPage, signedIn } from '#test/support/browser';
import { pollUntil } from '#test/support/host';
import { startTestHost, type TestHost } from '../support/host.ts';
import { Session, USERS } from '../support/session.ts';

/**
 * Every page of every phase, as each role sees it: the demo seed puts a placement in each phase
 * through the routes, then Chromium opens each case page, "Att göra" and the lists as the
 * coordinator, the supervisor and the referrer, at 320 px and at desktop width: axe finds no
 * violation and nothing scrolls sideways.
 *
 * On the same demo (it takes a minute to make), the admin console: the placement list, each
 * placement's page with its workflow drawing, an action's confirmation (errors first) and the audit
 * log, as the admin and the coordinator, axe clean at desktop width and at 320 px. The drawing marks
 * the step each placement of the demo waits on; with JavaScript the page refreshes itself.
 */
const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface InPage {
  document: { documentElement: { scrollWidth: number } };
  axe: {
    run(
      c: unknown,
      o: object,
    ): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }>;
  };
}

let host: TestHost;
let browser: Browser;
let cases: { phase: string; caseId: string; reference: string }[] = [];
let api: Session;

beforeAll(async () => {
  host = await startTestHost({ timeScale: 20_000 });
  cases = (await runDemo({ baseUrl: host.baseUrl, sesUrl: host.sesUrl, log: () => undefined })).created;
  api = await new Session(host.baseUrl).signIn(USERS.admin);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}, 170_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function pageAs(sub: string, width: number): Promise<Page> {
  const s = await new Session(host.baseUrl).signIn(sub);
  const ctx = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
  const cookies = (s as unknown as { cookies: Map<string, string> }).cookies;
  await ctx.addCookies([...cookies].map(([name, value]) => ({ name, value, url: host.baseUrl })));
  return ctx.newPage();
}

async function check(page: Page, path: string, width: number) {
  const r = await page.goto(`${host.baseUrl}${path}`);
  expect(r?.status(), path).toBe(200);
  await page.addScriptTag({ path: AXE_PATH });
  const { violations, scrollWidth } = await page.evaluate(async () => {
    const g = globalThis as unknown as InPage;
    const res = await g.axe.run(g.document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    });
    return {
      violations: res.violations.map(
        (v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`,
      ),
      scrollWidth: g.document.documentElement.scrollWidth,
    };
  });
  expect(violations, `axe on ${path} at ${width} px`).toEqual([]);
  expect(scrollWidth, `sideways scrolling on ${path} at ${width} px`).toBeLessThanOrEqual(width);
}

describe.each([320, 1280])('every page at %i px', (width) => {
  it.each([
    ['the coordinator', USERS.coordinator],
    ['the supervisor', USERS.supervisor],
    ['the referrer', USERS.referrer],
  ])(
    'as %s: each case page, "Att göra" and the list',
    async (_who, sub) => {
      const page = await pageAs(sub, width);
      await check(page, '/todo', width);
      await check(page, '/referrals', width);
      for (const c of cases) {
        const r = await page.goto(`${host.baseUrl}/cases/${c.caseId}`);
        // The supervisor sees only the cases assigned to him; others answer 404, which is right.
        if (r?.status() === 404) {
          expect(sub).toBe(USERS.supervisor);
          continue;
        }
        await check(page, `/cases/${c.caseId}`, width);
      }
      await check(page, `/cases/${cases.find((c) => c.phase === 'training')?.caseId}?lang=en`, width);
      await page.context().close();
    },
    120_000,
  );
});

const current = async (caseId: string) =>
  ((await (await api.get(`/api/admin/placements/${caseId}`)).json()) as { current: string | null }).current;

describe('the admin console', () => {
  let admin: Page;

  it('lists the placements; filters and pages work without JavaScript', async () => {
    admin = await signedIn(browser, host, /Ali Admin/);
    await admin.goto('/admin/placements');
    await checkPage(admin, 'the placement list', { narrow: true });
    // Eight columns fit a desktop window without sideways scrolling too.
    const wide = await admin.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(wide, 'sideways scrolling on the placement list at desktop width').toBeLessThanOrEqual(0);
    expect(await admin.locator('tbody tr').count()).toBeGreaterThan(3);
    await admin.getByLabel('Fas', { exact: true }).selectOption('training');
    await admin.getByRole('button', { name: 'Visa' }).click();
    await admin.waitForURL(/phase=training/);
    const rows = await admin.locator('tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    for (let i = 0; i < rows; i++)
      await expect(admin.locator('tbody tr').nth(i).locator('td').nth(4).textContent()).resolves.toContain(
        'Arbetsträning pågår',
      );
    await checkPage(admin, 'the filtered list', { narrow: true });
    await admin.goto('/admin/placements?status=closed&lang=en');
    await checkPage(admin, 'the closed placements in English', { narrow: true });
    // The language choice stays (a cookie): back to Swedish.
    await admin.goto('/admin/placements?lang=sv');
    // A wrong filter value is named, not a failure.
    await admin.goto('/admin/placements?phase=nope');
    await expect(admin.getByRole('alert').textContent()).resolves.toContain('okänt värde');
    await checkPage(admin, 'the list with a wrong filter', { narrow: true });
  }, 120_000);

  it('draws the workflow with the step each placement waits on marked', async () => {
    const waiting = cases.filter((c) => {
      const step = stepOf(c.phase as Phase);
      return !!step && c.phase !== 'queued';
    });
    expect(waiting.length).toBeGreaterThanOrEqual(4);
    for (const c of waiting) {
      const expected = awaitState(stepOf(c.phase as Phase) as NonNullable<ReturnType<typeof stepOf>>);
      // The run may be between two states (a reminder just ran): it comes back to the wait.
      await pollUntil(
        `${c.reference} waits in ${expected}`,
        async () => (await current(c.caseId)) === expected || undefined,
        60_000,
      );
      await admin.goto(`/admin/placements/${c.caseId}`);
      const marked = admin.locator('g.wf-current');
      await expect(marked.count()).resolves.toBe(1);
      await expect(marked.getAttribute('data-state')).resolves.toBe(expected);
      // The text alternative names the current step in words.
      const desc = await admin.locator('svg.wf-svg desc').textContent();
      expect(desc).toMatch(/^Nu: /);
      await checkPage(admin, `the placement page in phase ${c.phase}`, { narrow: c === waiting[0] });
    }
  }, 170_000);

  it('confirms an action on its own page, errors first, and shows it done and in the audit log', async () => {
    const c = cases.find((x) => x.phase === 'training') ?? cases[0];
    if (!c) throw new Error('no case');
    await admin.goto(`/admin/placements/${c.caseId}`);
    await admin.getByRole('link', { name: 'Stoppa körningen' }).click();
    await checkPage(admin, 'the stop confirmation', { narrow: true });
    await admin.getByRole('button', { name: 'Bekräfta' }).click();
    await expect(admin.getByRole('alert').textContent()).resolves.toContain('Fyll i det här fältet');
    await expect(admin.locator('textarea#reason').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkPage(admin, 'the stop confirmation with errors', { narrow: true });
    await admin.locator('textarea#reason').fill('Kontroll av körningen');
    await admin.getByRole('button', { name: 'Bekräfta' }).click();
    await admin.waitForURL(/done=stopRun&result=done/);
    await expect(admin.getByRole('status').textContent()).resolves.toContain('Klart: Stoppa körningen');
    await expect(admin.locator('.stuck-box').textContent()).resolves.toContain('Körningen är stoppad');
    await checkPage(admin, 'the placement page after the action', { narrow: true });
    await admin.goto('/admin/audit');
    await expect(admin.locator('main').textContent()).resolves.toContain('Kontroll av körningen');
    await checkPage(admin, 'the audit log', { narrow: true });
    await admin.goto(`/admin/placements/${c.caseId}/actions/continueRun`);
    await admin.getByRole('button', { name: 'Bekräfta' }).click();
    await admin.waitForURL(/done=continueRun&result=done/);
  }, 120_000);

  it('refreshes the placement page by itself with JavaScript', async () => {
    // A placement no other test touches.
    const c = cases.find((x) => x.phase === 'paused') ?? cases.find((x) => x.phase === 'startupScheduling');
    if (!c) throw new Error('no case');
    const p = await browser.newPage({ baseURL: host.baseUrl });
    await p.context().addCookies(
      [...(api as unknown as { cookies: Map<string, string> }).cookies].map(([name, value]) => ({
        name,
        value,
        url: host.baseUrl,
      })),
    );
    await p.clock.install();
    await p.goto(`/admin/placements/${c.caseId}`);
    await expect(p.locator('main').textContent()).resolves.not.toContain('Körningen är stoppad');
    // Another admin stops the run meanwhile.
    const form = await (await api.get(`/admin/placements/${c.caseId}/actions/stopRun`)).text();
    const formId = /name="formId" value="([^"]+)"/.exec(form)?.[1] ?? '';
    expect(
      (
        await api.post(`/admin/placements/${c.caseId}/actions/stopRun`, {
          formId,
          reason: 'Prov av uppdatering',
        })
      ).status,
    ).toBe(303);
    await p.clock.fastForward(21_000);
    await p.getByText('Körningen är stoppad').first().waitFor({ timeout: 10_000 });
    await p.context().close();
  }, 60_000);

  it('shows a coordinator the list and a placement, without the admin-only actions', async () => {
    const karin = await signedIn(browser, host, /Karin Praktikansvarig/);
    await karin.goto('/admin/placements?lang=en');
    await checkPage(karin, 'the list for a coordinator, in English', { narrow: true });
    const c = cases.find((x) => x.phase === 'training') ?? cases[0];
    await karin.goto(`/admin/placements/${c?.caseId}?lang=sv`);
    await expect(karin.getByRole('link', { name: 'Stoppa körningen' }).count()).resolves.toBe(0);
    await expect(karin.locator('.actions-list').textContent()).resolves.toContain('Bara för administratörer');
    await checkPage(karin, 'the placement page for a coordinator', { narrow: true });
    expect((await karin.goto('/admin/audit'))?.status()).toBe(403);
    await karin.context().close();
  }, 60_000);
});
