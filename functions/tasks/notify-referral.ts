import { getDeps } from '#adapters/deps';
import { notifyNewReferral } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

export const handler = taskHandler('notify-referral', CasePayload, ({ caseId }) =>
  notifyNewReferral(getDeps(), caseId),
);
