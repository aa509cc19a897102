import * as z from 'zod/mini';
import { getDeps } from '#adapters/deps';
import { loadCase } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

const LoadPayload = z.object({
  ...CasePayload.shape,
  loop: z.optional(z.number()),
  workflowVersion: z.optional(z.string().check(z.regex(/^[0-9a-f]{0,40}$/))),
});

export const handler = taskHandler('load-case', LoadPayload, ({ caseId, loop, workflowVersion }) =>
  loadCase(getDeps(), caseId, loop ?? 0, workflowVersion || undefined),
);
