import * as z from 'zod/mini';
import { getDeps } from '#adapters/deps';
import { loadCase } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

const LoadPayload = z.object({ ...CasePayload.shape, loop: z.optional(z.number()) });

export const handler = taskHandler('load-case', LoadPayload, ({ caseId, loop }) =>
  loadCase(getDeps(), caseId, loop ?? 0),
);
