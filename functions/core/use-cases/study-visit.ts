import type { Principal } from '../auth.ts';
import { STUDY_VISIT_OUTCOMES, type StepName, type StudyVisitOutcome } from '../case.ts';
import { StepNotWaitingError, ValidationError } from '../errors.ts';
import type { Deps } from '../ports.ts';
import { type StudyVisitForm, validateStudyVisit } from '../referral.ts';
import { updateCase } from './update-case.ts';

/**
 * Completes the workflow's waiting task for `step`, if the record says it was waiting. A stale
 * token (task timed out into a reminder, or the local host restarted) is fine: the workflow
 * re-reads the record at LoadCase and continues from what was recorded.
 */
async function releaseStep(
  deps: Deps,
  waiting: { step: StepName; token: string } | undefined,
  step: StepName,
) {
  if (waiting?.step !== step) return;
  await deps.workflow.sendTaskSuccess(waiting.token, { step });
}

export async function proposeStudyVisit(
  deps: Deps,
  coordinator: Principal,
  caseId: string,
  form: StudyVisitForm,
) {
  const now = deps.clock.now();
  const v = validateStudyVisit(form, { now });
  if (!v.ok) throw new ValidationError(v.issues);
  const { before, after } = await updateCase(deps.repo, caseId, now, (c) => {
    if (c.phase !== 'studyVisitScheduling')
      throw new StepNotWaitingError('A study visit has already been proposed for this case');
    c.studyVisit = {
      start: v.value.start.toISOString(),
      end: v.value.end.toISOString(),
      location: v.value.location,
      organizer: { name: coordinator.name, email: coordinator.email },
      sequence: 0,
    };
    delete c.waiting;
    return c;
  });
  await releaseStep(deps, before.waiting, 'studyVisitProposal');
  return after;
}

export async function recordStudyVisitOutcome(
  deps: Deps,
  coordinator: Principal,
  caseId: string,
  form: { outcome?: string; declineReason?: string },
) {
  const now = deps.clock.now();
  const outcome = (form.outcome ?? '').trim();
  const reason = (form.declineReason ?? '').trim();
  const issues = [];
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

  const { before, after } = await updateCase(deps.repo, caseId, now, (c) => {
    if (c.phase !== 'studyVisitInvited' || !c.studyVisit)
      throw new StepNotWaitingError('The case is not waiting for a study-visit outcome');
    c.studyVisit.outcome = outcome as StudyVisitOutcome;
    if (outcome === 'declined') c.studyVisit.declineReason = reason;
    c.studyVisit.outcomeRecordedAt = new Date(now).toISOString();
    c.studyVisit.outcomeRecordedBy = coordinator.sub;
    delete c.waiting;
    return c;
  });
  await releaseStep(deps, before.waiting, 'studyVisitOutcome');
  return after;
}
