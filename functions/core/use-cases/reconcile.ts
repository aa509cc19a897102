import type { Deps } from '../ports.ts';
import { continueCase } from './continue-case.ts';

/**
 * Keeps the records and the executions in step: every active case whose phase has no running
 * execution is continued from its record (a crash between storing a case and starting its run,
 * a run ended at a boundary); a run that failed or timed out is recorded on the case for an
 * administrator to redrive, and a run an administrator stopped stays stopped. Runs at start-up on the local host and on a schedule on
 * AWS. Cases changed within `olderThanMs` are left alone, so a submission still in flight is
 * not raced. Logs and answers carry ids and counts only.
 */
export async function reconcile(
  deps: Deps,
  opts: { olderThanMs: number; concurrency?: number },
): Promise<{ checked: number; continued: number; failed: number; runsFailed: number }> {
  const now = deps.clock.now();
  let checked = 0;
  let continued = 0;
  let failed = 0;
  let runsFailed = 0;
  let after: string | undefined;
  do {
    const page = await deps.repo.listActiveCases({ limit: 100, after });
    const due = page.items.filter((c) => now - Date.parse(c.updatedAt) >= opts.olderThanMs);
    checked += due.length;
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const c = due[next++];
        if (!c) continue;
        try {
          const result = await continueCase(deps, c.caseId, 'reconcile');
          if (result === 'started') continued++;
          if (result === 'failed') runsFailed++;
        } catch {
          // One case's trouble must not stop the others; the next run tries it again.
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, due.length) }, worker));
    after = page.next;
  } while (after);
  return { checked, continued, failed, runsFailed };
}
