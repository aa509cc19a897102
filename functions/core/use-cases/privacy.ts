import { canSeeParticipant, type Principal } from '../auth.ts';
import type { CaseRecord } from '../case.ts';
import { type FieldIssue, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { type IdentityNumber, parseIdentityNumber } from '../personnummer.ts';
import type { AuditEvent, CaseEntry, Deps } from '../ports.ts';
import { personKey } from '../reports.ts';
import { type AnonymisedBy, anonymise, caseRule, retentionDue } from '../retention.ts';
import { takeAdminAction } from './admin-actions.ts';
import { requireCase, updateCase } from './update-case.ts';

/**
 * Personal data kept to the law (GDPR; IMY's guidance on identity numbers): the retention job,
 * the register extract (art. 15), erasure on a legal request (art. 17) and the audit of every
 * read of an identity number or health-related text. Each writes to the one audit log.
 */

/** The platform as the actor of the retention job. */
export const PLATFORM = { sub: 'platform', name: 'plattformen' } as const;

export type PrivacyAction = 'privacy.retention' | 'privacy.extract' | 'privacy.erase' | 'privacy.read';

const isAdmin = (p: Principal) => p.groups.includes('admin');
const FORM_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Removes a case's personal data (retention.ts `anonymise`), then what is stored beside it (talk
 * notes, mail ledger, participant links, person lookup, retention key). Idempotent: a case done
 * before only has its side items swept again.
 */
export async function anonymiseCase(
  deps: Pick<Deps, 'repo' | 'clock'>,
  caseId: string,
  by: AnonymisedBy,
): Promise<'done' | 'already' | 'notDue'> {
  const now = deps.clock.now();
  let state: 'done' | 'already' | 'notDue' = 'done';
  await updateCase(deps.repo, caseId, now, (c) => {
    if (c.anonymised) {
      state = 'already';
      return undefined;
    }
    const due = retentionDue(c);
    if (by === 'retention' && (!due || Date.parse(due) > now)) {
      state = 'notDue';
      return undefined;
    }
    if (c.status !== 'closed') throw new Error('Only a closed case can lose its personal data');
    state = 'done';
    return anonymise(c, now, by);
  });
  if ((state as string) !== 'notDue') await deps.repo.purgeCaseItems(caseId);
  return state;
}

/**
 * The retention job: every closed case whose rule's period has run out loses its personal data;
 * its statistics stay. Reads the sparse retention index only. Idempotent (a case done is off the
 * index; its audit event has a fixed id). Answers counts only.
 */
export async function applyRetention(
  deps: Pick<Deps, 'repo' | 'clock'>,
): Promise<{ due: number; anonymised: number; failed: number }> {
  const now = deps.clock.now();
  const until = new Date(now).toISOString();
  let due = 0;
  let anonymised = 0;
  let failed = 0;
  let after: string | undefined;
  do {
    const page = await deps.repo.listRetentionDue(until, { limit: 100, after });
    for (const { caseId } of page.items) {
      due++;
      try {
        const c = await requireCase(deps.repo, caseId);
        const rule = caseRule(c).kind;
        const result = await anonymiseCase(deps, caseId, 'retention');
        if (result === 'notDue') continue;
        if (result === 'done') anonymised++;
        await deps.repo.claimAudit({
          auditId: `retention-${caseId}`,
          at: new Date(now).toISOString(),
          by: { ...PLATFORM },
          action: 'privacy.retention',
          caseId,
          reference: c.reference,
          detail: rule,
          outcome: 'done',
        });
      } catch {
        // One case's trouble must not stop the others; the next run tries it again.
        failed++;
      }
    }
    after = page.next;
  } while (after);
  return { due, anonymised, failed };
}

// ---- Reads of identity numbers and health-related texts ------------------------------------

export type PersonalReadKind = 'identityNumber' | 'health';

/**
 * What a case page shows this person that the read audit counts: the identity number (shown to
 * those who may see the participant) and health-related texts (adaptation needs, the plan's
 * adaptations, supervision talks on work capacity, pauses for care and the doctor's limits).
 */
