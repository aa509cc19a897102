import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { applyRetention } from '#core/use-cases/privacy';

/**
 * The retention job on AWS: a scheduled rule invokes it daily. It reads only the cases whose
 * personal data has fallen due (a sparse index), removes that data and keeps the statistics;
 * each case is audited as done by the platform. Logs counts only.
 */
export const handler = async () => {
  const result = await applyRetention(getDeps());
  logger.info('retention applied', result);
  return result;
};
