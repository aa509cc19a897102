import * as z from 'zod/mini';
import { getDeps } from '#adapters/deps';
import { countMetric } from '#adapters/metrics';
import { recordFailure } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

const FailurePayload = z.object({
  ...CasePayload.shape,
  state: z.string().check(z.maxLength(200)),
  error: z.string().check(z.maxLength(500)),
});

/** A step failed for good: the case shows it to the coordinator, who repairs and continues. */
export const handler = taskHandler('record-failure', FailurePayload, async ({ caseId, state, error }) => {
  const result = await recordFailure(getDeps(), caseId, state, error);
  countMetric('PermanentFailures');
  return result;
});
