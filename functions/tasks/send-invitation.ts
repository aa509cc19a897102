import { getDeps } from '#adapters/deps';
import { sendInvitations } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

export const handler = taskHandler('send-invitation', CasePayload, ({ caseId }) =>
  sendInvitations(getDeps(), caseId),
);
