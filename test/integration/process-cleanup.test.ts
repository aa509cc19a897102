import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil, ROOT, startTestHost } from '#test/support/host';
import { findProcesses, isRunning, processGroupMembers } from '#test/support/processes';

/**
 * Nothing a test starts outlives it: not when the test stops its host, not when the host was
 * killed, not when a test fails before it could stop its host, not when the run is interrupted.
 */

/** DynamoDB Local processes on the data of a host. */
const dynamoDbLocalOn = (dataDir: string) => findProcesses('DynamoDBLocal', join(dataDir, 'dynamodb'));

async function expectAllGone(pgid: number, dataDir: string) {
  await pollUntil(
    `process group ${pgid} and DynamoDB Local on ${dataDir} to end`,
    async () => processGroupMembers(pgid).length === 0 && dynamoDbLocalOn(dataDir).length === 0,
    30_000,
  );
}

describe('a test host', () => {
  it('leaves no process of its group running when stopped', async () => {
    const host = await startTestHost();
    const pgid = host.pid;
    const java = dynamoDbLocalOn(host.dataDir);
    expect(java).toHaveLength(1);
    // DynamoDB Local runs in the host's process group: one kill reaches both.
    expect(processGroupMembers(pgid)).toEqual(expect.arrayContaining([pgid, ...java]));

    await host.stop();

    expect(processGroupMembers(pgid)).toEqual([]);
    expect(java.filter(isRunning)).toEqual([]);
    expect(existsSync(host.dataDir)).toBe(false);
  });

  it('starts again on the data of a host that was killed with kill -9, stopping its orphaned DynamoDB Local', async () => {
    const first = await startTestHost();
    const killedPid = first.pid;
    const [java] = dynamoDbLocalOn(first.dataDir);
    if (java === undefined) throw new Error('the host runs no DynamoDB Local');

    // The host process only, not its group: what a crash or `kill -9 <pid>` does.
    process.kill(killedPid, 'SIGKILL');
    await pollUntil('the killed host to end', async () => !isRunning(killedPid));
    expect(isRunning(java)).toBe(true);

    const second = await startTestHost({ dataDir: first.dataDir });
    try {
      expect(isRunning(java)).toBe(false);
      expect(second.output()).toContain('stopped a DynamoDB Local left running by an earlier host');
      // The same data: the table and the seeded units are there already.
      expect(second.output()).not.toContain('created table');
      const health = (await (await fetch(`${second.baseUrl}/health`)).json()) as { status: string };
      expect(health.status).toBe('up');
      expect(dynamoDbLocalOn(first.dataDir)).toHaveLength(1);
    } finally {
      await second.stop();
    }
    await first.stop();
    expect(dynamoDbLocalOn(first.dataDir)).toEqual([]);
    expect(processGroupMembers(killedPid)).toEqual([]);
    expect(processGroupMembers(second.pid)).toEqual([]);
  });
});

/**
 * Runs a test file in its own vitest run, configured with this repository's host cleanup
 * (`hostCleanup` of vitest.config.ts). Its temporary files, host data included, go to `dir`.
 */
describe('a vitest run', () => {
  mkdirSync(join(ROOT, '.test-results'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.test-results', 'process-cleanup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(
    name: string,
    body: string,
  ): { run: ChildProcess; exited: Promise<number | null>; info: string } {
    const info = join(dir, `${name}.json`);
    writeFileSync(
      join(dir, `${name}.test.ts`),
      [
        "import { writeFileSync } from 'node:fs';",
        "import { beforeAll, it } from 'vitest';",
        `import { startTestHost } from ${JSON.stringify(join(ROOT, 'test/support/host.ts'))};`,
        'async function startHost() {',
        '  const host = await startTestHost();',
        `  writeFileSync(${JSON.stringify(info)}, JSON.stringify({ pid: host.pid, dataDir: host.dataDir }));`,
        '}',
        body,
      ].join('\n'),
    );
    const config = join(dir, `${name}.config.ts`);
    writeFileSync(
      config,
      [
        "import { defineConfig } from 'vitest/config';",
        `import { hostCleanup } from ${JSON.stringify(join(ROOT, 'vitest.config.ts'))};`,
        'export default defineConfig({',
        '  test: {',
        `    root: ${JSON.stringify(ROOT)},`,
        `    include: [${JSON.stringify(`${relative(ROOT, dir)}/${name}.test.ts`)}],`,
        '    ...hostCleanup,',
        "    reporters: ['dot'],",
        '    testTimeout: 600_000,',
        '    hookTimeout: 180_000,',
        '  },',
        '});',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: dir };
    for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
    // Detached, as a terminal's foreground job: its own process group, which Ctrl-C signals.
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config],
      {
        cwd: ROOT,
        env,
        stdio: 'ignore',
        detached: true,
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { run: child, exited, info };
  }

  const hostOf = (info: string) =>
    pollUntil(
      'the test to start its host',
      async () =>
        existsSync(info)
          ? (JSON.parse(readFileSync(info, 'utf8')) as { pid: number; dataDir: string })
          : undefined,
      120_000,
    );

  it('stops the host of a beforeAll that fails after starting it', async () => {
    const { exited, info } = run(
      'before-all-fails',
      [
        // As the browser tests once did: the host started, then Chromium did not.
        "beforeAll(async () => { await startHost(); throw new Error('Chromium did not start'); });",
        "it('needs the host', () => {});",
      ].join('\n'),
    );
    expect(await exited).toBe(1);
    const host = await hostOf(info);
    expect(processGroupMembers(host.pid)).toEqual([]);
    expect(dynamoDbLocalOn(host.dataDir)).toEqual([]);
    expect(existsSync(host.dataDir)).toBe(false);
  });

  it.each([
    ['interrupted with Ctrl-C', 'SIGINT'],
    ['killed with kill -9', 'SIGKILL'],
  ] as const)('stops the host of a test when the run is %s', async (_, signal) => {
    const {
      run: vitest,
      exited,
      info,
    } = run(
      `run-${signal}`,
      "it('runs long', async () => { await startHost(); await new Promise(() => {}); });",
    );
    const host = await hostOf(info);
    expect(processGroupMembers(host.pid)).not.toEqual([]);
    // The run's group: vitest and its workers, not the host, which leads its own group.
    process.kill(-(vitest.pid as number), signal);
    await exited;
    await expectAllGone(host.pid, host.dataDir);
  });
});
