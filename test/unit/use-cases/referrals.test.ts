import { describe, expect, it } from 'vitest';
import { DAY_MS, emptyCollections } from '#core/case';
import { NotFoundError, ValidationError } from '#core/errors';
import { getVisibleCase, listVisibleCases, submitReferral } from '#core/use-cases/referrals';
import {
  ADMIN,
  CASE_OFFICER,
  COORDINATOR,
  caseIn,
  failure,
  iso,
  isoDay,
  issueCodes,
  OTHER_OFFICER,
  OTHER_SUPERVISOR,
  type PagingRepo,
  SUPERVISOR,
  SUPERVISOR_EMAIL,
  T0,
  world,
} from '#test/support/use-case-world';

/** The referral's validation is moving to zod: these tests hold the field and code of issues only. */
const form = {
  submissionId: 'sub-0000000000000001',
  participantName: '  Sara   Hemlig ',
  identityNumber: '19811218-9876',
  email: 'Sara@Example.se',
  phone: '070-123 45 67',
  gender: 'woman',
  placementAgreementRef: 'PÖ-2027-1',
  unitId: 'remake',
  adaptationNeeds: 'Pauser',
  languageSupport: 'yes',
  language: 'arabiska',
  plannedStart: isoDay(T0),
  plannedEnd: isoDay(T0 + 365 * DAY_MS),
};

