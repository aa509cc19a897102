import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoCaseRepository } from '#adapters/dynamo-repository';
import { DAY_MS } from '#core/case';
import { parseIdentityNumber } from '#core/personnummer';
import { personKey } from '#core/reports';
import { acceptedReferral, expectFieldErrors, nextPerson, pageText } from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { hostRepository } from '#test/support/host-repository';
import { newCaseRecord } from '#test/support/records';
import { Session, USERS } from '#test/support/session';

/**
 * Personal data over HTTP on the real local host: reads of identity numbers and health texts in
 * the audit log, the register extract (identity number in a form, never a URL), erasure on a
 * legal request behind a confirmation page, and the retention job at start-up.
 */
let host: TestHost;
let admin: Session;
let karin: Session;
let repo: DynamoCaseRepository;

const formIdOf = (page: string) => {
  const m = /name="formId" value="([A-Za-z0-9_-]+)"/.exec(page);
  if (!m?.[1]) throw new Error('no form id');
  return m[1];
};

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  admin = await new Session(host.baseUrl).signIn(USERS.admin);
  karin = await new Session(host.baseUrl).signIn(USERS.coordinator);
  repo = hostRepository(host);
});
afterAll(async () => {
  await host?.stop();
});

describe('personal data', () => {
  const identity = nextPerson();
  const name = 'Lina Integritet';
  const parsed = parseIdentityNumber(identity, new Date());
  const normalized = parsed.ok ? parsed.value.normalized : '';
  let caseId: string;

  it('writes every read of the identity number and health texts to the audit log, and only those', async () => {
    ({ caseId } = await acceptedReferral(host, {
      identityNumber: identity,
      participantName: name,
      adaptationNeeds: 'Behöver sitta ner',
    }));
    const page = await karin.get(`/cases/${caseId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(name);
    const reads = async () =>
      (await repo.listAudit({ caseId }, { limit: 100 })).items.filter((e) => e.action === 'privacy.read');
    const first = await reads();
    expect(first.map((e) => [e.by.name, e.detail])).toContainEqual([
      'Karin Praktikansvarig',
      'identityNumber,health',
    ]);
    // The admin sees references only on the case page: nothing personal shown, nothing audited.
    const before = first.length;
    const adminPage = await admin.get(`/cases/${caseId}`);
    expect(await adminPage.text()).not.toContain(name);
    expect(await reads()).toHaveLength(before);
    // The JSON API shows neither: no read event either.
    await karin.get(`/api/cases/${caseId}`);
    expect(await reads()).toHaveLength(before);
    const log = await admin.get('/admin/audit?lang=en');
    expect(pageText(await log.text())).toContain('Read the identity number or health data');
  });

  it('makes a register extract from an identity number typed in a form, audited with the reason', async () => {
    const form = await admin.get('/admin/privacy');
    expect(form.status).toBe(200);
    await expectFieldErrors(
      await admin.post('/admin/privacy/extract', { identityNumber: '19811218-9875', reason: '' }),
      ['identityNumber', 'reason'],
    );
    const r = await admin.post('/admin/privacy/extract?lang=en', {
      identityNumber: identity,
      reason: 'Request by the participant, letter of 3 May',
    });
    const text = pageText(await r.text());
    expect(r.status).toBe(200);
    expect(text).toContain('Register extract');
    expect(text).toContain(name);
    expect(text).toContain('Behöver sitta ner');
    expect(text).toContain('Your rights');
    const c = await repo.getCase(caseId);
    expect(text).toContain(c?.reference ?? 'no reference');
    const events = (await repo.listAudit({ caseId }, { limit: 100 })).items.filter(
      (e) => e.action === 'privacy.extract',
    );
    expect(events.map((e) => [e.by.name, e.reason])).toEqual([
      ['Ali Admin', 'Request by the participant, letter of 3 May'],
    ]);
    // A coordinator may not.
    expect(
      (await karin.post('/admin/privacy/extract', { identityNumber: identity, reason: 'nyfiken' })).status,
    ).toBe(403);
  });

  it('erases an active participant on a legal request: run stopped, data removed, figures kept, once', async () => {
    const confirm = await admin.get(`/admin/privacy/erase/${caseId}`);
    expect(confirm.status).toBe(200);
    const formId = formIdOf(await confirm.text());
    await expectFieldErrors(await admin.post(`/admin/privacy/erase/${caseId}`, { formId, reason: '' }), [
      'reason',
    ]);
    const reason = 'Begäran om radering, beslut 2026-05-03';
    const r = await admin.post(`/admin/privacy/erase/${caseId}`, { formId, reason });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/cases/${caseId}`);
    const c = await repo.getCase(caseId);
    expect(c?.status).toBe('closed');
    expect(c?.closure?.category).toBe('closedAdministratively');
    expect(c?.anonymised?.by).toBe('erasure');
    expect(c?.anonymised?.personKey).toBe(personKey(normalized));
    expect(JSON.stringify(c)).not.toContain(name);
    expect(JSON.stringify(c)).not.toContain('Behöver sitta ner');
    expect(await repo.findCasesByPerson(personKey(normalized))).toEqual([]);
    // The case page says so and shows nothing personal, even to the coordinator.
    const page = pageText(await (await karin.get(`/cases/${caseId}?lang=en`)).text());
    expect(page).toContain('has been removed');
    expect(page).not.toContain(name);
    // A double submit does nothing more.
    expect((await admin.post(`/admin/privacy/erase/${caseId}`, { formId, reason })).status).toBe(303);
    const erased = (await repo.listAudit({ caseId }, { limit: 100 })).items.filter(
      (e) => e.action === 'privacy.erase',
    );
    expect(erased.map((e) => [e.outcome, e.reason])).toEqual([['done', reason]]);
    // The extract finds nothing any more.
    const after = pageText(
      await (
        await admin.post('/admin/privacy/extract?lang=en', { identityNumber: identity, reason: 'Kontroll' })
      ).text(),
    );
    expect(after).toContain('holds no personal data');
  });

  it('removes the personal data of cases past their retention at start-up, as the platform', async () => {
    const old = newCaseRecord('retentionold0001', Date.now() - 7 * 365 * DAY_MS, 9);
    old.participant.identityNumber = '198112189876';
    old.participant.name = 'Gammal Deltagare';
    old.status = 'closed';
    old.phase = 'closed';
    old.closure = {
      category: 'declinedAtIntake',
      reason: 'Ville inte',
      closedAt: new Date(Date.now() - 6 * 365 * DAY_MS).toISOString(),
    };
    await repo.createCase(old, 'retention-old-0001');
    expect(
      (await repo.listRetentionDue(new Date().toISOString(), { limit: 10 })).items.map((i) => i.caseId),
    ).toContain(old.caseId);
    await host.restart();
    // The job audits each case once it is done.
    const events = await pollUntil('the retention is audited', async () => {
      const items = (await repo.listAudit({ caseId: old.caseId }, { limit: 10 })).items;
      return items.length ? items : undefined;
    });
    const done = await repo.getCase(old.caseId);
    expect(done?.participant.name).toBe('');
    expect(done?.anonymised?.by).toBe('retention');
    expect(events.map((e) => [e.action, e.by.name])).toEqual([['privacy.retention', 'plattformen']]);
    expect(
      (await repo.listRetentionDue(new Date().toISOString(), { limit: 10 })).items.map((i) => i.caseId),
    ).not.toContain(old.caseId);
  });
});
