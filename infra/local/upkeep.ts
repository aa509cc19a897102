import { transientKind } from '#adapters/transient';
/**
 * Start-up upkeep (index, reconcile, retention) runs while the executions just resumed keep
 * DynamoDB Local busy: a transient failure (a timeout, throttling) is tried again a few times,
 * with a growing pause, before the start gives up.
 */
export async function upkeep<T>(
  what: string,
  fn: () => Promise<T>,
  log: (msg: string, data?: Record<string, unknown>) => void,
  pauseMs = 1_000,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!transientKind(err) || attempt >= 5) throw err;
      log('start-up upkeep failed transiently; trying again', { what, error: (err as Error).name, attempt });
      await new Promise((r) => setTimeout(r, pauseMs * 2 ** (attempt - 1)));
    }
  }
}
