import { countMetric } from '#adapters/metrics';
import type { CaseRecord } from '#core/case';
import type { ActionName } from '#core/process/declaration';

/**
 * The business metrics of a person's action on a case: the decisions (intake, study visit,
 * follow-up) and the closing by its outcome category. `result` is what the action's use case
 * gave (the record after it); `since` is the clock just before the action. Only what this
 * action recorded counts: a repeated submit, which changes nothing, leaves the recorded time
 * before `since` and counts nothing.
 */
export function countCaseAction(action: ActionName, result: unknown, since: number): void {
  const after = result as Partial<CaseRecord> | undefined;
  const now = (at: string | undefined) => !!at && Date.parse(at) >= Math.floor(since);
  switch (action) {
    case 'decideIntake':
      if (after?.intake && now(after.intake.decidedAt))
        countMetric('Decisions', { action, decision: after.intake.decision });
      return;
    case 'recordStudyVisitOutcome':
      if (after?.studyVisit?.outcome && now(after.studyVisit.outcomeRecordedAt))
        countMetric('Decisions', { action, decision: after.studyVisit.outcome });
      return;
    case 'recordFollowUp': {
      const last = after?.followUps?.at(-1);
      if (last && now(last.recordedAt)) countMetric('Decisions', { action, decision: last.decision });
      return;
    }
    case 'recordClosing': {
      const record = after?.closing?.record;
      if (record && now(record.recordedAt)) countMetric('Closings', { outcome: record.outcome });
      return;
    }
  }
}
