import { getDeps } from '#adapters/deps';
import { handleDeadlines } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

/** HandleDeadlines: the reminders and escalations now due, once each. */
export const handler = taskHandler('send-reminder', CasePayload, ({ caseId }) =>
  handleDeadlines(getDeps(), caseId),
);
