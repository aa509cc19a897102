import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { canSeeCase, isStaff, type Principal } from '../auth.ts';
import { type CaseRecord, emptyCollections, executionName } from '../case.ts';
import { NotFoundError, SubmissionInFlightError, ValidationError } from '../errors.ts';
import { type ReferralForm, type ValidReferral, validateReferral } from '../forms/referral.ts';
import { planPlacementQuery, staffKey } from '../placements.ts';
import type { Deps, Page } from '../ports.ts';
import { withSummary } from './update-case.ts';

/**
 * How long a submission's claim holds against a repeat: longer than an HTTP function may run
 * (10 s), so a claim this old belongs to a request that died before it could give it back.
 */
export const SUBMISSION_LEASE_S = 30;

export interface SubmitOptions {
  /** How long a repeat waits for the request that holds the claim (default 5 s). */
  waitMs?: number;
  /** How often it looks (default 100 ms). */
  pollMs?: number;
}

/**
 * A referrer submits a referral: the case is stored and its workflow started. The same
 * submission (same form instance) sent any number of times, in parallel too, yields one case, one
 * reference number and one execution:
 * 1. the submission is claimed with a conditional write before anything else; the claim holds the
 *    case id and, once taken, the one reference number;
 * 2. the claim's holder stores the case and turns the claim into the stored marker in one
 *    transaction, then starts the workflow;
 * 3. a repeat answers success only once the case is stored: while the claim is in flight it waits
 *    (up to `waitMs`) and then shows the same case, or throws SubmissionInFlightError (send again
 *    shortly) — never a success for a case not stored;
 * 4. a holder that fails before storing gives the claim back (case id and reference kept), so a
 *    resend, or a repeat waiting on it, stores the case.
 */
export async function submitReferral(
  deps: Deps,
  referrer: Principal,
  form: ReferralForm,
  o: SubmitOptions = {},
): Promise<{ caseId: string; created: boolean }> {
  const now = deps.clock.now();
  const units = await deps.repo.listUnits();
  const result = validateReferral(form, { today: new Date(now), unitIds: units.map((u) => u.unitId) });
  if (!result.ok) throw new ValidationError(result.issues);
  const r = result.value;
  // Scoped to the submitter: another person's form id can never resolve to this case.
  const key = `${referrer.sub}#${r.submissionId}`;
  const owner = randomUUID();
  const waitUntil = Date.now() + (o.waitMs ?? 5_000);

  for (let round = 0; ; round++) {
    if (round > 0 && Date.now() > waitUntil)
      throw new SubmissionInFlightError('The same submission is still being stored');
    const claim = await deps.repo.claimSubmission(key, {
      caseId: deps.newId(),
      owner,
      leaseSeconds: SUBMISSION_LEASE_S,
    });
    if (claim.state === 'stored') return startStored(deps, claim.caseId);
    if (claim.state === 'pending') {
      const settled = await settledSubmission(deps, key, waitUntil, o.pollMs ?? 100);
      if (settled?.state === 'stored') return startStored(deps, settled.caseId);
      if (settled?.state !== 'pending') continue; // the holder failed (or it expired): store it here
      throw new SubmissionInFlightError('The same submission is still being stored');
    }
    try {
      const reference = claim.reference ?? (await reserveReference(deps, key, owner, now));
      const record = newCase(r, referrer, claim.caseId, reference, now);
      const stored = await deps.repo.createCase(await withSummary(deps.repo, record, deps.clock.now()), key, {
        owner,
      });
      if (!stored.created) return startStored(deps, stored.caseId);
      await deps.workflow.startExecution(record.execution.name, { caseId: record.caseId });
      return { caseId: record.caseId, created: true };
    } catch (err) {
      // Nothing is given back once the case is stored (the claim is then the stored marker).
      await deps.repo.releaseSubmission(key, owner).catch(() => undefined);
      throw err;
    }
  }
}