export function personalReadKinds(
  p: Principal,
  c: CaseRecord,
  talks: readonly CaseEntry[],
): PersonalReadKind[] {
  if (c.anonymised || !canSeeParticipant(p, c)) return [];
  const kinds: PersonalReadKind[] = [];
  if (c.participant.identityNumber) kinds.push('identityNumber');
  const health =
    !!c.needs.adaptation.trim() ||
    !!c.plan?.adaptations.trim() ||
    talks.length > 0 ||
    c.pauses.length > 0 ||
    !!c.talks.lastCapacityDeclined;
  if (health) kinds.push('health');
  return kinds;
}

/** Writes who read which kinds of a case's personal data, when. Nothing when none was shown. */
export async function auditPersonalRead(
  deps: Pick<Deps, 'repo' | 'clock' | 'newId'>,
  p: Principal,
  c: CaseRecord,
  kinds: readonly PersonalReadKind[],
  where: string,
): Promise<void> {
  if (!kinds.length) return;
  await deps.repo.claimAudit({
    auditId: deps.newId(),
    at: new Date(deps.clock.now()).toISOString(),
    by: { sub: p.sub, name: p.name },
    action: 'privacy.read',
    caseId: c.caseId,
    reference: c.reference,
    detail: kinds.join(','),
    target: where,
    outcome: 'done',
  });
}

// ---- Register extract (art. 15) ---------------------------------------------------------------

export interface ExtractForm {
  identityNumber?: string;
  reason?: string;
}

function reasonIssues(reason: string | undefined): FieldIssue[] {
  const r = reason?.trim() ?? '';
  if (!r) return [{ field: 'reason', code: 'required' }];
  if (r.length < 5) return [{ field: 'reason', code: 'tooShort', params: { min: 5 } }];
  if (r.length > 500) return [{ field: 'reason', code: 'length', params: { max: 500 } }];
  return [];
}

export interface ExtractCase {
  c: CaseRecord;
  talks: CaseEntry[];
}

export interface RegisterExtract {
  identity: IdentityNumber;
  generatedAt: string;
  cases: ExtractCase[];
}

/**
 * Everything held about one person, found by their identity number (from a form, never a URL):
 * every case with its record and talk notes. Admins only; audited on every case found (who,
 * when, why), or once without a case when none was.
 */
export async function registerExtract(deps: Deps, p: Principal, form: ExtractForm): Promise<RegisterExtract> {
  if (!isAdmin(p)) throw new ForbiddenError('Only an administrator makes register extracts');
  const now = deps.clock.now();
  const issues: FieldIssue[] = [];
  const parsed = parseIdentityNumber(form.identityNumber?.trim() ?? '', new Date(now));
  if (!parsed.ok) issues.push({ field: 'identityNumber', code: parsed.code });
  issues.push(...reasonIssues(form.reason));
  if (!parsed.ok || issues.length) throw new ValidationError(issues);
  const ids = await deps.repo.findCasesByPerson(personKey(parsed.value.normalized));
  const records = (await deps.repo.getCases(ids))
    .filter((c) => !c.anonymised && c.participant.identityNumber === parsed.value.normalized)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const cases: ExtractCase[] = [];
  for (const c of records) cases.push({ c, talks: await deps.repo.listEntries(c.caseId, 'talk') });
  const at = new Date(now).toISOString();
  const reason = form.reason?.trim() ?? '';
  const events: AuditEvent[] = cases.length
    ? cases.map(({ c }) => ({
        auditId: deps.newId(),
        at,
        by: { sub: p.sub, name: p.name },
        action: 'privacy.extract',
        caseId: c.caseId,
        reference: c.reference,
        reason,
        caseIds: cases.map((x) => x.c.caseId),
        detail: String(cases.length),
        outcome: 'done',
      }))
    : [
        {
          auditId: deps.newId(),
          at,
          by: { sub: p.sub, name: p.name },
          action: 'privacy.extract',
          target: 'extract',
          reason,
          detail: '0',
          outcome: 'done',
        },
      ];
  for (const e of events) await deps.repo.claimAudit(e);
  return { identity: parsed.value, generatedAt: at, cases };
}

