import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import {
  acceptReferral,
  expectFieldErrors,
  fieldError,
  pageText,
  referralForm,
  submitReferral,
  virtualDay,
  waitForMail,
  waitForPhase,
  waitForStep,
} from '#test/support/flows';
import { startTestHost, type TestHost } from '#test/support/host';
import { Session, USERS } from '#test/support/session';

/**
 * The admin console's units and accounts over HTTP on the local host: a unit edit refused with
 * field errors and nothing saved, a stale form refused, more places moving the queue, and an
 * account invited, signing in through the local issuer, disabled (its live session refused at
 * once, sign-in refused) and enabled again.
 */
let host: TestHost;
let admin: Session;
let karin: Session;
let anna: Session;
let repo: DynamoCaseRepository;

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  admin = await new Session(host.baseUrl).signIn(USERS.admin);
  karin = await new Session(host.baseUrl).signIn(USERS.coordinator);
  anna = await new Session(host.baseUrl).signIn(USERS.referrer);
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  repo = new DynamoCaseRepository(
    createDocumentClient(new DynamoDBClient({ region: 'eu-north-1', endpoint: host.dynamoUrl, credentials })),
    'stegvis',
  );
}, 120_000);
afterAll(async () => {
  await host?.stop();
});

/** The values of a form's inputs and text areas on a page (what a browser would post back). */
function formValues(page: string): Record<string, string> {
  const decode = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="[a-z]+" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g))
    out[m[1] as string] = decode(m[2] ?? '');
  for (const m of page.matchAll(/<textarea id="[^"]*" name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    out[m[1] as string] = decode(m[2] ?? '');
  return out;
}

describe('units', () => {
  it('refuses a bad edit field by field, keeps what was typed, saves nothing', async () => {
    const edit = await admin.get('/admin/units/remake');
    expect(edit.status).toBe(200);
    const values = formValues(await edit.text());
    expect(values.unitName).toMatch(/^REMAKE/);
    const r = await admin.post('/admin/units/remake', {
      ...values,
      places: 'många',
      ladder: '60, 80, 100',
      coordinatorEmails: 'karin.praktikansvarig@stadsmissionen.example\ninte-en-adress',
      address: 'Ny adress 1',
    });
    const page = await expectFieldErrors(r, ['places', 'ladder', 'coordinatorEmails']);
    expect(page).toMatch(/id="places"[^>]* aria-invalid="true" aria-describedby="places-hint places-error"/);
    expect(page).toContain('<a href="#places">');
    expect(fieldError(page, 'coordinatorEmails')).toBe('Rad 2 är inte en giltig e-postadress.');
    expect(formValues(page)).toMatchObject({ places: 'många', address: 'Ny adress 1' });
    const stored = await repo.getUnit('remake');
    expect(stored?.address).not.toBe('Ny adress 1');
    expect(stored?.version).toBeUndefined();
  });

  it('refuses a stale form with the reason, and keeps the other admin’s edit', async () => {
    const values = formValues(await (await admin.get('/admin/units/remake')).text());
    const first = await admin.post('/admin/units/remake', { ...values, unitPhone: '040-11 22 33' });
    expect(first.status).toBe(303);
    const stale = await admin.post('/admin/units/remake', { ...values, unitPhone: '040-99 99 99' });
    expect(stale.status).toBe(409);
    const text = pageText(await stale.text());
    expect(text).toContain('Någon annan har sparat arbetsplatsen');
    expect((await repo.getUnit('remake'))?.phone).toBe('040-11 22 33');
  });

  it('more places give a queued referral its place at once: coordinators told, workflow woken', async () => {
    // A new unit with no place: an accepted referral to it waits in its queue.
    const form = formValues(await (await admin.get('/admin/units/new')).text());
    const name = `Testverkstan ${Math.random().toString(36).slice(2, 7)}`;
    const created = await admin.post('/admin/units', {
      ...form,
      unitName: name,
      address: 'Testgatan 1, Malmö',
      tasks: 'Montering\nPackning',
      places: '0',
      coordinatorEmails: 'karin.praktikansvarig@stadsmissionen.example',
      supervisors: 'Sami Handledare, sami.handledare@stadsmissionen.example',
    });
    expect(created.status).toBe(303);
    const unitId = /#unit-([a-z0-9-]+)$/.exec(created.headers.get('location') ?? '')?.[1] ?? '';
    expect(unitId).toMatch(/^testverkstan-/);
    const list = await (await admin.get(created.headers.get('location') ?? '')).text();
    expect(pageText(list)).toContain('Arbetsplatsen är skapad.');

    const caseId = await submitReferral(
      anna,
      referralForm({ unitId, plannedStart: virtualDay(host, 10), plannedEnd: virtualDay(host, 200) }),
    );
    await acceptReferral(karin, caseId);
    await waitForPhase(karin, caseId, 'queued');
    const listed = pageText(await (await admin.get('/admin/units')).text());
    expect(listed).toContain(`${name} 0 0 0 1`);

    const values = formValues(await (await admin.get(`/admin/units/${unitId}`)).text());
    const raised = await admin.post(`/admin/units/${unitId}`, { ...values, places: '1' });
    expect(raised.status).toBe(303);
    expect(raised.headers.get('location')).toBe(`/admin/units?saved=updated&moved=1#unit-${unitId}`);
    await waitForStep(karin, caseId, 'studyVisitProposal');
    await waitForMail(host, 'the place-freed notice to the coordinators', (m) =>
      m.subject.startsWith(`Plats ledig på ${name}`),
    );
    expect(pageText(await (await admin.get('/admin/units')).text())).toContain(`${name} 1 1 0 0`);
    const audit = [...(await repo.listAudit({}, { limit: 100 })).items].reverse();
    expect(audit.filter((a) => a.target === `unit:${unitId}`).map((a) => a.action)).toEqual([
      'unit.create',
      'unit.update',
    ]);
  }, 120_000);
});

