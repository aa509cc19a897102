import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startTestHost } from '#test/support/host';
import type { Goal, ProofContext, ProofResult } from './kit.ts';

/**
 * `npm run proof [-- --quick] [-- --only name,name]`: boots the local host on its own ports and
 * data folder, runs every goal in order, prints `test | figure | goal | pass`, writes
 * `.bench/proof.json` and exits 1 when any goal fails.
 */
const GOAL_ORDER = [
  'idempotent-referral',
  'step-race',
  'link-race',
  // Before the 1,000-referral load: its figures are per input, and with 1,000 more active cases
  // the pages that read every case (to do, dashboard, reports) cost ~0.4 s a request on two cores,
  // which would make 630,000 inputs a three-hour run. The matrix likewise probes access, not volume.
  'fuzz',
  'matrix',
  'referral-load',
  // After the load: a restart with 1,000+ running executions is the harder crash.
  'crash',
  'ses-faults',
  'cdk-nag',
  // Last: it searches everything the goals before it left in logs, mails, URLs and workflows.
  'personal-data',
] as const;

async function loadGoals(only: Set<string> | undefined): Promise<Goal[]> {
  const unknown = [...(only ?? [])].filter((n) => !(GOAL_ORDER as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new Error(`no such goal: ${unknown.join(', ')} (goals: ${GOAL_ORDER.join(', ')})`);
  return Promise.all(
    GOAL_ORDER.filter((name) => !only || only.has(name)).map(async (name) => {
      const mod = (await import(`./goals/${name}.ts`)) as { goal: Goal };
      if (mod.goal?.name !== name)
        throw new Error(`test/proof/goals/${name}.ts must export goal named ${name}`);
      return mod.goal;
    }),
  );
}

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
  const GOALS = await loadGoals(only);
  // Every log line the handlers can write (DEBUG, more than AWS's INFO) and the metrics' EMF lines:
  // the personal-data goal searches all of it, the SES-fault goal reads the alarm's metric.
  const host = await startTestHost({
    timeScale: 1,
    env: { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' },
  });
  const ctx: ProofContext = {
    quick,
    host,
    root: ROOT,
    personalData: new Set(),
    log: (msg) => process.stderr.write(`proof: ${msg}\n`),
  };
  const results: ProofResult[] = [];
  try {
    for (const g of GOALS) {
      const started = Date.now();
      ctx.log(`${g.name}…`);
      try {
        results.push(...(await g.run(ctx)));
      } catch (err) {
        results.push({ test: g.name, figure: `error: ${(err as Error).message}`, goal: 'runs', pass: false });
      }
      ctx.log(`${g.name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    mkdirSync(join(ROOT, '.bench'), { recursive: true });
    writeFileSync(join(ROOT, '.bench', 'proof-host.log'), host.output());
    await host.stop();
  }
  const rows = [
    ['test', 'figure', 'goal', 'pass'],
    ...results.map((r) => [r.test, r.figure, r.goal, r.pass ? 'yes' : 'NO']),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')}\n`);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  writeFileSync(
    join(ROOT, '.bench', 'proof.json'),
    `${JSON.stringify({ mode: quick ? 'quick' : 'full', at: new Date().toISOString(), results }, null, 2)}\n`,
  );
  process.exit(results.length > 0 && results.every((r) => r.pass) ? 0 : 1);
}

main().catch((err: Error) => {
  process.stderr.write(`proof: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
