import type { Principal } from '../auth.ts';
import { STUDY_VISIT_OUTCOMES, type StudyVisitOutcome } from '../case.ts';
import { type FieldIssue, ValidationError } from '../errors.ts';
import type { Deps } from '../ports.ts';
import { type StudyVisitForm, validateStudyVisit } from '../referral.ts';
import { act } from './act.ts';

export function proposeStudyVisit(deps: Deps, coordinator: Principal, caseId: string, form: StudyVisitForm) {
  const v = validateStudyVisit(form, { now: deps.clock.now() });
  if (!v.ok) throw new ValidationError(v.issues);
  const start = v.value.start.toISOString();
  const end = v.value.end.toISOString();
  return act(deps, coordinator, caseId, 'proposeStudyVisit', {
    same: (c) =>
      c.studyVisit?.start === start &&
      c.studyVisit?.end === end &&
      c.studyVisit?.location === v.value.location,
    apply: (c) => {
      c.studyVisit = {
        start,
        end,
        location: v.value.location,
        organizer: { name: coordinator.name, email: coordinator.email },
        sequence: 0,
      };
    },
  });
}

export function recordStudyVisitOutcome(
  deps: Deps,
  coordinator: Principal,
  caseId: string,
  form: { outcome?: string; declineReason?: string },
) {
  const outcome = (form.outcome ?? '').trim();
  const reason = (form.declineReason ?? '').trim();
  const issues: FieldIssue[] = [];
  if (!(STUDY_VISIT_OUTCOMES as readonly string[]).includes(outcome))
    issues.push({ field: 'outcome', code: 'required' });
  if (outcome === 'declined' && !reason) issues.push({ field: 'declineReason', code: 'required' });
  if (reason.length > 2000) issues.push({ field: 'declineReason', code: 'length', params: { max: 2000 } });
  if (issues.length) throw new ValidationError(issues);
  return act(deps, coordinator, caseId, 'recordStudyVisitOutcome', {
    same: (c) =>
      c.studyVisit?.outcome === outcome && (outcome !== 'declined' || c.studyVisit.declineReason === reason),
    apply: (c, ctx) => {
      if (!c.studyVisit) return;
      c.studyVisit.outcome = outcome as StudyVisitOutcome;
      if (outcome === 'declined') c.studyVisit.declineReason = reason;
      c.studyVisit.outcomeRecordedAt = new Date(ctx.now).toISOString();
      c.studyVisit.outcomeRecordedBy = coordinator.sub;
    },
  });
}
