import * as z from 'zod/mini';
import { getDeps } from '#adapters/deps';
import { awaitStep } from '#core/use-cases/workflow-steps';
import { StepPayload, taskHandler } from './kit.ts';

const AwaitPayload = z.object({
  ...StepPayload.shape,
  taskToken: z.string().check(z.minLength(1)),
  version: z.optional(z.number()),
});

/** Registers the task token of a waiting human step in the case record. */
export const handler = taskHandler(
  'await-step',
  AwaitPayload,
  async ({ caseId, step, taskToken, version }) => {
    await awaitStep(getDeps(), caseId, step, taskToken, version);
    return { registered: true };
  },
);
