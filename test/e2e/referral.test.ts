import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, startTestHost, type TestHost } from '../support/host.ts';
import { inbox, type StoredMail } from '../support/session.ts';

/**
 * End to end, in a real browser against the real local host (`npm start`): a referrer signs in
 * and submits a referral (first with mistakes, then corrected, then a double submit), the
 * coordinator proposes a study visit and the invitation mail goes out, and an admin follows the
 * workflow run. Every page visited is checked with axe (WCAG 2.1 A/AA + best practice).
 *
 * The steps share one host, one browser and one page, and build on each other, so they run in
 * order and a failing step makes the later ones fail too.
 */

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A participant that only exists in this test; none of it may appear in any mail. */
const PARTICIPANT = {
  name: 'Svea Testdeltagare',
  identityNumber: '19811218-9876',
  wrongCheckDigit: '19811218-9875',
  email: 'svea.testdeltagare@exempel.se',
  badEmail: 'svea.testdeltagare@exempel',
  phone: '040-123 45 67',
  agreementRef: 'PÖ-2026/17',
  adaptation: 'Behöver kortare dagar i början & tydliga instruktioner <på svenska>.',
  unitId: 'remake',
  unitName: 'REMAKE av Stadsmissionen',
};

/** A calendar date (YYYY-MM-DD) in Sweden, `days` from now. */
function swedishDate(days: number, from = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(from + days * 86_400_000));
}

const START = swedishDate(14);
const END_BEFORE_START = swedishDate(13);
const END = swedishDate(14 + 180);
const VISIT_DATE = swedishDate(4);

let host: TestHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Shared between the ordered steps below. */
const state: { caseUrl?: string; caseId?: string; reference?: string } = {};

interface AxeViolation {
  id: string;
  impact?: string;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** The browser globals used inside page.evaluate (this project's tsconfig has no DOM types). */
interface InPage {
  document: unknown;
  FormData: new (form: unknown) => Iterable<[string, string]>;
  axe: { run(context: unknown, options: object): Promise<{ violations: AxeViolation[]; passes: unknown[] }> };
}

/** Runs axe on the current page; fails with each violation's id, help and targets. */
async function expectNoAxeViolations(label: string) {
  await page.addScriptTag({ path: AXE_PATH });
  const { violations, passes } = await page.evaluate(async () => {
    const g = globalThis as unknown as InPage;
    const result = await g.axe.run(g.document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    });
    return { violations: result.violations, passes: result.passes.length };
  });
  const report = violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`).join('\n')}`,
    )
    .join('\n');
  expect(passes, `axe ran no rules on ${label}`).toBeGreaterThan(0);
  expect(violations, `axe violations on ${label} (${page.url()}):\n${report}`).toEqual([]);
}

const pathOf = (p: Page) => new URL(p.url()).pathname + new URL(p.url()).search;

async function attr(l: Locator, name: string) {
  return l.getAttribute(name);
}

/** The sign-in page of the local issuer: choose the user by its radio button, press "Logga in". */
async function signInAs(name: RegExp) {
  await page.waitForURL(/\/local-auth\/oauth2\/authorize\?/);
  await page.getByRole('radio', { name }).check();
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/local-auth/') && !u.pathname.startsWith('/auth/'));
}

async function signOut() {
  await page.getByRole('button', { name: 'Logga ut' }).click();
  // /auth/logout → the issuer's logout → / → (no session) → the sign-in page again.
  await page.waitForURL(/\/local-auth\/oauth2\/authorize\?/);
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'stegvis_session')).toBeUndefined();
}

async function referralCount(): Promise<number> {
  const r = await page.request.get(`${host.baseUrl}/api/referrals`);
  expect(r.status()).toBe(200);
  return ((await r.json()) as { referrals: unknown[] }).referrals.length;
}

/** Submits the form on the page and returns the status of the POST's first response. */
async function submitReferralForm(): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/referrals' && r.request().method() === 'POST',
    ),
    page.getByRole('button', { name: 'Skicka anvisning' }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return response.status();
}

