import { getDeps } from '#adapters/deps';
import { closeCase } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

export const handler = taskHandler('close-case', CasePayload, async ({ caseId }) => {
  await closeCase(getDeps(), caseId);
  return { closed: true };
});
