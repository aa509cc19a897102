import {
  type CaseRecord,
  derivePhase,
  firstReminderDue,
  type Phase,
  REMINDER_REPEAT_MS,
  STEP_PHASE,
  type StepName,
  stepForPhase,
} from '../case.ts';
import { NotFoundError, StepAlreadyDone } from '../errors.ts';
import { newReferralNotice, stepReminder, studyVisitInvitation } from '../messages.ts';
import type { Deps } from '../ports.ts';
import { updateCase } from './update-case.ts';

/**
 * The use cases the placement state machine invokes. Each takes only the case id (workflow
 * payloads carry no personal data) and reads everything else from the record.
 */

const MAX_WAIT_SECONDS = 7 * 24 * 3600;

/** LoadCase: where the workflow (re)enters, and how long the waiting step may wait. */
export async function loadCase(
  deps: Deps,
  caseId: string,
): Promise<{ phase: Phase; reminderInSeconds: number }> {
  const now = deps.clock.now();
  const c = await requireCase(deps, caseId);
  const phase = derivePhase(c);
  const step = stepForPhase(phase);
  if (c.waiting && c.waiting.step !== step) {
    // A token of a step that is done: drop it so nobody acts on it again.
    await updateCase(deps.repo, caseId, now, (x) => {
      if (!x.waiting || x.waiting.step === stepForPhase(derivePhase(x))) return undefined;
      delete x.waiting;
      return x;
    });
  }
  if (!step) return { phase, reminderInSeconds: 1 };
  let due = c.reminders[step]?.dueAt;
  if (due === undefined) {
    // Persist the reminder deadline once, so a re-entered workflow keeps the original time.
    const { after } = await updateCase(deps.repo, caseId, now, (x) => {
      if (x.reminders[step]) return undefined;
      x.reminders[step] = { dueAt: firstReminderDue(x, step, now), count: 0 };
      return x;
    });
    due = after.reminders[step]?.dueAt ?? now;
  }
  // At most a week per wait: far below Step Functions' limits, and an early timeout is harmless
  // (SendReminder sends nothing before the reminder is due and the workflow waits again).
  return { phase, reminderInSeconds: Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.ceil((due - now) / 1000))) };
}

/** The workflow waits on a human step: remember its task token in the record. */
export async function awaitStep(deps: Deps, caseId: string, step: StepName, token: string) {
  const now = deps.clock.now();
  await updateCase(deps.repo, caseId, now, (c) => {
    if (derivePhase(c) !== STEP_PHASE[step]) throw new StepAlreadyDone(`Step ${step} is already done`);
    c.waiting = { step, token, since: new Date(now).toISOString() };
    return c;
  });
}

async function requireCase(deps: Deps, caseId: string): Promise<CaseRecord> {
  const c = await deps.repo.getCase(caseId);
  if (!c) throw new NotFoundError(`Case ${caseId} not found`);
  return c;
}

async function unitOf(deps: Deps, c: CaseRecord) {
  return (await deps.repo.listUnits()).find((u) => u.unitId === c.unitId);
}

async function unitCoordinators(deps: Deps, c: CaseRecord): Promise<string[]> {
  return (await unitOf(deps, c))?.coordinatorEmails ?? [];
}

/** Tells the unit's coordinators that a referral waits for them; once per case. */
export async function notifyNewReferral(deps: Deps, caseId: string) {
  const now = deps.clock.now();
  const c = await requireCase(deps, caseId);
  if (c.notifiedCoordinatorsAt) return { sent: false };
  const to = await unitCoordinators(deps, c);
  if (to.length) await deps.mail.send(newReferralNotice(c, to, deps.baseUrl));
  await updateCase(deps.repo, caseId, now, (x) => {
    if (x.notifiedCoordinatorsAt) return undefined;
    x.notifiedCoordinatorsAt = new Date(now).toISOString();
    return x;
  });
  return { sent: to.length > 0 };
}

/** E-mails the study-visit invitation once per proposal (SEQUENCE) and records that it went. */
export async function sendStudyVisitInvitation(deps: Deps, caseId: string) {
  const now = deps.clock.now();
  const c = await requireCase(deps, caseId);
  const v = c.studyVisit;
  if (!v || v.invitationSentForSequence === v.sequence) return { sent: false };
  const unit = await unitOf(deps, c);
  for (const m of studyVisitInvitation(c, unit, v.organizer)) await deps.mail.send(m);
  await updateCase(deps.repo, caseId, now, (x) => {
    if (!x.studyVisit || x.studyVisit.sequence !== v.sequence) return undefined;
    x.studyVisit.invitationSentForSequence = v.sequence;
    return x;
  });
  return { sent: true };
}

/** A waiting step's reminder clock ran out: remind, and set the next reminder. */
export async function sendReminder(deps: Deps, caseId: string, step: StepName) {
  const now = deps.clock.now();
  const c = await requireCase(deps, caseId);
  if (derivePhase(c) !== STEP_PHASE[step]) return { sent: false };
  const due = c.reminders[step]?.dueAt ?? 0;
  if (due > now) return { sent: false }; // already reminded for this period (retried invocation)
  const to =
    step === 'studyVisitProposal' ? await unitCoordinators(deps, c) : [c.studyVisit?.organizer.email ?? ''];
  const recipients = to.filter(Boolean);
  if (recipients.length) await deps.mail.send(stepReminder(c, step, recipients, deps.baseUrl));
  await updateCase(deps.repo, caseId, now, (x) => {
    const r = x.reminders[step];
    x.reminders[step] = { dueAt: now + REMINDER_REPEAT_MS, count: (r?.count ?? 0) + 1 };
    return x;
  });
  return { sent: recipients.length > 0 };
}

/** The participant did not want to start after the study visit: the case closes with the reason. */
export async function closeCase(deps: Deps, caseId: string) {
  const now = deps.clock.now();
  await updateCase(deps.repo, caseId, now, (c) => {
    if (c.status === 'closed') return undefined;
    c.status = 'closed';
    c.closure = {
      category: 'declinedAfterStudyVisit',
      reason: c.studyVisit?.declineReason ?? '',
      closedAt: new Date(now).toISOString(),
    };
    delete c.waiting;
    return c;
  });
}
