import type { Attendee, CaseRecord, ClosureCategory } from '../case.ts';
import { StepAlreadyDone } from '../errors.ts';
import { invitationDue, type MeetingView, meetingView, meetingViews, storedAny } from '../meeting-view.ts';
import { afterClosingRequest, clockNotice, meetingMails, newReferralNotice } from '../messages.ts';
import type { Deps } from '../ports.ts';
import { type DueNotice, markSent, upcomingNotices } from '../process/clocks.ts';
import {
  CLOCKS,
  type ClockDecl,
  MAX_WAIT_SECONDS,
  type Recipient,
  type StepName,
} from '../process/declaration.ts';
import { derivePhase, nextRoute } from '../process/derive.ts';
import { dueMeetingReminders, nextMeetingReminderAt } from '../process/meeting-reminders.ts';
import { type Unit, unitPolicy } from '../units.ts';
import { startNextSegment } from './continue-case.ts';
import { sendOnce } from './outbox.ts';
import { issueLink } from './participant-links.ts';
import { fillQueue, unitOf } from './places.ts';
import { requireCase, updateCase } from './update-case.ts';

/**
 * The use cases the placement state machine invokes. Each takes only the case id (workflow
 * payloads carry no personal data) and reads everything else from the record.
 */

export interface LoadResult {
  caseId: string;
  loop: number;
  route: string;
  waitSeconds: number;
  version: number;
}

/** How long a waiting step waits: until the earliest notice of its clocks, within bounds. */
function waitSecondsFor(c: CaseRecord, unit: Unit | undefined, now: number, step: StepName): number {
  const times = [upcomingNotices(c, unitPolicy(unit), now)[0]?.at, nextMeetingReminderAt(c, now)];
  const due = times.filter((t): t is number => t !== undefined);
  const next = due.length ? Math.min(...due) : undefined;
  // The queue is re-checked weekly besides being woken when a place frees.
  const cap = step === 'placeAvailable' ? 7 * 24 * 3600 : MAX_WAIT_SECONDS;
  const seconds = next === undefined ? cap : Math.ceil((next - now) / 1000);
  return Math.min(cap, Math.max(1, seconds));
}

/** LoadCase: where the workflow (re)enters, and how long a waiting step may wait. */
export async function loadCase(
  deps: Deps,
  caseId: string,
  loop = 0,
  workflowVersion?: string,
): Promise<LoadResult> {
  const now = deps.clock.now();
  let c = await requireCase(deps.repo, caseId);
  const route = nextRoute(c, { loop, now });
  const step = route.kind === 'await' ? route.step : undefined;
  const staleToken = !!c.waiting && c.waiting.step !== step;
  const newVersion = !!workflowVersion && c.execution.workflowVersion !== workflowVersion;
  if (staleToken || newVersion) {
    c = (
      await updateCase(deps.repo, caseId, now, (x) => {
        let changed = false;
        // A token of a step that is done: drop it so nobody acts on it again.
        if (x.waiting && x.waiting.step !== step) {
          delete x.waiting;
          changed = true;
        }
        // The definition this run executes (the console compares it with the deployed one).
        if (workflowVersion && x.execution.workflowVersion !== workflowVersion) {
          x.execution.workflowVersion = workflowVersion;
          changed = true;
        }
        return changed ? x : undefined;
      })
    ).after;
  }
  const waitSeconds = step ? waitSecondsFor(c, await unitOf(deps, c.unitId), now, step) : 1;
  return { caseId, loop: loop + 1, route: route.state, waitSeconds, version: c.version };
}

/**
 * The workflow waits on a human step: remember its task token in the record. Refused (and the
 * workflow re-reads the record) when the record changed since LoadCase read it: an action that
 * landed in between must not wait for the next timeout to be seen.
 */
export async function awaitStep(deps: Deps, caseId: string, step: StepName, token: string, version?: number) {
  const now = deps.clock.now();
  await updateCase(deps.repo, caseId, now, (c) => {
    const route = nextRoute(c, { loop: 0, now });
    if (route.kind !== 'await' || route.step !== step)
      throw new StepAlreadyDone(`Step ${step} is already done`);
    if (version !== undefined && c.version !== version)
      throw new StepAlreadyDone(`The case changed since it was read (${version} → ${c.version})`);
    c.waiting = { step, token, since: new Date(now).toISOString() };
    return c;
  });
}

