import type { Principal } from '../auth.ts';
import {
  type CaseRecord,
  derivePhase,
  executionName,
  STEP_PHASE,
  STUDY_VISIT_OUTCOMES,
  type StepName,
  type StudyVisitOutcome,
} from '../case.ts';
import { type FieldIssue, StepNotWaitingError, TransientError, ValidationError } from '../errors.ts';
import type { Deps } from '../ports.ts';
import { type StudyVisitForm, validateStudyVisit } from '../referral.ts';
import { updateCase } from './update-case.ts';

/**
 * Records a person's action on a waiting step, then completes the workflow's waiting task.
 *
 * The record is written first (it is the source of truth) and keeps the task token, so that:
 * - a retry of the same action after a failed SendTaskSuccess re-sends it (idempotent);
 * - a stale token (the task timed out into a reminder, or the local host restarted) needs
 *   nothing: the workflow re-reads the record at LoadCase and continues from what was recorded;
 * - a run that has failed meanwhile is continued by a new execution segment from the record.
 */
async function actOnStep(
  deps: Deps,
  caseId: string,
  step: StepName,
  apply: (c: CaseRecord) => void,
): Promise<CaseRecord> {
  const now = deps.clock.now();
  const { before, after, changed } = await updateCase(deps.repo, caseId, now, (c) => {
    if (derivePhase(c) === STEP_PHASE[step]) {
      apply(c);
      return c;
    }
    // Already recorded: a retry re-sends the task success below; anything else is a conflict.
    if (c.waiting?.step === step) return undefined;
    throw new StepNotWaitingError(`The case is not waiting for ${step}`);
  });
  const waiting = changed ? before.waiting : after.waiting;
  await releaseStep(deps, after, waiting?.step === step ? waiting.token : undefined);
  return after;
}

async function releaseStep(deps: Deps, c: CaseRecord, token: string | undefined) {
  let result: 'ok' | 'stale' = 'stale';
  if (token) {
    try {
      result = await deps.workflow.sendTaskSuccess(token, { caseId: c.caseId });
    } catch (err) {
      throw new TransientError('The workflow could not be told; the step is recorded, try again', {
        cause: err,
      });
    }
  }
  if (result === 'ok') return;
  // No live task took the success: make sure a run is there to continue from the record.
  const run = await deps.workflow.describeExecution(c.execution.name);
  if (run?.status === 'RUNNING') return;
  const segment = c.execution.segment + 1;
  const { after } = await updateCase(deps.repo, c.caseId, deps.clock.now(), (x) => {
    if (x.execution.segment >= segment) return undefined;
    x.execution = { segment, name: executionName(x.caseId, segment) };
    return x;
  });
  await deps.workflow.startExecution(after.execution.name, { caseId: c.caseId });
}

export function proposeStudyVisit(deps: Deps, coordinator: Principal, caseId: string, form: StudyVisitForm) {
  const v = validateStudyVisit(form, { now: deps.clock.now() });
  if (!v.ok) throw new ValidationError(v.issues);
  return actOnStep(deps, caseId, 'studyVisitProposal', (c) => {
    c.studyVisit = {
      start: v.value.start.toISOString(),
      end: v.value.end.toISOString(),
      location: v.value.location,
      organizer: { name: coordinator.name, email: coordinator.email },
      sequence: 0,
    };
  });
}

export function recordStudyVisitOutcome(
  deps: Deps,
  coordinator: Principal,
  caseId: string,
  form: { outcome?: string; declineReason?: string },
) {
  const now = deps.clock.now();
  const outcome = (form.outcome ?? '').trim();
  const reason = (form.declineReason ?? '').trim();
  const issues: FieldIssue[] = [];
  if (!(STUDY_VISIT_OUTCOMES as readonly string[]).includes(outcome))
    issues.push({
      field: 'outcome',
      code: 'required',
      sv: 'Välj om deltagaren vill börja.',
      en: 'Choose whether the participant wants to start.',
    });
  if (outcome === 'declined' && !reason)
    issues.push({
      field: 'declineReason',
      code: 'required',
      sv: 'Ange skälet till att deltagaren inte vill börja.',
      en: 'Enter the reason the participant does not want to start.',
    });
  if (reason.length > 2000)
    issues.push({
      field: 'declineReason',
      code: 'length',
      sv: 'Högst 2000 tecken.',
      en: 'At most 2000 characters.',
    });
  if (issues.length) throw new ValidationError(issues);

  return actOnStep(deps, caseId, 'studyVisitOutcome', (c) => {
    if (!c.studyVisit) throw new StepNotWaitingError('No study visit to record an outcome for');
    c.studyVisit.outcome = outcome as StudyVisitOutcome;
    if (outcome === 'declined') c.studyVisit.declineReason = reason;
    c.studyVisit.outcomeRecordedAt = new Date(now).toISOString();
    c.studyVisit.outcomeRecordedBy = coordinator.sub;
  });
}
