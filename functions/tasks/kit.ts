import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from '#adapters/logger';
import { metrics } from '#adapters/metrics';
import { ValidationError } from '#core/errors';
import { STEP_NAMES } from '#core/process/declaration';

/** Payloads carry ids only. */
export const CasePayload = z.object({ caseId: z.string().check(z.regex(/^[a-z0-9]{8,40}$/)) });
export const StepPayload = z.object({ caseId: CasePayload.shape.caseId, step: z.enum(STEP_NAMES) });

/**
 * A task Lambda: validates the payload, logs with the Lambda context, flushes the metrics it
 * counted, and lets named errors through unchanged so the ASL's Retry/Catch can match them by name.
 */
export function taskHandler<S extends z.ZodMiniType, R>(
  name: string,
  schema: S,
  fn: (input: z.infer<S>) => Promise<R>,
) {
  return middy<unknown, R, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }))
    .handler(async (event) => {
      const parsed = z.safeParse(schema, event);
      if (!parsed.success)
        throw new ValidationError(
          parsed.error.issues.map((i) => ({
            field: i.path.join('.'),
            code: i.code,
            sv: i.message,
            en: i.message,
          })),
        );
      const out = await fn(parsed.data);
      logger.info('task done', { task: name, caseId: (parsed.data as { caseId?: string }).caseId });
      return out;
    });
}
