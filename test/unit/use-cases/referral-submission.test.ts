import { describe, expect, it } from 'vitest';
import { DAY_MS } from '#core/case';
import { SubmissionInFlightError } from '#core/errors';
import { SUBMISSION_LEASE_S, submitReferral } from '#core/use-cases/referrals';
import { CASE_OFFICER, isoDay, T0, type World, world } from '#test/support/use-case-world';

/**
 * A referral form sent many times (double clicks, reloads, a client's retries, in parallel): one
 * case, one reference number, one execution; a repeat is answered success only once the case is
 * stored; a request that fails before storing gives the claim back so a resend stores the case.
 */
const form = {
  submissionId: 'sub-0000000000000001',
  participantName: 'Sara Hemlig',
  identityNumber: '19811218-9876',
  email: 'sara@example.se',
  phone: '070-123 45 67',
  gender: 'woman',
  placementAgreementRef: 'PÖ-2027-1',
  unitId: 'remake',
  adaptationNeeds: '',
  languageSupport: 'no',
  language: '',
  plannedStart: isoDay(T0),
  plannedEnd: isoDay(T0 + 365 * DAY_MS),
};
const KEY = `${CASE_OFFICER.sub}#${form.submissionId}`;

/** Holds every createCase until `open()`; `log` says in which order cases were stored and answered. */
function gated(w: World) {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const log: string[] = [];
  const createCase = w.repo.createCase.bind(w.repo);
  w.repo.createCase = async (...args) => {
    await gate;
    const out = await createCase(...args);
    log.push(`stored ${out.created}`);
    return out;
  };
  return { open, log };
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: Error) => err,
  );