/** The addresses a notice goes to. */
export function recipientsOf(
  c: CaseRecord,
  unit: Unit | undefined,
  r: Recipient,
  decl?: ClockDecl,
): string[] {
  const coordinators = unit?.coordinatorEmails ?? [];
  switch (r) {
    case 'coordinators':
      return coordinators;
    case 'supervisor':
      return c.supervisor ? [c.supervisor.email] : coordinators;
    case 'caseOfficer':
      return [c.caseOfficer.email];
    case 'organizer': {
      const m = decl?.meeting?.(c);
      return m ? [m.organizer.email] : coordinators;
    }
  }
}

/**
 * A waiting step's clock ran out: sends every reminder and escalation now due, and the reminder
 * of each meeting that is tomorrow, once each (the mail ledger), and records them; the queue is
 * re-checked; a placement whose follow-ups after closing are done ends.
 */
export async function handleDeadlines(deps: Deps, caseId: string) {
  const now = deps.clock.now();
  const c = await requireCase(deps.repo, caseId);
  const unit = await unitOf(deps, c.unitId);
  const phase = derivePhase(c);
  if (phase === 'queued') await fillQueue(deps, c.unitId);
  const due = upcomingNotices(c, unitPolicy(unit), now).filter((n) => n.at <= now);
  const sent: DueNotice[] = [];
  for (const n of due) {
    const decl = CLOCKS[n.clock] as ClockDecl;
    const to = recipientsOf(
      c,
      unit,
      n.kind === 'escalation' ? (decl.escalate?.to ?? decl.remind) : decl.remind,
      decl,
    );
    if (to.length)
      await sendOnce(deps, { caseId, key: `clock:${n.clock}:${n.period}:${n.kind}:${n.at}` }, () =>
        n.clock === 'afterClosingFourWeeks' || n.clock === 'afterClosingSixMonths'
          ? afterClosingRequest(c, n.clock, to, deps.baseUrl)
          : clockNotice(c, n, to, deps.baseUrl),
      );
    sent.push(n);
  }
  const reminded = dueMeetingReminders(c, now);
  for (const m of reminded) await sendMeetingMails(deps, c, unit, m, 'reminder');
  const endAfterClosing =
    phase === 'afterClosing' &&
    ((!!c.afterClosing.fourWeeks && !!c.afterClosing.sixMonths) || now > afterClosingEnd(c));
  const escalations = sent.filter((n) => n.kind === 'escalation').length;
  // By kind, for the send-reminder task's metrics (Reminders, Escalations).
  const counts = {
    sent: sent.length + reminded.length,
    reminders: sent.length - escalations + reminded.length,
    escalations,
  };
  if (!sent.length && !reminded.length && !endAfterClosing) return counts;
  await updateCase(deps.repo, caseId, now, (x) => {
    for (const n of sent) markSent(x, n, now);
    for (const m of reminded) {
      const stored = storedAny(x, m.meetingId);
      if (stored && stored.sequence === m.sequence) stored.reminderSentForSequence = m.sequence;
    }
    if (endAfterClosing && derivePhase(x) === 'afterClosing') {
      // After the six-month question the case sends nothing more.
      x.status = 'closed';
      delete x.waiting;
    }
    return x;
  });
  return counts;
}

/** Four weeks after the last six-month reminder could have gone: the follow-ups are over. */
function afterClosingEnd(c: CaseRecord): number {
  const end = Date.parse(c.closing?.endedOn ?? c.updatedAt);
  const d = new Date(end);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d.getTime() + (3 * 7 + 28) * 24 * 3600 * 1000;
}

/** Tells the unit's coordinators that a referral waits for their decision; once per case. */
export async function notifyNewReferral(deps: Deps, caseId: string) {
  const now = deps.clock.now();
  const c = await requireCase(deps.repo, caseId);
  if (c.notifiedCoordinatorsAt) return { sent: false };
  const unit = await unitOf(deps, c.unitId);
  const to = unit?.coordinatorEmails ?? [];
  if (to.length)
    await sendOnce(deps, { caseId, key: 'referral' }, () => newReferralNotice(c, unit, to, deps.baseUrl));
  await updateCase(deps.repo, caseId, now, (x) => {
    if (x.notifiedCoordinatorsAt) return undefined;
    x.notifiedCoordinatorsAt = new Date(now).toISOString();
    return x;
  });
  return { sent: to.length > 0 };
}

/**
 * The mails of one meeting, each copy once (the mail ledger keys it by meeting, SEQUENCE, kind
 * and copy). The participant's copy carries a fresh link of their own to answer it, issued only
 * when the copy is really sent.
 */
