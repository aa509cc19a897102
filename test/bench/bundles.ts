/**
 * Lambda bundle benchmark (`npm run bench`).
 *
 * Bundles every Lambda of Stegvis (each HTTP handler module, the session authorizer and each task
 * module) with esbuild the way infra/cdk/constructs/function.ts has NodejsFunction do it, then
 * measures how long a fresh Node process takes to import the bundle, against a "floor": a module
 * that imports only the AWS SDK packages the bundle leaves external and loads at cold start (the
 * Lambda runtime provides them, so every function pays for them regardless of our code). Packages
 * the bundle imports with `import()` load on first use, not at import, so they are not in the
 * floor; each run checks that importing the bundle loads no SDK package its floor does not.
 * `ratio = importMs / floorMs`.
 *
 * Bundles are written to `.bench/tmp/<name>/index.mjs`, inside the repository, so that the
 * external `@aws-sdk/*` imports resolve from the repository's node_modules. Results go to
 * `.bench/results.json`. Exits non-zero when a bundle fails to build or to import; the others are
 * still measured and written.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { HTTP_HANDLERS } from '#functions/routes';
import { TASKS } from '#tasks/registry';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const BENCH_DIR = join(REPO_ROOT, '.bench');
const TMP_DIR = join(BENCH_DIR, 'tmp');
const RESULTS_FILE = join(BENCH_DIR, 'results.json');
const RUNS = 20;
const CHILD_TIMEOUT_MS = 60_000;

/** The same banner as infra/cdk/constructs/function.ts: lets ESM bundles `require()` Node built-ins. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * NodejsFunction's default externals for a Node >= 18 runtime (the runtime ships SDK v3). The CDK
 * also externalizes `@smithy/*` only under the feature flag
 * `@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages`, which cdk.json does not set.
 */
const EXTERNALS = ['@aws-sdk/*'];
const SDK_PACKAGE = /^@(aws-sdk|smithy)\//;

/** The CDK derives the esbuild target from its Lambda runtime; follow it rather than hard-coding one. */
const FALLBACK_TARGET = 'node24';
async function cdkTarget(): Promise<string> {
  try {
    const { ESBUILD_TARGET } = await import('../../infra/cdk/constructs/function.ts');
    return ESBUILD_TARGET;
  } catch (error) {
    console.warn(
      `! could not read ESBUILD_TARGET from infra/cdk (${String(error)}); using ${FALLBACK_TARGET}`,
    );
    return FALLBACK_TARGET;
  }
}

/**
 * Only what the AWS SDK and the handlers could read at import time; nothing inherited from this
 * process (in particular not NODE_OPTIONS, which tsx may use to load itself).
 */
const CHILD_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-north-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Imports the module named by the first argument and prints how long that took, in ms, and which
 * AWS SDK packages that import loaded. The SDK packages are CommonJS ("main" is dist-cjs, no
 * "exports"), so Node loads them through require.cache, also when an ES module imports them; the
 * list is read after the clock stops.
 */
const CHILD_SCRIPT =
  'const t = performance.now(); await import(process.argv[1]); const ms = performance.now() - t; ' +
  "const { createRequire } = await import('node:module'); " +
  'const sdk = [...new Set(Object.keys(createRequire(process.argv[1]).cache)' +
  '.map((f) => /node_modules\\/(@aws-sdk\\/[^/]+)\\//.exec(f)?.[1]).filter(Boolean))].sort(); ' +
  'process.stdout.write(JSON.stringify({ ms, sdk }), () => process.exit(0));';

interface Lambda {
  /** Readable name, as in StegvisFunctions.all: `http/cases`, `http/authorizer`, `tasks/load-case`. */
  name: string;
  /** Entry module, relative to the repository root. */
  entry: string;
}

interface SdkImport {
  path: string;
  kind: Metafile['outputs'][string]['imports'][number]['kind'];
}

interface BundleResult {
  name: string;
  entry: string;
  bytes: number;
  importMs: number;
  floorMs: number;
  ratio: number;
  /** External AWS SDK packages the bundle loads when it is imported (what the floor imports). */
  sdkImports: string[];
  /** External AWS SDK packages the bundle only imports lazily (`import()`); not in the floor. */
  sdkDynamicImports?: string[];
  /** AWS SDK / Smithy packages that esbuild bundled in (not external): copies beside the runtime's. */
  sdkBundled: string[];
}

interface Failure {
  name: string;
  entry: string;
  stage: 'build' | 'import';
  error: string;
}

interface Built {
  lambda: Lambda;
  dir: string;
  bundleFile: string;
  floorFile: string;
  bytes: number;
  sdkImports: string[];
  sdkDynamicImports: string[];
  sdkBundled: string[];
  /** Bytes in the output per input file (after minification), largest first. */
  contributors: { path: string; bytes: number }[];
}

function lambdas(): Lambda[] {
  return [
    ...HTTP_HANDLERS.map((name) => ({ name: `http/${name}`, entry: `functions/http/${name}.ts` })),
    { name: 'http/authorizer', entry: 'functions/http/authorizer.ts' },
    ...TASKS.map((task) => ({ name: `tasks/${task.name}`, entry: `functions/tasks/${task.name}.ts` })),
  ];
}