describe('submitReferral', () => {
  it('stores the case with the referrer as case officer and starts its workflow', async () => {
    const w = world();
    expect(await submitReferral(w.deps, CASE_OFFICER, form)).toEqual({
      caseId: 'newcase0001',
      created: true,
    });
    expect(await w.get('newcase0001')).toEqual({
      caseId: 'newcase0001',
      reference: 'SV-2027-0001',
      organisationId: 'malmo',
      createdAt: iso(T0),
      createdBy: 'r1',
      updatedAt: iso(T0),
      status: 'active',
      phase: 'intake',
      participant: {
        name: 'Sara Hemlig',
        identityNumber: '198112189876',
        identityKind: 'personnummer',
        email: 'sara@example.se',
        phone: '070-123 45 67',
        gender: 'woman',
      },
      caseOfficer: {
        sub: 'r1',
        name: 'Anna',
        email: 'anna@malmo.example',
        organisationId: 'malmo',
        organisationName: 'Malmö',
      },
      placementAgreementRef: 'PÖ-2027-1',
      unitId: 'remake',
      needs: { adaptation: 'Pauser', languageSupport: true, language: 'arabiska' },
      participantLanguage: 'sv',
      plannedStart: isoDay(T0),
      plannedEnd: isoDay(T0 + 365 * DAY_MS),
      ...emptyCollections(),
      execution: { segment: 1, name: 'case-newcase0001-1', startedAt: iso(T0) },
      version: 1,
      // The console's summary: the reference and staff facts only, the decision due in two days.
      summary: {
        caseId: 'newcase0001',
        reference: 'SV-2027-0001',
        status: 'active',
        phase: 'intake',
        unitId: 'remake',
        organisationId: 'malmo',
        organisationName: 'Malmö',
        createdAt: iso(T0),
        next: { clock: 'intakeDecision', due: iso(T0 + 2 * DAY_MS) },
        stuck: [],
      },
    });
    expect(w.workflow.started).toEqual([{ name: 'case-newcase0001-1', input: { caseId: 'newcase0001' } }]);
  });

  it('keeps no language when no support is wanted', async () => {
    const w = world();
    await submitReferral(w.deps, CASE_OFFICER, { ...form, languageSupport: 'no', language: 'arabiska' });
    expect((await w.get('newcase0001')).needs).toEqual({
      adaptation: 'Pauser',
      languageSupport: false,
      language: '',
    });
  });

  it('keeps the language of mail to the participant: English when chosen, Swedish by default', async () => {
    const w = world();
    await submitReferral(w.deps, CASE_OFFICER, { ...form, mailLanguage: 'en' });
    expect((await w.get('newcase0001')).participantLanguage).toBe('en');
    await submitReferral(w.deps, CASE_OFFICER, { ...form, submissionId: 'sub-0000000000000002' });
    expect((await w.get('newcase0002')).participantLanguage).toBe('sv');
    expect(
      await issueCodes(() =>
        submitReferral(w.deps, CASE_OFFICER, {
          ...form,
          submissionId: 'sub-0000000000000003',
          mailLanguage: 'fi',
        }),
      ),
    ).toEqual(['mailLanguage:required']);
    expect(
      await issueCodes(() =>
        submitReferral(w.deps, CASE_OFFICER, {
          ...form,
          submissionId: 'sub-0000000000000004',
          mailLanguage: '',
        }),
      ),
    ).toEqual(['mailLanguage:required']);
  });

  it('stores a submission sent twice once, and starts the same execution again', async () => {
    const w = world();
    await submitReferral(w.deps, CASE_OFFICER, form);
    expect(await submitReferral(w.deps, CASE_OFFICER, form)).toEqual({
      caseId: 'newcase0001',
      created: false,
    });
    expect([...w.repo.cases.keys()]).toEqual(['newcase0001']);
    expect(w.workflow.started.map((s) => s.name)).toEqual(['case-newcase0001-1', 'case-newcase0001-1']);
  });

  it('scopes the submission to its sender', async () => {
    const w = world();
    await submitReferral(w.deps, CASE_OFFICER, form);
    expect(await submitReferral(w.deps, OTHER_OFFICER, form)).toEqual({
      caseId: 'newcase0002',
      created: true,
    });
    expect((await w.get('newcase0002')).organisationId).toBe('lund');
  });

  it('refuses a form with problems, storing and starting nothing', async () => {
    const w = world();
    const codes = await issueCodes(() => submitReferral(w.deps, CASE_OFFICER, {}));
    expect(codes).toEqual(
      expect.arrayContaining([
        'participantName:required',
        'email:required',
        'unitId:required',
        'submissionId:format',
      ]),
    );
    expect(
      await issueCodes(() => submitReferral(w.deps, CASE_OFFICER, { ...form, unitId: 'nowhere' })),
    ).toEqual(['unitId:required']);
    expect(w.repo.cases.size).toBe(0);
    expect(w.workflow.started).toEqual([]);
  });

  it('judges the dates against the clock', async () => {
    const w = world();
    const late = await failure(() =>
      submitReferral(w.deps, CASE_OFFICER, { ...form, plannedStart: isoDay(T0 - 40 * DAY_MS) }),
    );
    expect(late).toBeInstanceOf(ValidationError);
    expect((late as ValidationError).issues.map((i) => `${i.field}:${i.code}`)).toEqual([
      'plannedStart:past',
    ]);
  });

  it('fails when the case it was stored as has gone', async () => {
    const w = world();
    w.repo.createCase = async () => ({ created: false, caseId: 'gone00000001' });
    await expect(submitReferral(w.deps, CASE_OFFICER, form)).rejects.toThrow(
      new NotFoundError('Case vanished after submission'),
    );
    expect(w.workflow.started).toEqual([]);
  });
});

