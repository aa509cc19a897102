import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from '#adapters/logger';
import { metrics } from '#adapters/metrics';
import { transientKind } from '#adapters/transient';
import { DomainError, TransientError, ValidationError } from '#core/errors';
import { STEP_NAMES } from '#core/process/declaration';

/** Payloads carry ids only. */
export const CasePayload = z.object({ caseId: z.string().check(z.regex(/^[a-z0-9]{8,40}$/)) });
export const StepPayload = z.object({ caseId: CasePayload.shape.caseId, step: z.enum(STEP_NAMES) });

/**
 * What a task throws, as the ASL's Retry/Catch match it by name: named errors unchanged; an AWS
 * SDK failure a retry can get past (a timeout, throttling, a 5xx, a broken connection) as
 * `TransientError`, which every task's Retry names; anything else unchanged (it fails the step).
 */
export function asTaskError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const kind = transientKind(err);
  if (!kind) return err;
  // The SDK error's name only: its message may quote a key or an item.
  const name = (err as Error).name || 'Error';
  return new TransientError(`Transient ${kind} failure of a dependency (${name})`, { cause: err });
}

/**
 * A task Lambda: validates the payload, logs with the Lambda context, flushes the metrics it
 * counted, lets named errors through unchanged so the ASL's Retry/Catch can match them by name,
 * and turns transient SDK failures into `TransientError` (asTaskError).
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
      const caseId = (parsed.data as { caseId?: string }).caseId;
      let out: R;
      try {
        out = await fn(parsed.data);
      } catch (err) {
        const thrown = asTaskError(err);
        if (thrown !== err)
          logger.warn('task failed transiently; the workflow retries it', {
            task: name,
            caseId,
            error: (err as Error).name,
          });
        throw thrown;
      }
      logger.info('task done', { task: name, caseId });
      return out;
    });
}
