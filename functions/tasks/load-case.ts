import { getDeps } from '#adapters/deps';
import { loadCase } from '#core/use-cases/workflow-steps';
import { CasePayload, taskHandler } from './kit.ts';

export const handler = taskHandler('load-case', CasePayload, ({ caseId }) => loadCase(getDeps(), caseId));
