import { getDeps } from '#adapters/deps';
import { releasePlace } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

/** The case gives its unit place back; the queue moves. */
export const handler = taskHandler('release-place', CasePayload, ({ caseId }) =>
  releasePlace(getDeps(), caseId),
);