describe('submitReferral, the same form sent many times', () => {
  it('stores 20 parallel submits as one case with one reference and one execution name', async () => {
    const w = world();
    const out = await Promise.all(
      Array.from({ length: 20 }, () => submitReferral(w.deps, CASE_OFFICER, form, { pollMs: 1 })),
    );
    expect(new Set(out.map((o) => o.caseId))).toEqual(new Set(['newcase0001']));
    expect(out.filter((o) => o.created)).toHaveLength(1);
    expect([...w.repo.cases.keys()]).toEqual(['newcase0001']);
    expect(w.repo.counter).toBe(1);
    expect((await w.get('newcase0001')).reference).toBe('SV-2027-0001');
    expect(new Set(w.workflow.started.map((s) => s.name))).toEqual(new Set(['case-newcase0001-1']));
    expect(await w.repo.getSubmission(KEY)).toEqual({
      state: 'stored',
      caseId: 'newcase0001',
      reference: 'SV-2027-0001',
    });
  });

  it('answers a repeat while the first is storing only after the case is stored, with the same case', async () => {
    const w = world();
    const g = gated(w);
    const first = submitReferral(w.deps, CASE_OFFICER, form);
    const repeat = submitReferral(w.deps, CASE_OFFICER, form, { pollMs: 1, waitMs: 5_000 }).then((r) => {
      g.log.push('repeat answered');
      return r;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(g.log).toEqual([]);
    expect(w.repo.cases.size).toBe(0);
    g.open();
    expect(await first).toEqual({ caseId: 'newcase0001', created: true });
    expect(await repeat).toEqual({ caseId: 'newcase0001', created: false });
    expect(g.log).toEqual(['stored true', 'repeat answered']);
    expect(w.repo.counter).toBe(1);
  });

  it('tells a repeat to send again when the first is still storing after the wait, storing nothing', async () => {
    const w = world();
    const g = gated(w);
    const first = submitReferral(w.deps, CASE_OFFICER, form);
    const err = await rejection(submitReferral(w.deps, CASE_OFFICER, form, { pollMs: 1, waitMs: 20 }));
    expect(err).toBeInstanceOf(SubmissionInFlightError);
    expect((err as SubmissionInFlightError).status).toBe(409);
    expect((err as SubmissionInFlightError).retryAfterSeconds).toBeGreaterThan(0);
    expect(w.repo.cases.size).toBe(0);
    g.open();
    await first;
    // Sent again later: the stored case, no second one.
    expect(await submitReferral(w.deps, CASE_OFFICER, form)).toEqual({
      caseId: 'newcase0001',
      created: false,
    });
    expect([...w.repo.cases.keys()]).toEqual(['newcase0001']);
    expect(w.repo.counter).toBe(1);
  });

  it('gives the claim back when storing fails, so a resend stores it with the same case id and reference', async () => {
    const w = world();
    const createCase = w.repo.createCase.bind(w.repo);
    w.repo.createCase = async () => {
      throw new Error('DynamoDB unavailable');
    };
    await expect(submitReferral(w.deps, CASE_OFFICER, form)).rejects.toThrow('DynamoDB unavailable');
    expect(w.repo.cases.size).toBe(0);
    expect(await w.repo.getSubmission(KEY)).toEqual({
      state: 'released',
      caseId: 'newcase0001',
      reference: 'SV-2027-0001',
    });
    w.repo.createCase = createCase;
    expect(await submitReferral(w.deps, CASE_OFFICER, form)).toEqual({
      caseId: 'newcase0001',
      created: true,
    });
    expect((await w.get('newcase0001')).reference).toBe('SV-2027-0001');
    expect(w.repo.counter).toBe(1);
    expect(w.workflow.started.map((s) => s.name)).toEqual(['case-newcase0001-1']);
  });

  it('lets a waiting repeat store the case when the first fails: the acknowledged referral is not lost', async () => {
    const w = world();
    const createCase = w.repo.createCase.bind(w.repo);
    let calls = 0;
    w.repo.createCase = async (...args) => {
      if (++calls === 1) {
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('first request died');
      }
      return createCase(...args);
    };
    const [first, repeat] = await Promise.all([
      rejection(submitReferral(w.deps, CASE_OFFICER, form)),
      submitReferral(w.deps, CASE_OFFICER, form, { pollMs: 1 }),
    ]);
    expect(first?.message).toBe('first request died');
    expect(repeat).toEqual({ caseId: 'newcase0001', created: true });
    expect([...w.repo.cases.keys()]).toEqual(['newcase0001']);
    expect(w.repo.counter).toBe(1);
  });

  it('completes a start that failed after the case was stored when the form is sent again', async () => {
    const w = world();
    const start = w.workflow.startExecution.bind(w.workflow);
    w.workflow.startExecution = async () => {
      throw new Error('Step Functions unavailable');
    };
    await expect(submitReferral(w.deps, CASE_OFFICER, form)).rejects.toThrow('Step Functions unavailable');
    // Stored, and stays stored: the failure after storing gives nothing back.
    expect((await w.repo.getSubmission(KEY))?.state).toBe('stored');
    w.workflow.startExecution = start;
    expect(await submitReferral(w.deps, CASE_OFFICER, form)).toEqual({
      caseId: 'newcase0001',
      created: false,
    });
    expect(w.workflow.started.map((s) => s.name)).toEqual(['case-newcase0001-1']);
    expect(w.repo.counter).toBe(1);
  });
});

describe('MemoryRepo submission claims (the port DynamoDB implements)', () => {
  it('holds a claim against others for its lease, then lets it be taken over; the old owner can no longer store', async () => {
    const w = world();
    let wall = 1_000;
    w.repo.wallSeconds = () => wall;
    const o = { leaseSeconds: SUBMISSION_LEASE_S };
    expect(await w.repo.claimSubmission('k', { ...o, caseId: 'c1', owner: 'a' })).toEqual({
      state: 'claimed',
      caseId: 'c1',
    });
    expect(await w.repo.reserveSubmissionReference('k', 'a', 'SV-2027-0001')).toBe(true);
    expect(await w.repo.reserveSubmissionReference('k', 'b', 'SV-2027-0002')).toBe(false);
    wall += SUBMISSION_LEASE_S - 1;
    expect(await w.repo.claimSubmission('k', { ...o, caseId: 'c2', owner: 'b' })).toEqual({
      state: 'pending',
      caseId: 'c1',
    });
    wall += 2;
    expect(await w.repo.claimSubmission('k', { ...o, caseId: 'c3', owner: 'b' })).toEqual({
      state: 'claimed',
      caseId: 'c1',
      reference: 'SV-2027-0001',
    });
    // a's release and store come too late: the claim is b's.
    await w.repo.releaseSubmission('k', 'a');
    expect((await w.repo.getSubmission('k'))?.state).toBe('pending');
  });
});
