import type { Principal } from '../auth.ts';
import { ValidationError } from '../errors.ts';
import { parseStudyVisitOutcome } from '../forms/actions.ts';
import { type MeetingTimeForm, parseMeetingTime } from '../forms/meeting-time.ts';
import type { Deps } from '../ports.ts';
import { act } from './act.ts';
import { refuseClash } from './meetings.ts';

export async function proposeStudyVisit(
  deps: Deps,
  coordinator: Principal,
  caseId: string,
  form: MeetingTimeForm,
) {
  const v = parseMeetingTime(form, { now: deps.clock.now() });
  if (!v.ok) throw new ValidationError(v.issues);
  const start = v.value.start.toISOString();
  const end = v.value.end.toISOString();
  await refuseClash(deps, caseId, { start, end }, { principal: coordinator, action: 'proposeStudyVisit' });
  return act(deps, coordinator, caseId, 'proposeStudyVisit', {
    same: (c) =>
      c.studyVisit?.start === start &&
      c.studyVisit?.end === end &&
      c.studyVisit?.location === v.value.location,
    apply: (c, ctx) => {
      // A visit proposed after one was cancelled is a new event: it counts on.
      const visitNo = Math.max(0, ...(c.cancelledStudyVisits ?? []).map((x) => x.visitNo ?? 1)) + 1;
      c.studyVisit = {
        start,
        end,
        location: v.value.location,
        organizer: { name: coordinator.name, email: coordinator.email },
        sequence: 0,
        ...(visitNo > 1 ? { visitNo } : {}),
        proposedAt: new Date(ctx.now).toISOString(),
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
  const parsed = parseStudyVisitOutcome(form);
  if (!parsed.ok) throw new ValidationError(parsed.issues);
  const { outcome, declineReason: reason } = parsed.value;
  return act(deps, coordinator, caseId, 'recordStudyVisitOutcome', {
    same: (c) =>
      c.studyVisit?.outcome === outcome && (outcome !== 'declined' || c.studyVisit.declineReason === reason),
    apply: (c, ctx) => {
      if (!c.studyVisit) return;
      c.studyVisit.outcome = outcome;
      if (outcome === 'declined') c.studyVisit.declineReason = reason;
      c.studyVisit.outcomeRecordedAt = new Date(ctx.now).toISOString();
      c.studyVisit.outcomeRecordedBy = coordinator.sub;
    },
  });
}
