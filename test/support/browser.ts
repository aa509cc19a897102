import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestHost } from './host.ts';

/**
 * Debian's Chromium through playwright-core for the browser tests: a launch with the flags this
 * machine needs, a signed-in context per person (axe-core injected in every page it opens), and
 * the check every visited page gets: axe-core with no violations and, when asked, no sideways
 * scrolling at 320 px.
 */
const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 900 };
export const NARROW = 320;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

interface AxeViolation {
  id: string;
  impact?: string;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}
/** The browser globals used inside page.evaluate (this project's tsconfig has no DOM types). */
export interface InPage {
  document: {
    documentElement: { scrollWidth: number; clientWidth: number };
    activeElement: { id: string; closest(s: string): unknown } | null;
  };
  axe: { run(context: unknown, options: object): Promise<{ violations: AxeViolation[]; passes: unknown[] }> };
}

/** axe finds nothing on the page; with `narrow`, it also fits 320 px without sideways scrolling. */
export async function checkPage(p: Page, label: string, o: { narrow?: boolean } = {}) {
  const hasAxe = await p.evaluate(() => typeof (globalThis as unknown as Partial<InPage>).axe === 'object');
  if (!hasAxe) await p.addScriptTag({ path: AXE_PATH });
  const { violations, passes } = await p.evaluate(async () => {
    const g = globalThis as unknown as InPage;
    const r = await g.axe.run(g.document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      resultTypes: ['violations'],
    });
    return { violations: r.violations, passes: r.passes.length };
  });
  const report = violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`).join('\n')}`,
    )
    .join('\n');
  expect(passes, `axe ran no rules on ${label}`).toBeGreaterThan(0);
  expect(violations, `axe violations on ${label} (${p.url()}):\n${report}`).toEqual([]);
  if (o.narrow) {
    const before = p.viewportSize() ?? DESKTOP;
    await p.setViewportSize({ width: NARROW, height: 800 });
    const { scrollWidth, clientWidth } = await p.evaluate(() => {
      const d = (globalThis as unknown as InPage).document.documentElement;
      return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth };
    });
    await p.setViewportSize(before);
    expect(clientWidth, `the viewport of ${label}`).toBeLessThanOrEqual(NARROW);
    expect(scrollWidth, `sideways scrolling on ${label} at ${NARROW} px`).toBeLessThanOrEqual(clientWidth);
  }
}

/** A browser context of its own for a person, signed in through the local sign-in page. */
export async function signedIn(
  browser: Browser,
  host: TestHost,
  name: RegExp,
  o: { checkSignInPage?: boolean } = {},
): Promise<Page> {
  const ctx = await browser.newContext({
    baseURL: host.baseUrl,
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    viewport: DESKTOP,
  });
  ctx.setDefaultTimeout(15_000);
  ctx.setDefaultNavigationTimeout(20_000);
  // axe in every page, as the browser opens it (not subject to the pages' CSP).
  await ctx.addInitScript({ path: AXE_PATH });
  const p = await ctx.newPage();
  await p.goto('/todo');
  await p.waitForURL(/\/local-auth\/oauth2\/authorize\?/);
  if (o.checkSignInPage) await checkPage(p, 'the sign-in page');
  await p.getByRole('radio', { name }).check();
  await p.getByRole('button', { name: 'Logga in' }).click();
  await p.waitForURL((u) => u.pathname === '/todo');
  await checkPage(p, `"Att göra" (${name.source})`);
  return p;
}
