import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { reconcile } from '#core/use-cases/reconcile';

/**
 * The reconciler on AWS: a scheduled rule invokes it every 15 minutes. Cases changed in the last
 * two minutes are left to the request that is changing them.
 */
export const handler = async () => {
  const result = await reconcile(getDeps(), { olderThanMs: 2 * 60 * 1000 });
  logger.info('reconciled', result);
  return result;
};
