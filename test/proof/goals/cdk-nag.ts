import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Goal, result } from '../kit.ts';

/**
 * cdk-nag AwsSolutions → 0 unacknowledged findings.
 *
 * Full mode runs what a person runs: `cdk synth` (the CLI, the app of cdk.json, Lambda code
 * bundled), with cdk-nag registered as the app's validation plugin; synthesis fails on any
 * unacknowledged error or warning. Quick mode synthesises the same app in a child process with
 * bundling skipped (the findings do not depend on the bundled code). Either way the figure comes
 * from the cloud assembly: the validation report's findings and the acknowledgements (each with its
 * written reason) in the stack's metadata.
 */
export const goal: Goal = {
  name: 'cdk-nag',
  async run(ctx) {
    const outdir = mkdtempSync(join(tmpdir(), 'stegvis-nag-'));
    try {
      const run = ctx.quick
        ? await exec(
            process.execPath,
            [
              '--import',
              'tsx',
              '-e',
              `import { createStegvisApp } from './infra/cdk/stegvis-app.ts';
               createStegvisApp({ outdir: ${JSON.stringify(outdir)}, context: { 'aws:cdk:bundling-stacks': [] } }).app.synth();`,
            ],
            ctx.root,
          )
        : await exec('npx', ['cdk', 'synth', '--no-notices', '-q', '-o', outdir], ctx.root);
      const report = readJson(join(outdir, 'validation-report.json')) as
        | { pluginReports?: { violations?: { ruleName: string; violatingResources: unknown[] }[] }[] }
        | undefined;
      const findings = (report?.pluginReports ?? []).flatMap((p) =>
        (p.violations ?? []).flatMap((v) => v.violatingResources.map(() => v.ruleName)),
      );
      const acknowledged = countAcknowledged(outdir);
      const how = ctx.quick ? 'synth, bundling skipped' : 'cdk synth';
      if (run.code !== 0 && findings.length === 0) {
        return [
          result(
            'cdk-nag AwsSolutions',
            `synthesis failed (${how}): ${run.output.slice(-400).replace(/\s+/g, ' ')}`,
            '0 unacknowledged',
            false,
          ),
        ];
      }
      return [
        result(
          'cdk-nag AwsSolutions',
          `${findings.length} unacknowledged${findings.length ? ` (${[...new Set(findings)].join(', ')})` : ''}; ${acknowledged} acknowledged with reasons (${how})`,
          '0 unacknowledged',
          run.code === 0 && findings.length === 0 && report !== undefined && acknowledged > 0,
        ),
      ];
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  },
};

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Acknowledgements recorded in each stack's metadata (`aws:cdk:acknowledged-rules`): in the stack's
 * own `<id>.metadata.json` where the assembly has one, else in the manifest.
 */
function countAcknowledged(outdir: string): number {
  type Metadata = Record<string, { type: string; data: unknown }[]>;
  const manifest = readJson(join(outdir, 'manifest.json')) as
    | { artifacts?: Record<string, { type: string; metadata?: Metadata }> }
    | undefined;
  let n = 0;
  for (const [id, artifact] of Object.entries(manifest?.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const metadata =
      (readJson(join(outdir, `${id}.metadata.json`)) as Metadata | undefined) ?? artifact.metadata;
    for (const entries of Object.values(metadata ?? {}))
      for (const e of entries)
        if (e.type === 'aws:cdk:acknowledged-rules') n += Object.keys(e.data as object).length;
  }
  return n;
}

function exec(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((res) => {
    const child = spawn(cmd, args, {
      cwd,
      env: {
        ...process.env,
        CDK_DISABLE_CLI_TELEMETRY: '1',
        CDK_DISABLE_VERSION_CHECK: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += String(d);
    });
    child.stderr.on('data', (d) => {
      output += String(d);
    });
    child.on('error', (err) => res({ code: 1, output: `${output}\n${err.message}` }));
    child.on('close', (code) => res({ code: code ?? 1, output }));
  });
}
