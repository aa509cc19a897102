import * as z from 'zod/mini';
import { getDeps } from '#adapters/deps';
import { continueSegment } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

const SegmentPayload = z.object({
  ...CasePayload.shape,
  execution: z.optional(z.string().check(z.maxLength(80))),
});

/** Segment boundary: the next execution continues from the record. */
export const handler = taskHandler('continue-segment', SegmentPayload, ({ caseId, execution }) =>
  continueSegment(getDeps(), caseId, execution),
);
