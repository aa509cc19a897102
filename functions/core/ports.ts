import type { CaseRecord } from './case.ts';
import type { Clock } from './clock.ts';
import type { PlacementQuery, PlacementSummary } from './placements.ts';
import type { Unit } from './units.ts';

export interface PageRequest {
  limit: number;
  after?: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor of the next page; absent on the last page. */
  next?: string;
}

/** What the domain needs from storage. The DynamoDB adapter implements it. */
export interface CaseRepository {
  /** Next human reference for the year, e.g. SV-2026-0007 (atomic counter). */
  nextReference(year: number): Promise<string>;
  /**
   * Stores a new case unless this submission was stored before; both in one transaction.
   * Returns the case id the submission belongs to. With `owner`, the submission must be claimed
   * by that owner (`claimSubmission`) and still be in flight: the claim becomes the stored marker.
   * Without it (seeding), the submission must be new.
   */
  createCase(
    record: CaseRecord,
    submissionId: string,
    claim?: { owner: string },
  ): Promise<{ created: boolean; caseId: string }>;
  /**
   * Claims a referral form's submission (one per form instance) before anything is stored, with a
   * conditional write, so that of parallel submits exactly one stores the case:
   * - `claimed`: this request holds it; it stores the case under the claim's `caseId` (the one
   *   given, or the one a released claim kept) and its `reference`, if one was reserved before;
   * - `pending`: another request holds it and may be storing right now (claimed less than
   *   `leaseSeconds` ago on the repository's own wall clock; an older claim is taken over, its
   *   request died without releasing it);
   * - `stored`: the case was stored before.
   */
  claimSubmission(
    submissionId: string,
    o: { caseId: string; owner: string; leaseSeconds: number },
  ): Promise<SubmissionClaim>;
  /** Reserves `reference` on the owner's claim (kept by a release); false when the claim is not theirs. */
  reserveSubmissionReference(submissionId: string, owner: string, reference: string): Promise<boolean>;
  /** The submission's claim as stored now (read consistently). */
  getSubmission(submissionId: string): Promise<SubmissionState | undefined>;
  /**
   * Gives the owner's claim back after its request failed before storing the case; its case id and
   * reserved reference stay for the next attempt. Harmless when the claim is no longer theirs.
   */
  releaseSubmission(submissionId: string, owner: string): Promise<void>;
  getCase(caseId: string): Promise<CaseRecord | undefined>;
  getCases(caseIds: readonly string[]): Promise<CaseRecord[]>;
  /** Newest first, a page at a time; `after` is the `next` of the previous page. */
  listCasesByOrganisation(organisationId: string, page: PageRequest): Promise<Page<CaseRecord>>;
  listCases(page: PageRequest): Promise<Page<CaseRecord>>;
  /** Cases whose status is active, a page at a time. */
  listActiveCases(page: PageRequest): Promise<Page<CaseRecord>>;
  /**
   * Writes `next` only if the stored version is `next.version - 1`; false on a lost race. In the
   * same transaction it can claim a unit place (throws UnitFullError when none is free), give one
   * back, and add entries (talk notes and other long texts kept beside the record).
   */
  saveCase(next: CaseRecord, options?: SaveOptions): Promise<boolean>;
  /** Places of the unit held by cases now. */
  placesInUse(unitId: string): Promise<number>;
  /** The entries of one kind stored beside a case, oldest first. */
  listEntries(caseId: string, kind: EntryKind): Promise<CaseEntry[]>;
  /**
   * The console's list: the index rows under one key (placements.ts plans it from the filters),
   * in the order of one sort value, filtered by what the key does not serve. A page at a time.
   */
  listPlacements(q: PlacementQuery, page: PageRequest): Promise<Page<PlacementSummary>>;
  listUnits(): Promise<Unit[]>;
  /** One unit, read consistently (the edit form's version comes from here). */
  getUnit(unitId: string): Promise<Unit | undefined>;
  /**
   * Stores a unit. With `expect`, only if the stored unit is still the one the form was built on
   * (`version`, 0 for a unit stored before versions) or, for `create`, none exists: false when not.
   * Without it (seeding), unconditionally.
   */
  putUnit(unit: Unit, expect?: UnitWriteExpectation): Promise<boolean>;
  /** Claims a one-time request key (a form's id); false when it was claimed before. */
  claimRequest(key: string, o: { expiresAt: number }): Promise<boolean>;
  /** Gives a claimed request key back (the request failed and may be sent again). */
  releaseRequest(key: string): Promise<void>;
  /** Marks a person's account disabled (their sessions are refused) or enabled again. */
  setStaffDisabled(sub: string, disabled: boolean): Promise<void>;
  /** Whether the person's account is marked disabled (read consistently, on every request). */
  isStaffDisabled(sub: string): Promise<boolean>;
  /**
   * The account's mark as the authorizer reads it on every request (one consistent read): whether
   * it is disabled and when its sessions were last signed out.
   */
  staffSessionMark(sub: string): Promise<StaffSessionMark>;
  /**
   * Records a sign-out: sessions issued before `atSec` end, and the signed-out session (`jti`)
   * too, though it was issued in that same second.
   */
  markSignedOut(sub: string, o: { atSec: number; jti?: string }): Promise<void>;
  /** The referring organisations cases came from, by name. */
  listOrganisations(): Promise<{ organisationId: string; name: string }[]>;
  /**
   * Claims an audit event by its id (the confirmation form's id, one per intent): 'claimed', or
   * the event already stored under that id (a repeated submit of the same form).
   */
  claimAudit(e: AuditEvent): Promise<'claimed' | AuditEvent>;
  getAudit(auditId: string): Promise<AuditEvent | undefined>;
  /** Records how a claimed event ended. */
  finishAudit(auditId: string, end: Pick<AuditEvent, 'outcome' | 'refusal' | 'detail'>): Promise<void>;
  /** The audit log, newest first: of one case, or all of it. */
  listAudit(q: { caseId?: string }, page: PageRequest): Promise<Page<AuditEvent>>;
  /** Stores a participant's link (by the hash of its id; the id itself is never stored). */
  putLink(link: ParticipantLink): Promise<void>;
  getLink(hash: string): Promise<ParticipantLink | undefined>;
  /**
   * The mail ledger: one item per intent (a mail the platform means to send once). Claims the
   * intent before sending: 'claimed' (send it now), 'sent' (it went out before: send nothing), or
   * 'busy' (another attempt claimed it less than `leaseMs` ago and may be sending it right now).
   * A claim older than the lease is taken over: that attempt died before recording the send.
   */
  claimMail(intent: MailIntent, o: { now: number; leaseMs: number }): Promise<'claimed' | 'sent' | 'busy'>;
  /** Records that the claimed intent's mail was accepted by the mail service. */
  markMailSent(intent: MailIntent, o: { now: number; messageId: string }): Promise<void>;
  /** Gives a claim back after the send failed, so a retry sends at once. */
  releaseMail(intent: MailIntent): Promise<void>;
  /**
   * Closed cases whose personal data falls due for removal at or before `until` (ISO), oldest
   * first, from a sparse index the repository keeps from `retentionDue` (retention.ts): the job
   * reads only these, never the whole table.
   */
  listRetentionDue(until: string, page: PageRequest): Promise<Page<{ caseId: string; due: string }>>;
  /** The ids of one person's cases, by the one-way key of their identity number (reports.ts). */
  findCasesByPerson(personKey: string): Promise<string[]>;
  /**
   * Deletes what is stored beside a case and could tell about its participant: its entries (talk
   * notes), its mail-ledger items, its participants' links, its person lookup and its retention
   * key. Harmless when repeated. Gives the number of items deleted.
   */
  purgeCaseItems(caseId: string): Promise<number>;
}

