import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '#local/demo';
import { startTestHost, type TestHost } from '../support/host.ts';
import { Session, USERS } from '../support/session.ts';

/**
 * Every page of every phase, as each role sees it: the demo seed puts a placement in each phase
 * through the routes, then Chromium opens each case page, "Att göra" and the lists as the
 * coordinator, the supervisor and the referrer, at 320 px and at desktop width: axe finds no
 * violation and nothing scrolls sideways.
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
let cases: { phase: string; caseId: string }[] = [];

beforeAll(async () => {
  host = await startTestHost({ timeScale: 20_000 });
  cases = (await runDemo({ baseUrl: host.baseUrl, log: () => undefined })).created;
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
