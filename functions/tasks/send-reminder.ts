import { getDeps } from '#adapters/deps';
import { sendReminder } from '#core/use-cases/workflow-steps';
import { StepPayload, taskHandler } from './kit.ts';

export const handler = taskHandler('send-reminder', StepPayload, ({ caseId, step }) =>
  sendReminder(getDeps(), caseId, step),
);
