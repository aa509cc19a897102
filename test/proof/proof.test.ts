import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '#test/support/host';
import type { ProofResult } from './kit.ts';

/**
 * CI runs `npm run proof -- --quick` (every goal with smaller loops) through this file; the full
 * proof is `npm run proof` (README "Proof"). A failing goal is named in the failure with its
 * figure, and the runner's output follows.
 */
const run = new Promise<{ code: number; output: string; results: ProofResult[] }>((res) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/proof/run.ts', '--quick'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += String(d);
  });
  child.stderr.on('data', (d) => {
    output += String(d);
  });
  child.on('close', (code) => {
    let results: ProofResult[] = [];
    try {
      results = (
        JSON.parse(readFileSync(join(ROOT, '.bench', 'proof.json'), 'utf8')) as { results: ProofResult[] }
      ).results;
    } catch {
      // no report: the runner failed before writing it; the first test shows its output
    }
    res({ code: code ?? 1, output, results });
  });
});

describe('npm run proof -- --quick', () => {
  it('runs every goal and holds each', async () => {
    const { code, output, results } = await run;
    const failed = results.filter((r) => !r.pass).map((r) => `${r.test}: ${r.figure} (goal ${r.goal})`);
    expect(failed, output.slice(-6000)).toEqual([]);
    expect(results.length, output.slice(-6000)).toBeGreaterThanOrEqual(10);
    expect(code, output.slice(-6000)).toBe(0);
  });
});