async function reserveReference(deps: Deps, key: string, owner: string, now: number) {
  const reference = await deps.repo.nextReference(new Date(now).getUTCFullYear());
  if (!(await deps.repo.reserveSubmissionReference(key, owner, reference)))
    throw new SubmissionInFlightError('Submission claimed by another request');
  return reference;
}

/** Polls the submission until its holder stored it or gave it back, or the time is up. */
async function settledSubmission(deps: Deps, key: string, until: number, pollMs: number) {
  for (;;) {
    const s = await deps.repo.getSubmission(key);
    if (s?.state !== 'pending' || Date.now() + pollMs > until) return s;
    await sleep(pollMs);
  }
}

/**
 * A stored submission: its workflow is started again, so a start that failed after the case was
 * stored is completed by the repeat (a repeated start of the same name is harmless).
 */
async function startStored(deps: Deps, caseId: string) {
  const existing = await deps.repo.getCase(caseId);
  if (!existing) throw new NotFoundError('Case vanished after submission');
  await deps.workflow.startExecution(existing.execution.name, { caseId: existing.caseId });
  return { caseId, created: false };
}

function newCase(
  r: ValidReferral,
  referrer: Principal,
  caseId: string,
  reference: string,
  now: number,
): CaseRecord {
  const createdAt = new Date(now).toISOString();
  return {
    caseId,
    reference,
    organisationId: referrer.organisationId,
    createdAt,
    createdBy: referrer.sub,
    updatedAt: createdAt,
    status: 'active',
    phase: 'intake',
    participant: {
      name: r.participantName,
      identityNumber: r.identity.normalized,
      identityKind: r.identity.kind,
      email: r.email,
      phone: r.phone,
      gender: r.gender,
    },
    caseOfficer: {
      sub: referrer.sub,
      name: referrer.name,
      email: referrer.email,
      organisationId: referrer.organisationId,
      organisationName: referrer.organisationName,
    },
    placementAgreementRef: r.placementAgreementRef,
    unitId: r.unitId,
    needs: { adaptation: r.adaptationNeeds, languageSupport: r.languageSupport, language: r.language },
    participantLanguage: r.mailLanguage,
    plannedStart: r.plannedStart,
    plannedEnd: r.plannedEnd,
    ...emptyCollections(),
    execution: { segment: 1, name: executionName(caseId, 1), startedAt: createdAt },
    version: 1,
  };
}

/** The cases a person may see, newest first, a page at a time. */
export async function listVisibleCases(
  deps: Pick<Deps, 'repo'>,
  p: Principal,
  page: { after?: string; limit?: number } = {},
): Promise<Page<CaseRecord>> {
  const request = { limit: Math.min(Math.max(page.limit ?? 50, 1), 100), after: page.after };
  if (isStaff(p)) return deps.repo.listCases(request);
  if (p.groups.includes('referrer')) return deps.repo.listCasesByOrganisation(p.organisationId, request);
  // A supervisor: the active cases assigned to them, from the console's index rows of their key.
  const rows = await deps.repo.listPlacements(
    planPlacementQuery({ status: 'active', supervisor: staffKey(p.email) }, 'newest', 0),
    request,
  );
  const cases = await deps.repo.getCases(rows.items.map((r) => r.caseId));
  const byId = new Map(cases.map((c) => [c.caseId, c]));
  const items = rows.items
    .map((r) => byId.get(r.caseId))
    .filter((c): c is CaseRecord => !!c && canSeeCase(p, c));
  return { items, ...(rows.next ? { next: rows.next } : {}) };
}

/** A case the principal may see; others' cases answer 404 so their existence is not revealed. */
export async function getVisibleCase(
  deps: Pick<Deps, 'repo'>,
  p: Principal,
  caseId: string,
): Promise<CaseRecord> {
  const c = await deps.repo.getCase(caseId);
  if (!c || !canSeeCase(p, c)) throw new NotFoundError('Case not found');
  return c;
}
