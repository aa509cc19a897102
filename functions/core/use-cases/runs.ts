import { parseExecutionName } from '../case.ts';
import { NotFoundError } from '../errors.ts';
import type { Deps, RunEvent, RunStatus, RunSummary } from '../ports.ts';

export interface RunRow extends RunSummary {
  caseId?: string;
  caseReference?: string;
  currentStep?: string;
}

const STATE_ENTERED = /StateEntered$/;

/** The last state an execution entered, from the newest end of its history. */
export function currentStepOf(events: readonly RunEvent[]): string | undefined {
  return events.find((e) => STATE_ENTERED.test(e.type))?.name;
}

/** Admin list: every workflow run with its case reference, status, current step and start. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function listRuns(
  deps: Pick<Deps, 'workflow' | 'repo'>,
  opts: { status?: RunStatus; nextToken?: string; limit?: number },
): Promise<{ runs: RunRow[]; nextToken?: string }> {
  const page = await deps.workflow.listExecutions({
    status: opts.status,
    nextToken: opts.nextToken,
    limit: opts.limit ?? 25,
  });
  const ids = page.runs.map((r) => parseExecutionName(r.name)?.caseId).filter((x): x is string => !!x);
  const cases = new Map((await deps.repo.getCases([...new Set(ids)])).map((c) => [c.caseId, c]));
  // History only for running runs, a few at a time: GetExecutionHistory has a small quota.
  const runs = await mapLimit(page.runs, 4, async (r): Promise<RunRow> => {
    const caseId = parseExecutionName(r.name)?.caseId;
    const recent =
      r.status === 'RUNNING' ? await deps.workflow.history(r.name, { newestFirst: true, limit: 25 }) : [];
    return {
      ...r,
      caseId,
      caseReference: caseId ? cases.get(caseId)?.reference : undefined,
      currentStep: currentStepOf(recent),
    };
  });
  return { runs, nextToken: page.nextToken };
}

export async function getRun(deps: Pick<Deps, 'workflow' | 'repo'>, name: string) {
  const run = await deps.workflow.describeExecution(name);
  if (!run) throw new NotFoundError(`Run ${name} not found`);
  const events = await deps.workflow.history(name, { newestFirst: false, limit: 1000 });
  const caseId = parseExecutionName(name)?.caseId;
  const c = caseId ? await deps.repo.getCase(caseId) : undefined;
  return {
    run: { ...run, caseId, caseReference: c?.reference, currentStep: currentStepOf([...events].reverse()) },
    events,
  };
}