describe('listVisibleCases', () => {
  async function setup(pageSize = 1000) {
    const w = world({ pageSize });
    await w.seed(
      caseIn('training', 'mine00000001'),
      caseIn('intake', 'lund00000001', T0, { organisationId: 'lund' }),
      caseIn('closed', 'closed000001'),
      caseIn('training', 'other0000001', T0, {
        supervisor: { name: 'Sara', email: 'sara@stadsmissionen.example' },
      }),
      caseIn('closing', 'mine00000002'),
    );
    return { w, repo: w.repo as PagingRepo };
  }
  const ids = (p: { items: { caseId: string }[] }) => p.items.map((c) => c.caseId);

  it('shows staff every case, a page at a time', async () => {
    const { w, repo } = await setup();
    expect(ids(await listVisibleCases(w.deps, COORDINATOR))).toHaveLength(5);
    expect(ids(await listVisibleCases(w.deps, ADMIN, { limit: 2, after: '1' }))).toEqual([
      'lund00000001',
      'closed000001',
    ]);
    expect(repo.listCalls.map((c) => c.page)).toEqual([{ limit: 50 }, { limit: 2, after: '1' }]);
  });

  it('keeps a page between 1 and 100 cases', async () => {
    const { w, repo } = await setup();
    await listVisibleCases(w.deps, COORDINATOR, { limit: 0 });
    await listVisibleCases(w.deps, COORDINATOR, { limit: 500 });
    await listVisibleCases(w.deps, CASE_OFFICER, { limit: 100 });
    expect(repo.listCalls.map((c) => c.page.limit)).toEqual([1, 100, 100]);
  });

  it('shows a case officer their organisation’s cases', async () => {
    const { w } = await setup();
    expect(ids(await listVisibleCases(w.deps, CASE_OFFICER))).toEqual([
      'mine00000001',
      'closed000001',
      'other0000001',
      'mine00000002',
    ]);
    expect(ids(await listVisibleCases(w.deps, OTHER_OFFICER))).toEqual(['lund00000001']);
  });

  it('shows a supervisor the active cases assigned to them, over pages', async () => {
    const { w } = await setup(2);
    // Newest first; these were made at the same instant, so the later id comes first.
    expect(ids(await listVisibleCases(w.deps, SUPERVISOR))).toEqual(['mine00000002', 'mine00000001']);
    expect(ids(await listVisibleCases(w.deps, OTHER_SUPERVISOR))).toEqual(['other0000001']);
    const first = await listVisibleCases(w.deps, SUPERVISOR, { limit: 1 });
    expect(first).toEqual({
      items: [expect.objectContaining({ caseId: 'mine00000002' })],
      next: expect.any(String),
    });
    const rest = await listVisibleCases(w.deps, SUPERVISOR, { limit: 1, after: first.next });
    expect(ids(rest)).toEqual(['mine00000001']);
    expect(rest.next).toBeUndefined();
  });

  // A supervisor's cases are read from the index rows of their own key, so a page never holds
  // more than the limit and none is sliced away.
  it('loses none of a supervisor’s cases when a page holds more than the limit', async () => {
    const w = world({ pageSize: 100 });
    await w.seed(
      caseIn('training', 'mine00000001'),
      caseIn('training', 'mine00000002'),
      caseIn('training', 'mine00000003'),
    );
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listVisibleCases(w.deps, SUPERVISOR, { limit: 2, after });
      seen.push(...ids(page));
      after = page.next;
    } while (after);
    expect(seen).toEqual(['mine00000003', 'mine00000002', 'mine00000001']);
  });
});

describe('getVisibleCase', () => {
  it('gives the case to those who may see it and answers others as if it did not exist', async () => {
    const w = world();
    await w.seed(caseIn('training', 'case00000001'));
    expect((await getVisibleCase(w.deps, CASE_OFFICER, 'case00000001')).caseId).toBe('case00000001');
    expect((await getVisibleCase(w.deps, ADMIN, 'case00000001')).caseId).toBe('case00000001');
    expect(
      (await getVisibleCase(w.deps, { ...OTHER_SUPERVISOR, email: SUPERVISOR_EMAIL }, 'case00000001')).caseId,
    ).toBe('case00000001');
    await expect(getVisibleCase(w.deps, OTHER_OFFICER, 'case00000001')).rejects.toThrow(
      new NotFoundError('Case not found'),
    );
    await expect(getVisibleCase(w.deps, OTHER_SUPERVISOR, 'case00000001')).rejects.toThrow(NotFoundError);
    await expect(getVisibleCase(w.deps, COORDINATOR, 'nosuchcase01')).rejects.toThrow(NotFoundError);
  });
});
