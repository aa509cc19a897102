import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSummary } from '#core/use-cases/update-case';
import { checkPage, launchChromium, signedIn } from '#test/support/browser';
import { virtualNow } from '#test/support/flows';
import { startTestHost, type TestHost } from '#test/support/host';
import { hostRepository } from '#test/support/host-repository';
import { type FixtureWorld, prng, variedCase } from '#test/support/placement-fixtures';

/**
 * The dashboard and the ESF+ report in Chromium, as an admin and a coordinator would use them:
 * axe-core finds nothing at desktop width, and nothing scrolls sideways at 320 px, in Swedish
 * and English; the period form names its errors and links to the fields.
 */
let host: TestHost;
let browser: Browser;
let ali: Page;
const WORLD: FixtureWorld = {
  units: [
    {
      unitId: 'remake',
      supervisors: [{ name: 'Sami', email: 'sami@example.se' }],
      ladder: [25, 40, 50, 75, 100],
    },
    {
      unitId: 'matmissionen',
      supervisors: [{ name: 'Omar', email: 'omar@example.se' }],
      ladder: [25, 40, 50, 75, 100],
    },
  ],
  organisations: [{ organisationId: 'malmo', name: 'Malmö stad' }],
};

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  const repo = hostRepository(host);
  const now = virtualNow(host);
  const rand = prng(5);
  for (let i = 0; i < 40; i++) {
    const c = await withSummary(repo, variedCase(i, now, WORLD, rand, 'e2e'), now);
    await repo.createCase(c, `e2e-reports-${i}`);
  }
  browser = await launchChromium();
  ali = await signedIn(browser, host, /Ali Admin/);
}, 150_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the reports in a browser', () => {
  it('opens the dashboard from the menu; it passes axe and fits 320 px, in Swedish and English', async () => {
    await ali.getByRole('link', { name: 'Översikt' }).first().click();
    await ali.waitForURL((u) => u.pathname === '/admin/dashboard');
    await expect(ali.getByRole('heading', { level: 1, name: 'Översikt' }).count()).resolves.toBe(1);
    await expect(ali.getByRole('img', { name: /Diagram: Placeringar per fas/ }).count()).resolves.toBe(1);
    await checkPage(ali, 'the dashboard', { narrow: true });
    await ali.goto('/admin/dashboard?lang=en');
    await expect(ali.getByRole('table', { name: 'Placements per phase' }).count()).resolves.toBe(1);
    await checkPage(ali, 'the dashboard in English', { narrow: true });
    await ali.goto('/admin/dashboard?lang=sv');
  });

  it('asks for the ESF+ period, names bad dates beside their fields, then shows the figures', async () => {
    await ali.goto('/admin/reports/esf');
    await checkPage(ali, 'the ESF+ form', { narrow: true });
    // Nothing in the first field, the last day before the first: both named, nothing computed.
    await ali.getByLabel('Till och med').fill('2026-04-01');
    await ali.getByRole('button', { name: 'Visa' }).click();
    await ali.waitForURL(/to=2026-04-01/);
    await expect(ali.locator('#from-error').textContent()).resolves.toContain('första dagen');
    await expect(ali.getByRole('table').count()).resolves.toBe(0);
    await checkPage(ali, 'the ESF+ form with errors', { narrow: true });
    await ali.getByLabel('Från och med').fill('2026-05-01');
    await ali.getByRole('button', { name: 'Visa' }).click();
    await ali.waitForURL(/from=2026-05-01/);
    await expect(ali.locator('#to-error').textContent()).resolves.toContain('före den första');
    await ali.getByRole('link', { name: 'Sista dagen kan inte vara före den första.' }).click();
    await ali.getByLabel('Från och med').fill('2024-01-01');
    await ali.getByLabel('Till och med').fill('2030-12-31');
    await ali.getByRole('button', { name: 'Visa' }).click();
    await ali.waitForURL(/to=2030-12-31/);
    await expect(ali.getByRole('table', { name: 'Deltagare vid start' }).count()).resolves.toBe(1);
    await checkPage(ali, 'the ESF+ report', { narrow: true });
  });

  it('shows the coordinator the dashboard, and not the ESF+ report', async () => {
    const karin = await signedIn(browser, host, /Karin Praktikansvarig/);
    const r = await karin.goto('/admin/dashboard');
    expect(r?.status()).toBe(200);
    await checkPage(karin, 'the dashboard as the coordinator', { narrow: true });
    const esf = await karin.goto('/admin/reports/esf');
    expect(esf?.status()).toBe(403);
  });
});