export async function sendMeetingMails(
  deps: Deps,
  c: CaseRecord,
  unit: Unit | undefined,
  m: MeetingView,
  kind: 'invitation' | 'reminder',
  resend?: { who: Attendee; at: string },
) {
  const prefix = resend ? `resend:${resend.who}:${resend.at}` : kind === 'invitation' ? 'invite' : 'remind';
  for (const copy of meetingMails(c, unit, m, kind, deps.baseUrl, resend?.who, deps.clock.now()))
    await sendOnce(
      deps,
      { caseId: c.caseId, key: `${prefix}:${m.meetingId}:${m.sequence}:${copy.copy}` },
      async () =>
        copy.build(copy.needsLink ? `${deps.baseUrl}/m/${await issueLink(deps, c, m.meetingId)}` : undefined),
    );
}

/** E-mails every invitation not yet sent for its SEQUENCE (study visits and meetings), once each. */
export async function sendInvitations(deps: Deps, caseId: string) {
  const now = deps.clock.now();
  const c = await requireCase(deps.repo, caseId);
  const unit = await unitOf(deps, c.unitId);
  let sent = 0;
  for (const m of meetingViews(c).filter(invitationDue)) {
    await sendMeetingMails(deps, c, unit, m, 'invitation');
    await updateCase(deps.repo, caseId, now, (x) => {
      const stored = storedAny(x, m.meetingId);
      if (!stored || stored.sequence !== m.sequence) return undefined;
      stored.invitationSentForSequence = m.sequence;
      return x;
    });
    sent++;
  }
  // Invitations to send again to one person whose address was corrected (same UID and SEQUENCE).
  for (const r of c.resends ?? []) {
    const m = meetingView(c, r.meetingId);
    const current = m && !m.cancelled && !m.done && m.sequence === r.sequence && Date.parse(m.start) > now;
    if (m && current) await sendMeetingMails(deps, c, unit, m, 'invitation', { who: r.who, at: r.at });
    await updateCase(deps.repo, caseId, now, (x) => {
      const rest = (x.resends ?? []).filter(
        (y) => !(y.meetingId === r.meetingId && y.who === r.who && y.at === r.at),
      );
      if (rest.length === (x.resends ?? []).length) return undefined;
      x.resends = rest;
      return x;
    });
    if (current) sent++;
  }
  return { sent };
}

/** The case gives its place back; the queue moves. */
export async function releasePlace(deps: Deps, caseId: string) {
  const now = deps.clock.now();
  const { changed, after } = await updateCase(
    deps.repo,
    caseId,
    now,
    (c) => {
      if (!c.place?.assignedAt || c.place.releasedAt) return undefined;
      c.place.releasedAt = new Date(now).toISOString();
      return c;
    },
    (next) => ({ releasePlace: { unitId: next.unitId } }),
  );
  const moved = await fillQueue(deps, after.unitId);
  return { released: changed, moved };
}

/** Closes a case that ends before training (declined at intake or after the study visit). */
export async function closeCase(deps: Deps, caseId: string) {
  const now = deps.clock.now();
  await updateCase(deps.repo, caseId, now, (c) => {
    if (c.status === 'closed') return undefined;
    const phase = derivePhase(c);
    const category: ClosureCategory =
      phase === 'intakeDeclined'
        ? 'declinedAtIntake'
        : phase === 'studyVisitDeclined'
          ? 'declinedAfterStudyVisit'
          : 'completed';
    c.status = 'closed';
    c.closure = {
      category,
      reason:
        category === 'declinedAtIntake' ? (c.intake?.reason ?? '') : (c.studyVisit?.declineReason ?? ''),
      closedAt: new Date(now).toISOString(),
    };
    delete c.waiting;
    return c;
  });
}

/** A step failed for good: the case carries the problem until a coordinator repairs it. */
export async function recordFailure(deps: Deps, caseId: string, state: string, error: string) {
  const now = deps.clock.now();
  await updateCase(deps.repo, caseId, now, (c) => {
    if (c.problem) return undefined;
    // The error's name only: a message or cause could carry personal data.
    c.problem = {
      state: state.slice(0, 80),
      error: /^[\w.]{1,80}$/.test(error) ? error : 'Error',
      at: new Date(now).toISOString(),
    };
    return c;
  });
  return { recorded: true };
}

/**
 * Segment boundary: the record names the next execution and that one is started; the current
 * one ends. Idempotent: a retried invocation starts the same name.
 */
export async function continueSegment(deps: Deps, caseId: string, currentExecution?: string) {
  const next = await startNextSegment(
    deps,
    caseId,
    (c) => !currentExecution || c.execution.name === currentExecution,
  );
  return { next };
}
