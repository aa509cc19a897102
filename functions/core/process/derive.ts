import { type CaseRecord, meetingOf, openPause } from '../case.ts';
import { invitationDue, meetingViews } from '../meeting-view.ts';
import { PHASES, type Phase, SEGMENT_LIMITS, type StepName, type TaskState } from './declaration.ts';

/** The phase a record is in, derived from what has happened (never stored as the truth). */
export function derivePhase(c: CaseRecord): Phase {
  if (c.status === 'closed') return 'closed';
  if (!c.intake) return 'intake';
  if (c.intake.decision === 'declined') return 'intakeDeclined';
  const v = c.studyVisit;
  if (v?.outcome === 'declined') return 'studyVisitDeclined';
  if (c.closing?.record) return 'afterClosing';
  if (c.closing?.early || meetingOf(c, 'closing')) return 'closing';
  if (!c.place?.assignedAt) return 'queued';
  if (!v) return 'studyVisitScheduling';
  if (!v.outcome)
    return v.invitationSentForSequence === v.sequence ? 'studyVisitInvited' : 'studyVisitProposed';
  if (!c.plan) return meetingOf(c, 'startup') ? 'startupPlanning' : 'startupScheduling';
  if (openPause(c)) return 'paused';
  return 'training';
}

/** The human step a phase waits on, if it waits. */
export function stepOf(phase: Phase): StepName | undefined {
  const p = PHASES[phase] as { step?: StepName };
  return p.step;
}

/** Where the workflow goes from LoadCase: an ASL state name, and the step it waits on. */
export type Route =
  | { kind: 'await'; state: string; step: StepName }
  | { kind: 'task'; state: TaskState }
  | { kind: 'continue'; state: 'ContinueAsNew' }
  | { kind: 'end'; state: 'CaseClosed' };

export const awaitState = (step: StepName) => `Await${step[0]?.toUpperCase()}${step.slice(1)}`;

/** A meeting (a study visit included) has an invitation, update or cancellation still to send. */
export function invitationPending(c: CaseRecord): boolean {
  return meetingViews(c).some(invitationDue) || (c.resends ?? []).length > 0;
}

/** Whether the case holds a unit place it should give back now. */
export function placeToRelease(c: CaseRecord): boolean {
  if (!c.place?.assignedAt || c.place.releasedAt) return false;
  return (
    c.status === 'closed' ||
    c.studyVisit?.outcome === 'declined' ||
    !!c.closing?.record ||
    c.intake?.decision === 'declined'
  );
}

/**
 * The next thing the workflow does, in priority order: end a closed case; let a person repair a
 * step that failed for good; the automatic work that is due (tell the coordinators, give back a
 * place, send invitations); start a new segment at a boundary; else the phase's own route.
 */
export function nextRoute(c: CaseRecord, segment: { loop: number; now: number }): Route {
  const phase = derivePhase(c);
  if (phase === 'closed' && !placeToRelease(c)) return { kind: 'end', state: 'CaseClosed' };
  if (c.problem) return { kind: 'await', state: awaitState('repair'), step: 'repair' };
  if (!c.notifiedCoordinatorsAt && phase === 'intake') return { kind: 'task', state: 'NotifyCoordinators' };
  if (placeToRelease(c)) return { kind: 'task', state: 'ReleasePlace' };
  if (invitationPending(c)) return { kind: 'task', state: 'SendInvitation' };
  const started = c.execution.startedAt ? Date.parse(c.execution.startedAt) : segment.now;
  if (
    segment.loop > SEGMENT_LIMITS.maxLoops ||
    segment.now - started > SEGMENT_LIMITS.maxDays * 24 * 3600 * 1000
  )
    return { kind: 'continue', state: 'ContinueAsNew' };
  const decl = PHASES[phase] as { step?: StepName; task?: TaskState; end?: true };
  if (decl.task) return { kind: 'task', state: decl.task };
  if (decl.step) return { kind: 'await', state: awaitState(decl.step), step: decl.step };
  return { kind: 'end', state: 'CaseClosed' };
}
