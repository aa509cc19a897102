import { getDeps } from '#adapters/deps';
import { countMetric } from '#adapters/metrics';
import { handleDeadlines } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

/** HandleDeadlines: the reminders and escalations now due, once each. */
export const handler = taskHandler('send-reminder', CasePayload, async ({ caseId }) => {
  const result = await handleDeadlines(getDeps(), caseId);
  countMetric('Reminders', undefined, result.reminders);
  countMetric('Escalations', undefined, result.escalations);
  return result;
});