/** Fills the whole referral form correctly, as a person would (labels, radios, the select). */
async function fillValidReferral(name = PARTICIPANT.name) {
  await page.getByLabel('Namn').fill(name);
  await page.getByLabel('Personnummer eller samordningsnummer').pressSequentially(PARTICIPANT.identityNumber);
  await page.getByLabel('E-post').fill(PARTICIPANT.email);
  await page.getByLabel('Telefon').fill(PARTICIPANT.phone);
  await page.getByRole('radio', { name: 'Vill inte uppge' }).check();
  await page.getByLabel('Referens till praktiköverenskommelse').fill(PARTICIPANT.agreementRef);
  await page.getByLabel('Önskad arbetsplats').selectOption(PARTICIPANT.unitId);
  await page.getByRole('radio', { name: 'Nej' }).check();
  await page.getByLabel('Planerat startdatum').fill(START);
  await page.getByLabel('Planerat slutdatum').fill(END);
}

beforeAll(async () => {
  [host, browser] = await Promise.all([
    startTestHost(),
    chromium.launch({
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
    }),
  ]);
  // The pages send a strict CSP (no inline scripts); bypass it only so that axe can be injected.
  context = await browser.newContext({
    baseURL: host.baseUrl,
    bypassCSP: true,
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await host?.stop();
});

describe.sequential('referral, study visit and run history in the browser', () => {
  it('1. unauthenticated: /referrals/new leads to sign-in; Anna signs in and arrives at the form', async () => {
    await page.goto('/referrals/new');
    await page.waitForURL(/\/local-auth\/oauth2\/authorize\?/);
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
      'Logga in i Stegvis',
    );
    await expectNoAxeViolations('sign-in page');

    await signInAs(/Anna Handläggare/);
    expect(pathOf(page)).toBe('/referrals/new');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Ny anvisning till arbetsträning',
    );
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    await expectNoAxeViolations('referral form');
  });

  it('2. a form with mistakes answers 400 with an error summary, field errors and everything typed kept', async () => {
    const before = await referralCount();
    const submissionId = await page.locator('input[name="submissionId"]').inputValue();
    expect(submissionId).toMatch(/^[A-Za-z0-9-]{16,64}$/);

    await page.getByLabel('Namn').fill(PARTICIPANT.name);
    await page
      .getByLabel('Personnummer eller samordningsnummer')
      .pressSequentially(PARTICIPANT.wrongCheckDigit);
    await page.getByLabel('E-post').fill(PARTICIPANT.badEmail);
    await page.getByLabel('Telefon').fill(PARTICIPANT.phone);
    // gender left unchosen
    await page.getByLabel('Referens till praktiköverenskommelse').fill(PARTICIPANT.agreementRef);
    await page
      .getByLabel('Önskad arbetsplats')
      .selectOption({ label: `${PARTICIPANT.unitName} – sy och sömnad` });
    await page.getByLabel('Behov av anpassning').fill(PARTICIPANT.adaptation);
    await page.getByLabel('Planerat startdatum').fill(START);
    await page.getByLabel('Planerat slutdatum').fill(END_BEFORE_START);

    expect(await submitReferralForm()).toBe(400);
    expect(pathOf(page)).toBe('/referrals');

    // The error summary: role=alert, one link per problem, in form order, pointing at the field.
    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.getByRole('heading', { level: 2 }).textContent()).toBe('Formuläret innehåller fel');
    const links = summary.getByRole('link');
    const expected: [field: string, message: string][] = [
      ['identityNumber', 'Kontrollsiffran stämmer inte. Kontrollera numret.'],
      ['email', 'E-postadressen ser inte giltig ut, t.ex. namn@exempel.se.'],
      ['gender', 'Välj kön för statistiken (eller "vill inte uppge").'],
      ['plannedEnd', 'Slutdatumet måste vara efter startdatumet.'],
    ];
    const summaryLinks = await links.evaluateAll((as) =>
      as.map((a) => [a.getAttribute('href'), a.textContent?.trim()]),
    );
    expect(summaryLinks).toEqual(expected.map(([f, m]) => [`#${f}`, m]));

    // Each message next to its own field, referenced by aria-describedby, and the input marked invalid.
    for (const [field, message] of expected) {
      const error = page.locator(`#${field}-error`);
      expect(await error.textContent(), field).toBe(message);
      const control = page.locator(`#${field}`);
      expect((await attr(control, 'aria-describedby'))?.split(' '), field).toContain(`${field}-error`);
      if (field === 'gender') {
        // A radio group: the message sits inside the group's fieldset, below its legend; the
        // first radio carries the field id so the summary link can focus it.
        expect(await page.locator('fieldset#gender-group .error-text').textContent()).toBe(message);
        expect(await attr(control, 'aria-invalid'), field).toBe('true');
      } else {
        expect(await attr(control, 'aria-invalid'), field).toBe('true');
        // Same .field wrapper as the input (i.e. rendered next to it, not elsewhere on the page).
        const wrapper = page.locator('.field.has-error', { has: page.locator(`#${field}`) });
        expect(await wrapper.locator('.error-text').textContent(), field).toBe(message);
      }
    }
    // Fields without problems are not marked invalid.
    for (const field of [
      'participantName',
      'phone',
      'placementAgreementRef',
      'unitId',
      'plannedStart',
      'adaptationNeeds',
    ]) {
      expect(await attr(page.locator(`#${field}`), 'aria-invalid'), field).toBeNull();
      expect(await page.locator(`#${field}-error`).count(), field).toBe(0);
    }

    // Nothing typed is lost (including the wrong values, so they can be corrected).
    expect(await page.getByLabel('Namn').inputValue()).toBe(PARTICIPANT.name);
    expect(await page.getByLabel('Personnummer eller samordningsnummer').inputValue()).toBe(
      PARTICIPANT.wrongCheckDigit,
    );
    expect(await page.getByLabel('E-post').inputValue()).toBe(PARTICIPANT.badEmail);
    expect(await page.getByLabel('Telefon').inputValue()).toBe(PARTICIPANT.phone);
    expect(await page.getByLabel('Referens till praktiköverenskommelse').inputValue()).toBe(
      PARTICIPANT.agreementRef,
    );
    expect(await page.getByLabel('Önskad arbetsplats').inputValue()).toBe(PARTICIPANT.unitId);
    expect(await page.getByLabel('Behov av anpassning').inputValue()).toBe(PARTICIPANT.adaptation);
    expect(await page.getByRole('radio', { name: 'Nej' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Planerat startdatum').inputValue()).toBe(START);
    expect(await page.getByLabel('Planerat slutdatum').inputValue()).toBe(END_BEFORE_START);
    expect(await page.locator('input[name="submissionId"]').inputValue()).toBe(submissionId);
    expect(await page.locator('input[name="gender"]:checked').count()).toBe(0);

    // The summary link moves to the field.
    await links.first().click();
    expect(new URL(page.url()).hash).toBe('#identityNumber');
    // …also for a radio group: focus lands on its first radio.
    await summary.getByRole('link', { name: /Välj kön/ }).click();
    const focusedId = () =>
      (globalThis as unknown as { document: { activeElement?: { id: string } } }).document.activeElement?.id;
    expect(await page.evaluate(focusedId)).toBe('gender');

    expect(await referralCount()).toBe(before);
    await expectNoAxeViolations('referral form with errors');
  });

  it('3. corrected, the referral is accepted and the case page shows its reference and a notice', async () => {
    await page.getByLabel('Personnummer eller samordningsnummer').fill('');
    await page
      .getByLabel('Personnummer eller samordningsnummer')
      .pressSequentially(PARTICIPANT.identityNumber);
    await page.getByLabel('E-post').fill(PARTICIPANT.email);
    await page.getByRole('radio', { name: 'Vill inte uppge' }).check();
    await page.getByLabel('Planerat slutdatum').fill(END);
    expect(await page.getByLabel('Önskad arbetsplats').inputValue()).toBe(PARTICIPANT.unitId);

    expect(await submitReferralForm()).toBe(303);
    await page.waitForURL(/\/cases\/[a-z0-9]+\?submitted=1$/);
    state.caseUrl = new URL(page.url()).pathname;
    state.caseId = state.caseUrl.split('/').pop();

    const h1 = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    const ref = /SV-(\d{4})-(\d{4})/.exec(h1);
    expect(ref, `case reference in "${h1}"`).not.toBeNull();
    expect(Number(ref?.[1])).toBe(new Date().getUTCFullYear());
    state.reference = ref?.[0];
    expect(await page.getByRole('status').textContent()).toContain('Anvisningen är mottagen');
    // The identity number is shown masked only.
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('19811218-****');
    expect(main).not.toContain('9876');
    expect(main).toContain(PARTICIPANT.unitName);
    await expectNoAxeViolations('case page (referrer)');
  });

  it('4. a double submit of one form instance creates exactly one case', async () => {
    const before = await referralCount();
    await page.getByRole('link', { name: 'Ny anvisning' }).click();
    await page.waitForURL('**/referrals/new');
    await fillValidReferral('Tova Dubbelklick');
    const form = page.locator('form[action="/referrals"]');
    const data = await form.evaluate((f) =>
      Object.fromEntries(new (globalThis as unknown as InPage).FormData(f)),
    );
    expect(data.submissionId).toMatch(/^[A-Za-z0-9-]{16,64}$/);

    // A person double-clicks the button; meanwhile the same form instance is posted twice more
    // (a retry from the network, a resubmit after Back). A browser sends its Origin on a post; the
    // API request context does not, so it says it (the app refuses posts without one).
    const origin = new URL(host.baseUrl).origin;
    const button = page.getByRole('button', { name: 'Skicka anvisning' });
    const [reposts] = await Promise.all([
      Promise.all(
        [1, 2].map(() =>
          page.request.post('/referrals', { form: data, maxRedirects: 0, headers: { origin } }),
        ),
      ),
      button.dblclick(),
    ]);
    await page.waitForURL(/\/cases\/[a-z0-9]+\?submitted=1$/);
    const caseId = new URL(page.url()).pathname.split('/').pop();
    for (const r of reposts) {
      expect(r.status(), await r.text()).toBe(303);
      expect(r.headers().location).toBe(`/cases/${caseId}?submitted=1`);
    }
    expect(caseId).not.toBe(state.caseId);
    expect(await referralCount()).toBe(before + 1);
  });

  it('4b. the English form is in English and switches back', async () => {
    await page.goto('/referrals/new');
    await page.getByRole('link', { name: 'In English' }).click();
    await page.waitForURL('**/referrals/new?lang=en');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('New referral to work training');
    expect(await page.getByLabel('Personal identity number or coordination number').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Submit referral' }).count()).toBe(1);
    await expectNoAxeViolations('referral form (English)');
    await page.getByRole('link', { name: 'På svenska' }).click();
    await page.waitForURL('**/referrals/new?lang=sv');
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
  });

  it('5. the coordinator proposes a study visit and the participant gets a calendar invitation without personal data', async () => {
    expect(state.caseUrl).toBeDefined();
    await signOut();
    await signInAs(/Karin Praktikansvarig/);
    await page.goto(state.caseUrl as string);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(state.reference);
    // First the referral is accepted: an empty decision shows what is missing, all at once.
    const intake = page.getByRole('region', { name: 'Ta emot eller avböj anvisningen' });
    await intake.waitFor();
    await expectNoAxeViolations("coordinator's case page with the intake form");
    await intake.getByRole('button', { name: 'Spara beslut' }).click();
    await page.waitForLoadState();
    const summary = page.getByRole('alert').filter({ hasText: 'Formuläret innehåller fel' });
    await summary.waitFor();
    expect(await summary.getByRole('link').count()).toBeGreaterThanOrEqual(1);
    await expectNoAxeViolations('intake form with errors');
    const accept = page.getByRole('region', { name: 'Ta emot eller avböj anvisningen' });
    await accept.getByLabel('Ta emot').check();
    await accept.getByLabel('Ställning på arbetsmarknaden').selectOption({ label: 'Långtidsarbetslös' });
    await accept.getByLabel('Högsta utbildning').selectOption({ label: 'Gymnasium (ISCED 3–4)' });
    await accept.getByLabel('Funktionsnedsättning').selectOption({ label: 'Vill inte uppge' });
    await accept.getByLabel('Utländsk bakgrund').selectOption({ label: 'Nej' });
    await accept.getByRole('button', { name: 'Spara beslut' }).click();
    await page.waitForURL(`**${state.caseUrl}?done=decideIntake`);
    expect(await page.getByRole('status').textContent()).toContain('Beslutet är sparat');

    const section = page.getByRole('region', { name: 'Föreslå tid för studiebesök' });
    await section.waitFor();
    await expectNoAxeViolations("coordinator's case page");

    await section.getByLabel('Datum').fill(VISIT_DATE);
    await section.getByLabel('Starttid').fill('10:00');
    await section.getByLabel('Sluttid').fill('11:30');
    await section.getByLabel('Plats').fill('REMAKE, Lantmannagatan 1, Malmö');
    await section.getByRole('button', { name: 'Skicka inbjudan' }).click();
    await page.waitForURL(`**${state.caseUrl}?done=proposeStudyVisit`);
    expect(await page.getByRole('status').textContent()).toContain('Inbjudan skickas');
    const visit = page.getByRole('region', { name: 'Det som har hänt', exact: true });
    expect(await visit.textContent()).toContain('REMAKE, Lantmannagatan 1, Malmö');
    await expectNoAxeViolations("coordinator's case page after proposing");

    const mail: StoredMail = await pollUntil(
      'the study-visit invitation mail',
      async () =>
        (await inbox(host.sesUrl)).find(
          (m) =>
            m.destination.to.some((to) => to.toLowerCase().includes(PARTICIPANT.email)) &&
            (m.attachments ?? []).some((a) => /text\/calendar|application\/ics/i.test(a.contentType)),
        ),
      45_000,
    );
    expect(mail.subject).toMatch(/^Studiebesök /);
    const ics = (mail.attachments ?? [])
      .filter((a) => /text\/calendar|application\/ics/i.test(a.contentType))
      .map((a) => Buffer.from(a.content, 'base64').toString('utf8'))
      .join('\n');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain(`DTSTART`);
    const everything = [mail.subject, mail.body.text ?? '', mail.body.html ?? '', ics].join('\n');
    const digits = PARTICIPANT.identityNumber.replace(/\D/g, '');
    for (const secret of [
      PARTICIPANT.identityNumber,
      digits,
      digits.slice(2),
      `${digits.slice(2, 8)}-${digits.slice(8)}`,
      PARTICIPANT.name,
      'Svea',
      'Testdeltagare',
    ]) {
      expect(everything.includes(secret), `the invitation contains "${secret}"`).toBe(false);
    }
    // The adaptation needs are not in the mail either.
    expect(everything).not.toContain('kortare dagar');
    // The case page eventually says the invitation was sent.
    await pollUntil('"inbjudan skickad" on the case page', async () => {
      await page.reload();
      return (await visit.textContent())?.includes('inbjudan skickad') || undefined;
    });
  });

  it('6. the admin finds the placement by case reference, reads its story, and switches it to English', async () => {
    await signOut();
    await signInAs(/Ali Admin/);
    await page.getByRole('link', { name: 'Placeringar' }).click();
    await page.waitForURL('**/admin/placements');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Placeringar');
    await page.getByLabel(/Sök ärende/).fill(state.reference as string);
    await page.getByRole('button', { name: 'Visa' }).click();
    await page.waitForURL('**/admin/placements?q=*');
    const link = page.getByRole('link', { name: state.reference as string, exact: true });
    expect(await link.count()).toBe(1);
    await expectNoAxeViolations('the placement list, searched');

    await link.click();
    await page.waitForURL('**/admin/placements/*');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Placering ${state.reference}`);
    expect(await page.getByRole('heading', { level: 2, name: 'Vad som har hänt' }).count()).toBe(1);
    // In plain words, never Step Functions' own.
    const story = (await page.locator('table.timeline').textContent()) ?? '';
    expect(story).toContain('Anvisningen skickades in');
    expect(story).toContain('Arbetsflödet startade');
    expect(story).not.toMatch(/TaskScheduled|StateEntered|ExecutionStarted/);
    await expectNoAxeViolations('the placement page');

    await page.getByRole('link', { name: 'In English' }).click();
    await page.waitForURL('**/admin/placements/*?lang=en');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Placement ${state.reference}`);
    expect(await page.getByRole('heading', { level: 2, name: 'What has happened' }).count()).toBe(1);
    await expectNoAxeViolations('the placement page (English)');
  });
});