describe('accounts', () => {
  it('invites once, the invited person signs in with their role, disabled their session ends at once', async () => {
    const page = await (await admin.get('/admin/staff')).text();
    const formId = formValues(page).formId ?? '';
    expect(formId).toMatch(/^[0-9a-f-]{36}$/);
    const invite = {
      formId,
      staffName: 'Nora Nyanställd',
      staffEmail: 'nora.ny@stadsmissionen.example',
      staffRole: 'coordinator',
      staffOrganisation: 'skane-stadsmission',
    };
    const [a, b] = await Promise.all([
      admin.post('/admin/staff', invite),
      admin.post('/admin/staff', invite),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const listed = await (await admin.get('/admin/staff?done=invited')).text();
    expect(pageText(listed)).toContain('Inbjudan är skickad.');
    expect(listed.match(/nora\.ny@stadsmissionen\.example/g)).toHaveLength(1);
    const sub = /Nora Nyanställd<\/td>[\s\S]*?href="\/admin\/staff\/([A-Za-z0-9-]+)\/disable"/.exec(
      listed,
    )?.[1];
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);

    // A second invitation of the address (a new form) is refused with the reason.
    const again = await admin.post('/admin/staff', { ...invite, formId: crypto.randomUUID() });
    await expectFieldErrors(again, ['staffEmail']);

    // The local sign-in page lists her; she signs in and sees a coordinator's pages, not an admin's.
    const nora = await new Session(host.baseUrl).signIn(sub as string);
    expect((await nora.get('/admin/placements')).status).toBe(200);
    expect((await nora.get('/admin/units')).status).toBe(403);
    expect(pageText(await (await nora.get('/todo')).text())).toContain('Nora Nyanställd');

    // Disabled (confirmation page, reason): her live session is refused at once, sign-in too.
    const confirm = await admin.get(`/admin/staff/${sub}/disable`);
    expect(confirm.status).toBe(200);
    expect(pageText(await confirm.text())).toContain(
      'Nora Nyanställd (nora.ny@stadsmissionen.example) kan inte logga in',
    );
    const noReason = await admin.post(`/admin/staff/${sub}/disable`, { reason: '' });
    await expectFieldErrors(noReason, ['reason']);
    expect((await nora.get('/admin/placements')).status).toBe(200);
    const disabled = await admin.post(`/admin/staff/${sub}/disable`, { reason: 'Slutat sin anställning' });
    expect(disabled.headers.get('location')).toBe('/admin/staff?done=disabled');
    const refused = await nora.get('/admin/placements');
    expect(refused.status).toBe(302);
    expect(refused.headers.get('location')).toMatch(/^\/auth\/login/);
    expect((await nora.get('/api/admin/placements')).status).toBe(401);
    await expect(new Session(host.baseUrl).signIn(sub as string)).rejects.toThrow(/sign-in failed: 403/);
    const signInPage = await (await fetch(`${host.baseUrl}/auth/login`, { redirect: 'follow' })).text();
    expect(signInPage).not.toContain('Nora Nyanställd');

    // Enabled again: she can sign in.
    expect((await admin.post(`/admin/staff/${sub}/enable`, { reason: '' })).status).toBe(303);
    const back = await new Session(host.baseUrl).signIn(sub as string);
    expect((await back.get('/admin/placements')).status).toBe(200);

    const audit = [...(await repo.listAudit({}, { limit: 100 })).items]
      .reverse()
      .filter((x) => x.target === `staff:${sub}`);
    expect(audit.map((x) => [x.action, x.reason ?? null, x.by.sub])).toEqual([
      ['staff.invite', null, USERS.admin],
      ['staff.disable', 'Slutat sin anställning', USERS.admin],
      ['staff.enable', null, USERS.admin],
    ]);
    // Names and addresses stay out of the logs.
    expect(host.output()).not.toContain('nora.ny@');
    expect(host.output()).not.toContain('Nora');
  }, 120_000);

  it('keeps the invitation form’s values and names each error', async () => {
    const r = await admin.post('/admin/staff', {
      formId: crypto.randomUUID(),
      staffName: 'Olle',
      staffEmail: 'olle@',
      staffRole: 'superuser',
      staffOrganisation: 'skane-stadsmission',
    });
    const page = await expectFieldErrors(r, ['staffEmail', 'staffRole']);
    expect(fieldError(page, 'staffRole')).toBe('Välj en av rollerna.');
    expect(formValues(page)).toMatchObject({ staffName: 'Olle', staffEmail: 'olle@' });
  });

  it('answers non-admins with 403 on every unit and account page', async () => {
    for (const s of [karin, anna])
      for (const [method, path] of [
        ['GET', '/admin/units'],
        ['GET', '/admin/units/remake'],
        ['POST', '/admin/units/remake'],
        ['GET', '/admin/staff'],
        ['POST', '/admin/staff'],
        ['GET', `/admin/staff/${USERS.admin}/disable`],
        ['POST', `/admin/staff/${USERS.admin}/disable`],
      ] as const) {
        const r = method === 'GET' ? await s.get(path) : await s.post(path, { reason: 'x' });
        expect(r.status, `${method} ${path}`).toBe(403);
      }
    expect(await repo.isStaffDisabled(USERS.admin)).toBe(false);
  });
});