/** `node_modules/@aws-sdk/client-sfn/dist-es/x.js` -> `@aws-sdk/client-sfn`; undefined for our code. */
function packageOf(inputPath: string): string | undefined {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(inputPath);
  return match?.[1];
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'errors' in error && Array.isArray(error.errors)) {
    const messages = (
      error.errors as { text: string; location?: { file: string; line: number } | null }[]
    ).map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text));
    if (messages.length > 0) return messages.join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}

/** The module every bundle is measured against: the bundle's static external SDK imports, nothing else. */
function floorSource(imports: SdkImport[]): string {
  const lines: string[] = [];
  if (imports.some((i) => i.kind === 'require-call')) {
    lines.push("import { createRequire } from 'module'; const require = createRequire(import.meta.url);");
  }
  for (const i of imports) {
    lines.push(
      i.kind === 'require-call' ? `require(${JSON.stringify(i.path)});` : `import ${JSON.stringify(i.path)};`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function bundle(lambda: Lambda, target: string): Promise<Built> {
  const dir = join(TMP_DIR, lambda.name.replace(/\//g, '-'));
  mkdirSync(dir, { recursive: true });
  const bundleFile = join(dir, 'index.mjs');
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [join(REPO_ROOT, lambda.entry)],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    minify: true,
    keepNames: true,
    // As infra/cdk/constructs/function.ts: a source map without sources (adds the sourceMappingURL line).
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: EXTERNALS,
    metafile: true,
    logLevel: 'silent',
  });
  const metafile = result.metafile;
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(metafile, null, 2)}\n`);
  const outputKey = relative(REPO_ROOT, bundleFile);
  const output = metafile.outputs[outputKey];
  if (!output) throw new Error(`esbuild's metafile has no output ${outputKey}`);

  const externalSdk = output.imports.filter((i) => i.external && SDK_PACKAGE.test(i.path));
  const staticSdk = externalSdk.filter((i) => i.kind !== 'dynamic-import');
  const staticPaths = unique(staticSdk.map((i) => i.path));
  const floorImports = staticPaths.map((path) => ({
    path,
    kind: staticSdk.some((i) => i.path === path && i.kind !== 'require-call')
      ? ('import-statement' as const)
      : ('require-call' as const),
  }));
  const floorFile = join(dir, 'floor.mjs');
  writeFileSync(floorFile, floorSource(floorImports));

  const contributors = Object.entries(output.inputs)
    .map(([path, input]) => ({ path, bytes: input.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  const sdkBundled = unique(
    contributors
      .map((c) => packageOf(c.path))
      .filter((p): p is string => p !== undefined && SDK_PACKAGE.test(p)),
  ).sort();

  return {
    lambda,
    dir,
    bundleFile,
    floorFile,
    bytes: output.bytes,
    sdkImports: staticPaths,
    sdkDynamicImports: unique(externalSdk.map((i) => i.path)).filter((p) => !staticPaths.includes(p)),
    sdkBundled,
    contributors,
  };
}

/** One fresh Node process importing `file`; returns the import time in ms and the SDK packages it loaded. */
function timeImport(file: string): { ms: number; sdk: string[] } {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', CHILD_SCRIPT, pathToFileURL(file).href],
    { cwd: REPO_ROOT, env: CHILD_ENV, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS },
  );
  let out: { ms: number; sdk: string[] } | undefined;
  try {
    out = JSON.parse(child.stdout) as { ms: number; sdk: string[] };
  } catch {
    out = undefined;
  }
  if (child.error || child.status !== 0 || !out || !Number.isFinite(out.ms)) {
    const why = child.error?.message ?? `exit ${child.status ?? child.signal}`;
    throw new Error(
      `importing ${relative(REPO_ROOT, file)} failed (${why}): ${child.stderr.trim().slice(0, 2000)}`,
    );
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Floors already imported once (keyed by their SDK imports): the SDK's files are in the page cache. */
const warmFloors = new Set<string>();

/**
 * Bundle and floor alternately, swapping which goes first each round. The first floor with a given
 * set of SDK packages gets one discarded import, so that the first bundle does not pay for reading
 * node_modules from disk; the bundle itself was just written.
 */
function measure(built: Built): { importMs: number; floorMs: number } {
  const floorKey = built.sdkImports.join('\n');
  if (!warmFloors.has(floorKey)) {
    timeImport(built.floorFile);
    warmFloors.add(floorKey);
  }
  const bundleTimes: number[] = [];
  const floorTimes: number[] = [];
  let bundleSdk: string[] = [];
  let floorSdk: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const bundle = () => {
      const r = timeImport(built.bundleFile);
      bundleTimes.push(r.ms);
      bundleSdk = r.sdk;
    };
    const floor = () => {
      const r = timeImport(built.floorFile);
      floorTimes.push(r.ms);
      floorSdk = r.sdk;
    };
    if (run % 2 === 0) {
      bundle();
      floor();
    } else {
      floor();
      bundle();
    }
  }
  // The floor is "the same SDK clients alone" only if the bundle loads no other SDK package when it
  // is imported: one it imports lazily (`import()`) must not be evaluated before first use.
  const extra = bundleSdk.filter((p) => !floorSdk.includes(p));
  if (extra.length > 0)
    throw new Error(
      `importing the bundle loads ${extra.join(', ')}, which its floor does not: not comparable`,
    );
  return { importMs: median(bundleTimes), floorMs: median(floorTimes) };
}

const SDK_SHORT: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'ddb',
  '@aws-sdk/lib-dynamodb': 'lib-ddb',
};
const shortSdk = (path: string) =>
  SDK_SHORT[path] ?? path.replace(/^@aws-sdk\/client-/, '').replace(/^@/, '');

function printTable(results: BundleResult[]) {
  const header = ['name', 'KB', 'importMs', 'floorMs', 'ratio', 'sdk (external)'];
  const rows = results.map((r) => [
    r.name,
    (r.bytes / 1024).toFixed(1),
    r.importMs.toFixed(1),
    r.floorMs.toFixed(1),
    r.ratio.toFixed(2),
    r.sdkImports.map(shortSdk).join(',') || '-',
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => row[col]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, col) =>
        col === 0 || col === cells.length - 1 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!),
      )
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

function printContributors(built: Built) {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`\nLargest bundle: ${built.lambda.name} (${kb(built.bytes)}); top inputs by bytes in output:`);
  for (const c of built.contributors.slice(0, 5)) console.log(`  ${kb(c.bytes).padStart(9)}  ${c.path}`);
  const byPackage = new Map<string, number>();
  for (const c of built.contributors) {
    const key = packageOf(c.path) ?? `(own) ${c.path.split('/').slice(0, 2).join('/')}`;
    byPackage.set(key, (byPackage.get(key) ?? 0) + c.bytes);
  }
  console.log('  by package / source folder:');
  const top = [...byPackage].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
  for (const [key, bytes] of top) console.log(`  ${kb(bytes).padStart(9)}  ${key}`);
}

async function main(): Promise<number> {
  const started = performance.now();
  const target = await cdkTarget();
  rmSync(TMP_DIR, { recursive: true, force: true });
  mkdirSync(TMP_DIR, { recursive: true });
  console.log(
    `Bundling for ${target} (esm, minified, external ${EXTERNALS.join(', ')}); ${RUNS} cold imports each`,
  );
  console.log(`on ${process.version}; bundles in ${relative(REPO_ROOT, TMP_DIR)}/\n`);

  const results: BundleResult[] = [];
  const failures: Failure[] = [];
  const builtAll: Built[] = [];
  for (const lambda of lambdas()) {
    let built: Built;
    try {
      built = await bundle(lambda, target);
    } catch (error) {
      failures.push({ ...lambda, stage: 'build', error: errorText(error) });
      continue;
    }
    try {
      const { importMs, floorMs } = measure(built);
      builtAll.push(built);
      results.push({
        name: lambda.name,
        entry: lambda.entry,
        bytes: built.bytes,
        importMs: round(importMs, 2),
        floorMs: round(floorMs, 2),
        ratio: round(importMs / floorMs, 2),
        sdkImports: built.sdkImports,
        ...(built.sdkDynamicImports.length > 0 ? { sdkDynamicImports: built.sdkDynamicImports } : {}),
        sdkBundled: built.sdkBundled,
      });
    } catch (error) {
      failures.push({ ...lambda, stage: 'import', error: errorText(error) });
    }
  }

  mkdirSync(BENCH_DIR, { recursive: true });
  const report = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    runs: RUNS,
    esbuild: { target, external: EXTERNALS },
    bundles: results,
    ...(failures.length > 0 ? { failures } : {}),
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(report, null, 2)}\n`);

  if (results.length > 0) printTable(results);
  const largest = builtAll.reduce<Built | undefined>(
    (max, b) => (!max || b.bytes > max.bytes ? b : max),
    undefined,
  );
  if (largest) printContributors(largest);
  const lazy = unique(results.flatMap((r) => r.sdkDynamicImports ?? [])).map((p) => {
    const n = results.filter((r) => r.sdkDynamicImports?.includes(p)).length;
    return `${shortSdk(p)} (${n} bundle${n === 1 ? '' : 's'})`;
  });
  if (lazy.length > 0)
    console.log(`\nLoaded on first use (import(), so not in the floor): ${lazy.join(', ')}`);
  const bundled = unique(results.flatMap((r) => r.sdkBundled));
  if (bundled.length > 0)
    console.log(`\nBundled in (not external, so not the runtime's copy): ${bundled.join(', ')}`);

  for (const failure of failures) {
    console.error(`\nFAILED (${failure.stage}) ${failure.name} [${failure.entry}]:\n${failure.error}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\nWrote ${relative(REPO_ROOT, RESULTS_FILE)} in ${seconds} s`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
