import { canSeeCase, isStaff, type Principal } from '../auth.ts';
import { type CaseRecord, emptyCollections, executionName } from '../case.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { type ReferralForm, validateReferral } from '../forms/referral.ts';
import { planPlacementQuery, staffKey } from '../placements.ts';
import type { Deps, Page } from '../ports.ts';
import { withSummary } from './update-case.ts';

/**
 * A referrer submits a referral: the case is stored and its workflow started. The same
 * submission (same form instance) sent twice yields one case and one execution.
 */
export async function submitReferral(
  deps: Deps,
  referrer: Principal,
  form: ReferralForm,
): Promise<{ caseId: string; created: boolean }> {
  const now = deps.clock.now();
  const units = await deps.repo.listUnits();
  const result = validateReferral(form, { today: new Date(now), unitIds: units.map((u) => u.unitId) });
  if (!result.ok) throw new ValidationError(result.issues);
  const r = result.value;

  const caseId = deps.newId();
  const createdAt = new Date(now).toISOString();
  const record: CaseRecord = {
    caseId,
    reference: await deps.repo.nextReference(new Date(now).getUTCFullYear()),
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
  // Scoped to the submitter: another person's form id can never resolve to this case.
  const stored = await deps.repo.createCase(
    await withSummary(deps.repo, record, deps.clock.now()),
    `${referrer.sub}#${r.submissionId}`,
  );
  // Started on every submit of the same form too: a start that failed after the case was
  // stored is completed by the retry, and a repeated start of the same name is harmless.
  const existing = stored.created ? record : await deps.repo.getCase(stored.caseId);
  if (!existing) throw new NotFoundError('Case vanished after submission');
  await deps.workflow.startExecution(existing.execution.name, { caseId: existing.caseId });
  return { caseId: stored.caseId, created: stored.created };
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
