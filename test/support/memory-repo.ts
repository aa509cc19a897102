import type { CaseRecord } from '#core/case';
import { SubmissionInFlightError, UnitFullError } from '#core/errors';
import {
  listingKeys,
  matchesResidual,
  type PlacementQuery,
  type PlacementSummary,
  placementSummary,
  sortValues,
} from '#core/placements';
import type {
  AuditEvent,
  CaseEntry,
  CaseRepository,
  EntryKind,
  MailIntent,
  MailPort,
  OutgoingMessage,
  PageRequest,
  ParticipantLink,
  SaveOptions,
  SubmissionClaim,
  SubmissionState,
  UnitWriteExpectation,
} from '#core/ports';
import { personKey } from '#core/reports';
import { retentionDue } from '#core/retention';
import { type Unit, unitPolicy } from '#core/units';

/**
 * An in-memory CaseRepository with the same optimistic-locking contract as the DynamoDB one,
 * for the workflow tests (the integration tests use DynamoDB Local).
 */
export class MemoryRepo implements CaseRepository {
  readonly cases = new Map<string, CaseRecord>();
  /** Submission markers by key, as the DynamoDB items hold them. */
  readonly submissions = new Map<string, SubmissionState & { owner?: string; claimedAt?: number }>();
  /** References handed out so far (the year's counter). */
  counter = 0;
  /** The repository's own wall clock (epoch seconds) that judges a submission claim's lease. */
  wallSeconds: () => number = () => Math.floor(Date.now() / 1000);
  constructor(private readonly units: Unit[] = []) {}