/** A referral submission's marker: claimed and in flight, given back, or stored as a case. */
export interface SubmissionState {
  state: 'pending' | 'released' | 'stored';
  caseId: string;
  reference?: string;
}

export type SubmissionClaim =
  | { state: 'claimed'; caseId: string; reference?: string }
  | { state: 'pending'; caseId: string }
  | { state: 'stored'; caseId: string };

/** A mail the platform sends once: the case it is about and a key naming what it is for. */
export interface MailIntent {
  caseId: string;
  /** e.g. `invite:followUp-1:2:participant`; ids and numbers only, never personal data. */
  key: string;
}

/**
 * A participant's own link to one meeting of one case, as sent in one invitation: it answers for
 * that SEQUENCE only, so a moved meeting's old link has expired.
 */
export interface ParticipantLink {
  /** SHA-256 (hex) of the random id in the URL. */
  hash: string;
  caseId: string;
  /** A meeting's id, or 'study-visit'. */
  meetingId: string;
  sequence: number;
  createdAt: string;
  /** Epoch seconds after which storage may drop it (well after the meeting). */
  expiresAt: number;
}

export type UnitWriteExpectation = { create: true } | { version: number };

export type EntryKind = 'talk';

/** A long text kept as its own item beside the record (the record stays far below 400 KB). */
export interface CaseEntry {
  kind: EntryKind;
  entryId: string;
  data: Record<string, unknown>;
}

/**
 * An administrative action, as the audit log keeps it: who, when, what, why. Codes and ids only
 * besides the acting person's name and the reason they typed (never participant data).
 */
export interface AuditEvent {
  /** One per intent: the confirmation form's id, so a double click is one event. */
  auditId: string;
  at: string;
  by: { sub: string; name: string };
  action: string;
  caseId?: string;
  reference?: string;
  reason?: string;
  /** What the action was about or did, as a code (a meeting kind, an execution name). */
  detail?: string;
  /** What an action outside a case was about, as an opaque reference (`unit:<id>`, `staff:<sub>`). */
  target?: string;
  outcome: 'pending' | 'done' | 'refused';
  /** The cases an action outside one case was about (a register extract, an erasure). */
  caseIds?: string[];
  /** Why it was refused, as a code. */
  refusal?: string;
}