// ---- Erasure on a legal request (art. 17) ------------------------------------------------------

/** The person's cases that still hold personal data, the given one first. */
export async function casesOfPerson(deps: Pick<Deps, 'repo'>, c: CaseRecord): Promise<CaseRecord[]> {
  if (c.anonymised || !c.participant.identityNumber) return [c];
  const ids = await deps.repo.findCasesByPerson(personKey(c.participant.identityNumber));
  const others = (await deps.repo.getCases(ids.filter((id) => id !== c.caseId))).filter(
    (x) => !x.anonymised && x.participant.identityNumber === c.participant.identityNumber,
  );
  return [c, ...others];
}

export interface EraseForm {
  formId?: string;
  reason?: string;
}

/**
 * Erases a participant on a legal request, from one of their cases: every case of theirs that is
 * still active is closed administratively first (its run stopped, its coming meetings cancelled,
 * its place given back), then each loses its personal data as by retention; statistics stay.
 * Once per confirmation form (its id is the audit event's id), field errors first.
 */
export async function eraseParticipant(
  deps: Deps,
  p: Principal,
  caseId: string,
  form: EraseForm,
): Promise<{ outcome: 'done' | 'already'; event: AuditEvent }> {
  if (!isAdmin(p)) throw new ForbiddenError('Only an administrator erases a participant');
  const c = await requireCase(deps.repo, caseId);
  const issues: FieldIssue[] = [];
  if (!form.formId || !FORM_ID.test(form.formId)) issues.push({ field: 'formId', code: 'required' });
  issues.push(...reasonIssues(form.reason));
  if (issues.length) throw new ValidationError(issues);
  const formId = form.formId as string;
  const seen = await deps.repo.getAudit(formId);
  if (seen) return { outcome: 'already', event: seen };
  const cases = await casesOfPerson(deps, c);
  const event: AuditEvent = {
    auditId: formId,
    at: new Date(deps.clock.now()).toISOString(),
    by: { sub: p.sub, name: p.name },
    action: 'privacy.erase',
    caseId,
    reference: c.reference,
    reason: form.reason?.trim() ?? '',
    caseIds: cases.map((x) => x.caseId),
    outcome: 'pending',
  };
  const claim = await deps.repo.claimAudit(event);
  if (claim !== 'claimed') return { outcome: 'already', event: claim };
  try {
    for (const [i, x] of cases.entries()) {
      if (x.status === 'active')
        await takeAdminAction(
          deps,
          p,
          x.caseId,
          'closeAdministratively',
          { formId: `${formId}-close${i}`, reason: event.reason },
          undefined,
        );
      await anonymiseCase(deps, x.caseId, 'erasure');
      // Each other case shows the erasure in its own log too.
      if (x.caseId !== caseId)
        await deps.repo.claimAudit({
          ...event,
          auditId: `${formId}-${i}`,
          caseId: x.caseId,
          reference: x.reference,
          outcome: 'done',
        });
    }
    await deps.repo.finishAudit(formId, { outcome: 'done', detail: String(cases.length) });
    return { outcome: 'done', event: { ...event, outcome: 'done', detail: String(cases.length) } };
  } catch (err) {
    await deps.repo.finishAudit(formId, { outcome: 'refused', refusal: 'failed' }).catch(() => undefined);
    throw err;
  }
}

/** The case for the erasure page; not found when it does not exist. */
export async function erasureCase(deps: Pick<Deps, 'repo'>, p: Principal, caseId: string) {
  if (!isAdmin(p)) throw new ForbiddenError('Only an administrator erases a participant');
  const c = await deps.repo.getCase(caseId);
  if (!c) throw new NotFoundError('No such case');
  return { c, cases: await casesOfPerson(deps, c) };
}