  async nextReference(year: number) {
    this.counter += 1;
    return `SV-${year}-${String(this.counter).padStart(4, '0')}`;
  }
  async createCase(record: CaseRecord, submissionId: string, claim?: { owner: string }) {
    const prior = this.submissions.get(submissionId);
    if (prior?.state === 'stored') return { created: false, caseId: prior.caseId };
    if (claim ? prior?.state !== 'pending' || prior.owner !== claim.owner : prior)
      throw new SubmissionInFlightError('Submission claimed by another request');
    if (this.cases.has(record.caseId)) throw new Error(`case ${record.caseId} exists`);
    this.submissions.set(submissionId, {
      state: 'stored',
      caseId: record.caseId,
      reference: record.reference,
    });
    this.cases.set(record.caseId, structuredClone(record));
    return { created: true, caseId: record.caseId };
  }
  async claimSubmission(
    submissionId: string,
    o: { caseId: string; owner: string; leaseSeconds: number },
  ): Promise<SubmissionClaim> {
    const prior = this.submissions.get(submissionId);
    const now = this.wallSeconds();
    const free =
      !prior ||
      prior.state === 'released' ||
      (prior.state === 'pending' && (prior.claimedAt ?? 0) < now - o.leaseSeconds);
    if (!free) return { state: prior.state === 'stored' ? 'stored' : 'pending', caseId: prior.caseId };
    const claim = {
      state: 'pending' as const,
      caseId: prior?.caseId ?? o.caseId,
      owner: o.owner,
      claimedAt: now,
      ...(prior?.reference ? { reference: prior.reference } : {}),
    };
    this.submissions.set(submissionId, claim);
    return {
      state: 'claimed',
      caseId: claim.caseId,
      ...(claim.reference ? { reference: claim.reference } : {}),
    };
  }
  async reserveSubmissionReference(submissionId: string, owner: string, reference: string) {
    const prior = this.submissions.get(submissionId);
    if (prior?.state !== 'pending' || prior.owner !== owner) return false;
    prior.reference = reference;
    return true;
  }
  async getSubmission(submissionId: string): Promise<SubmissionState | undefined> {
    const s = this.submissions.get(submissionId);
    return s
      ? { state: s.state, caseId: s.caseId, ...(s.reference ? { reference: s.reference } : {}) }
      : undefined;
  }
  async releaseSubmission(submissionId: string, owner: string) {
    const prior = this.submissions.get(submissionId);
    if (prior?.state !== 'pending' || prior.owner !== owner) return;
    this.submissions.set(submissionId, {
      state: 'released',
      caseId: prior.caseId,
      ...(prior.reference ? { reference: prior.reference } : {}),
    });
  }
  async getCase(caseId: string) {
    const c = this.cases.get(caseId);
    return c ? structuredClone(c) : undefined;
  }
  async getCases(ids: readonly string[]) {
    return ids.map((id) => this.cases.get(id)).filter((c): c is CaseRecord => !!c);
  }
  async listCasesByOrganisation(org: string, page: PageRequest) {
    return { items: [...this.cases.values()].filter((c) => c.organisationId === org).slice(0, page.limit) };
  }
  async listActiveCases(_page: PageRequest) {
    return {
      items: [...this.cases.values()].filter((c) => c.status === 'active').map((c) => structuredClone(c)),
    };
  }
  async listCases(page: PageRequest) {
    return { items: [...this.cases.values()].slice(0, page.limit) };
  }
  async listPlacements(q: PlacementQuery, page: PageRequest) {
    const rows = [...this.cases.values()]
      .map(
        (c) =>
          c.summary ??
          placementSummary(c, unitPolicy(this.units.find((u) => u.unitId === c.unitId)), Date.now()),
      )
      .filter((s): s is PlacementSummary => !!s && listingKeys(s).includes(q.key))
      .map((s) => ({ s, v: sortValues(s)[q.index] }))
      .filter(
        ({ v }) =>
          (q.range?.from === undefined || v >= q.range.from) && (q.range?.to === undefined || v < q.range.to),
      )
      .filter(({ s }) => matchesResidual(s, q.residual))
      .filter(({ v }) => !page.after || (q.forward ? v > page.after : v < page.after))
      .sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0) * (q.forward ? 1 : -1));
    const items = rows.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => structuredClone(r.s)),
      ...(rows.length > page.limit && last ? { next: last.v } : {}),
    };
  }
  async listOrganisations() {
    const orgs = new Map<string, string>();
    for (const c of this.cases.values())
      orgs.set(c.caseOfficer.organisationId, c.caseOfficer.organisationName);
    return [...orgs].map(([organisationId, name]) => ({ organisationId, name }));
  }
  /** The audit log, in the order written. */
  readonly audit: AuditEvent[] = [];
  async claimAudit(e: AuditEvent): Promise<'claimed' | AuditEvent> {
    const existing = this.audit.find((x) => x.auditId === e.auditId);
    if (existing) return structuredClone(existing);
    this.audit.push(structuredClone(e));
    return 'claimed';
  }
  async getAudit(auditId: string) {
    const e = this.audit.find((x) => x.auditId === auditId);
    return e ? structuredClone(e) : undefined;
  }
  async finishAudit(auditId: string, end: Pick<AuditEvent, 'outcome' | 'refusal' | 'detail'>) {
    const e = this.audit.find((x) => x.auditId === auditId);
    if (!e) throw new Error('no such audit event');
    Object.assign(e, Object.fromEntries(Object.entries(end).filter(([, v]) => v !== undefined)));
  }
  async listAudit(q: { caseId?: string }, page: PageRequest) {
    const rows = this.audit
      .filter((e) => !q.caseId || e.caseId === q.caseId)
      .map((e) => ({ e, k: `${e.at}#${e.auditId}` }))
      .sort((a, b) => (a.k < b.k ? 1 : -1))
      .filter((r) => !page.after || r.k < page.after);
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => structuredClone(r.e)),
      ...(rows.length > page.limit && last ? { next: last.k } : {}),
    };
  }
  readonly links = new Map<string, ParticipantLink>();
  async putLink(link: ParticipantLink) {
    if (this.links.has(link.hash)) throw new Error('link exists');
    this.links.set(link.hash, { ...link });
  }
  async getLink(hash: string) {
    const l = this.links.get(hash);
    return l ? { ...l } : undefined;
  }
  /** The mail ledger: intent → state. */
  readonly mails = new Map<
    string,
    { state: 'sending' | 'sent' | 'released'; claimedAt: number; attempts: number }
  >();
  async claimMail(i: MailIntent, o: { now: number; leaseMs: number }) {
    const k = `${i.caseId}#${i.key}`;
    const cur = this.mails.get(k);
    if (cur?.state === 'sent') return 'sent' as const;
    if (cur?.state === 'sending' && cur.claimedAt >= o.now - o.leaseMs) return 'busy' as const;
    this.mails.set(k, { state: 'sending', claimedAt: o.now, attempts: (cur?.attempts ?? 0) + 1 });
    return 'claimed' as const;
  }
  async markMailSent(i: MailIntent) {
    const k = `${i.caseId}#${i.key}`;
    const cur = this.mails.get(k);
    this.mails.set(k, { claimedAt: 0, attempts: 1, ...cur, state: 'sent' });
  }
  async releaseMail(i: MailIntent) {
    const k = `${i.caseId}#${i.key}`;
    const cur = this.mails.get(k);
    if (cur?.state === 'sending') this.mails.set(k, { ...cur, state: 'released' });
  }
  readonly places = new Map<string, number>();
  readonly entries = new Map<string, CaseEntry[]>();
  async saveCase(next: CaseRecord, options: SaveOptions = {}) {
    const current = this.cases.get(next.caseId);
    if (!current || current.version !== next.version - 1) return false;
    const { claimPlace, releasePlace, entries = [] } = options;
    if (claimPlace && (this.places.get(claimPlace.unitId) ?? 0) >= claimPlace.capacity)
      throw new UnitFullError(`Every place of ${claimPlace.unitId} is held`);
    if (claimPlace) this.places.set(claimPlace.unitId, (this.places.get(claimPlace.unitId) ?? 0) + 1);
    if (releasePlace)
      this.places.set(releasePlace.unitId, Math.max(0, (this.places.get(releasePlace.unitId) ?? 0) - 1));
    if (entries.length)
      this.entries.set(next.caseId, [...(this.entries.get(next.caseId) ?? []), ...structuredClone(entries)]);
    this.cases.set(next.caseId, structuredClone(next));
    return true;
  }
  async placesInUse(unitId: string) {
    return this.places.get(unitId) ?? 0;
  }
  async listEntries(caseId: string, kind: EntryKind) {
    return (this.entries.get(caseId) ?? []).filter((e) => e.kind === kind);
  }
  async listUnits() {
    return this.units;
  }
  async getUnit(unitId: string) {
    const u = this.units.find((x) => x.unitId === unitId);
    return u ? structuredClone(u) : undefined;
  }
  async putUnit(unit: Unit, expect?: UnitWriteExpectation) {
    const i = this.units.findIndex((x) => x.unitId === unit.unitId);
    const current = i >= 0 ? this.units[i] : undefined;
    if (expect && 'create' in expect ? current : expect && (current?.version ?? 0) !== expect.version)
      return false;
    if (expect && !('create' in expect) && !current) return false;
    if (i >= 0) this.units[i] = structuredClone(unit);
    else this.units.push(structuredClone(unit));
    return true;
  }
  readonly requests = new Set<string>();
  async claimRequest(key: string) {
    if (this.requests.has(key)) return false;
    this.requests.add(key);
    return true;
  }
  async releaseRequest(key: string) {
    this.requests.delete(key);
  }
  /** The retention index, computed from the records as the DynamoDB repository keeps it. */
  async listRetentionDue(until: string, page: PageRequest) {
    const due = [...this.cases.values()]
      .map((c) => ({ caseId: c.caseId, due: retentionDue(c) }))
      .filter((x): x is { caseId: string; due: string } => !!x.due && x.due <= until)
      .sort((a, b) => `${a.due}#${a.caseId}`.localeCompare(`${b.due}#${b.caseId}`))
      .filter((x) => !page.after || `${x.due}#${x.caseId}` > page.after);
    const items = due.slice(0, page.limit);
    const last = items.at(-1);
    return { items, ...(due.length > page.limit && last ? { next: `${last.due}#${last.caseId}` } : {}) };
  }
  async findCasesByPerson(key: string) {
    return [...this.cases.values()]
      .filter((c) => c.participant.identityNumber && personKey(c.participant.identityNumber) === key)
      .map((c) => c.caseId);
  }
  async purgeCaseItems(caseId: string) {
    let n = this.entries.get(caseId)?.length ?? 0;
    this.entries.delete(caseId);
    for (const k of [...this.mails.keys()])
      if (k.startsWith(`${caseId}#`)) {
        this.mails.delete(k);
        n++;
      }
    for (const [h, l] of [...this.links])
      if (l.caseId === caseId) {
        this.links.delete(h);
        n++;
      }
    return n;
  }
  readonly disabledStaff = new Set<string>();
  async setStaffDisabled(sub: string, disabled: boolean) {
    if (disabled) this.disabledStaff.add(sub);
    else this.disabledStaff.delete(sub);
  }
  async isStaffDisabled(sub: string) {
    return this.disabledStaff.has(sub);
  }
  readonly signedOut = new Map<string, { signedOutAtSec: number; revokedJtis: string[] }>();
  async staffSessionMark(sub: string) {
    return { disabled: this.disabledStaff.has(sub), ...this.signedOut.get(sub) };
  }
  async markSignedOut(sub: string, o: { atSec: number; jti?: string }) {
    const before = this.signedOut.get(sub);
    const kept = before?.signedOutAtSec === o.atSec ? before.revokedJtis : [];
    this.signedOut.set(sub, {
      signedOutAtSec: Math.max(o.atSec, before?.signedOutAtSec ?? 0),
      revokedJtis: o.jti ? [...kept, o.jti] : kept,
    });
  }
}

export class RecordingMail implements MailPort {
  readonly sent: OutgoingMessage[] = [];
  async send(m: OutgoingMessage) {
    this.sent.push(m);
    return { messageId: `m-${this.sent.length}` };
  }
}