export interface SaveOptions {
  /** Take a place of the unit; refused with UnitFullError when all `capacity` places are held. */
  claimPlace?: { unitId: string; capacity: number };
  /** Give a place of the unit back. */
  releasePlace?: { unitId: string };
  entries?: CaseEntry[];
  /** The summary the stored record had: its index rows are replaced when the new one differs. */
  summaryBefore?: PlacementSummary;
}

export interface CalendarInvite {
  /** Stable per meeting, e.g. `${caseId}-study-visit@stegvis`. */
  uid: string;
  /** Increases when the meeting is moved. */
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  /** Absolute instants; rendered as Europe/Stockholm wall time. */
  start: Date;
  end: Date;
  summary: string;
  description: string;
  location: string;
  organizer: { email: string; name?: string };
  attendees: { email: string; name?: string; role?: 'REQ-PARTICIPANT' | 'OPT-PARTICIPANT' | 'CHAIR' }[];
}

/** An e-mail as the domain sees it. Never holds special-category data or identity numbers. */
export interface OutgoingMessage {
  to: string[];
  /** A person a plain reply reaches (the coordinator who organises the meeting). */
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  calendar?: CalendarInvite;
  /** Sent with the mail (SES message tags) and given back in its bounce or complaint: ids only. */
  tags?: { case: string };
}

export interface MailPort {
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
}

export type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface RunSummary {
  name: string;
  status: RunStatus;
  startDate: Date;
  stopDate?: Date;
}

export interface RunEvent {
  id: number;
  timestamp: Date;
  type: string;
  /** State name for state events. */
  name?: string;
  error?: string;
  cause?: string;
}

export interface WorkflowPort {
  /** Idempotent by name: starting the same execution again is harmless. */
  startExecution(name: string, input: { caseId: string }): Promise<void>;
  /** 'stale' when the token no longer belongs to a waiting task (timed out, restarted). */
  sendTaskSuccess(token: string, output: Record<string, string>): Promise<'ok' | 'stale'>;
  listExecutions(opts: { status?: RunStatus; nextToken?: string; limit: number }): Promise<{
    runs: RunSummary[];
    nextToken?: string;
  }>;
  /** Stops a running execution (harmless when it has ended). Error and cause carry no personal data. */
  stopExecution(name: string, error: string, cause: string): Promise<void>;
  describeExecution(name: string): Promise<(RunSummary & { error?: string; cause?: string }) | undefined>;
  history(name: string, opts: { newestFirst: boolean; limit: number }): Promise<RunEvent[]>;
}

export const STAFF_ROLES = ['coordinator', 'supervisor', 'admin', 'referrer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A person with an account (Cognito user pool on AWS, the local issuer's user store locally). */
export interface StaffMember {
  /** The account's opaque id (Cognito `sub`): the only thing URLs and the audit trail name. */
  sub: string;
  name: string;
  email: string;
  roles: StaffRole[];
  organisation: string;
  enabled: boolean;
}

export interface StaffInvite {
  name: string;
  email: string;
  role: StaffRole;
  organisation: string;
}

/** The accounts of the platform. */
/** See CaseRepository.staffSessionMark. */
export interface StaffSessionMark {
  disabled: boolean;
  /** Seconds since the epoch of the last sign-out. */
  signedOutAtSec?: number;
  /** Ids of the sessions signed out in that second. */
  revokedJtis?: string[];
}

/**
 * Whether a session (an ID token's sub, iat, jti) is still good by its account's mark. A token
 * issued in an earlier second than the sign-out is refused; one of the same second only when it
 * is the one signed out (by jti), so signing in again at once works. A token without a jti is
 * refused up to and including that second.
 */
export function sessionEnded(mark: StaffSessionMark, token: { iat?: number; jti?: string }): boolean {
  if (mark.disabled) return true;
  if (mark.signedOutAtSec === undefined) return false;
  if (typeof token.iat !== 'number') return true;
  if (token.iat < mark.signedOutAtSec) return true;
  if (token.iat > mark.signedOutAtSec) return false;
  return token.jti === undefined || (mark.revokedJtis ?? []).includes(token.jti);
}

/** Ends every session of an account at the identity provider (Cognito's global sign-out). */
export interface AccountSignOut {
  signOut(sub: string): Promise<void>;
}

export interface StaffDirectory {
  list(): Promise<StaffMember[]>;
  /** Creates the account (the person is sent their invitation) in the role's group; gives its sub. */
  invite(invite: StaffInvite): Promise<{ sub: string } | { duplicate: true }>;
  /** Disables (signing out everywhere) or enables the account. */
  setEnabled(sub: string, enabled: boolean): Promise<void>;
}

export interface Deps {
  repo: CaseRepository;
  workflow: WorkflowPort;
  mail: MailPort;
  clock: Clock;
  /** Base URL of the web app for links in e-mails. */
  baseUrl: string;
  newId(): string;
}
