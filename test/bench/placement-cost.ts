/**
 * What one placement costs on AWS (`npm run bench`, after the bundle table).
 *
 * Runs a simulated 24-month placement (two talks a month, a follow-up every 8 weeks, two
 * increases, a pause and a resume, closing, the follow-ups after closing) on the local Step
 * Functions engine with accelerated time, every task backed by its real use case, and counts
 * what it really does: executions, state transitions, Lambda invocations and their measured
 * durations, DynamoDB request units, e-mails. Prices them at the list prices in
 * test/support/simulate.ts and writes `.bench/placement-cost.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine } from '#test/support/engine';
import { measure, PRICES, SIM_UNIT, simulatePlacement } from '#test/support/simulate';

const OUT = join(import.meta.dirname, '..', '..', '.bench');
const GOAL_DOLLARS = 0.05;

const engine = await startEngine({ scale: 2_000_000, units: [SIM_UNIT] });
try {
  const { talks, followUps } = await simulatePlacement(engine, 'benchcase000001', 24);
  const figures = await measure(engine, { months: 24, humanActions: talks + followUps * 2 + 12 });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(
    join(OUT, 'placement-cost.json'),
    `${JSON.stringify({ ...figures, prices: PRICES }, null, 2)}\n`,
  );
  console.log('\nOne 24-month placement on AWS (eu-north-1 list prices):');
  console.table(figures);
  const ok =
    figures.dollars < GOAL_DOLLARS &&
    figures.maxHistoryEventsPerExecution < 2500 &&
    figures.maxExecutionDays <= 365;
  console.log(
    `${ok ? 'PASS' : 'FAIL'}: $${figures.dollars} per placement (goal < $${GOAL_DOLLARS}), no idle compute`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  await engine.close();
}
