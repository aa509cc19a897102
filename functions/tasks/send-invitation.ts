import { getDeps } from '#adapters/deps';
import { countMetric } from '#adapters/metrics';
import { sendInvitations } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

export const handler = taskHandler('send-invitation', CasePayload, async ({ caseId }) => {
  const result = await sendInvitations(getDeps(), caseId);
  countMetric('Invitations', undefined, result.sent);
  return result;
});
