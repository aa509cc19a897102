import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { forgetHost, killHostGroupSync, recordHost } from './host-registry.ts';
import { processGroupMembers, signalProcessGroup } from './processes.ts';

/**
 * Boots the real local host (`infra/local/main.ts`, what `npm start` runs) as a child process on
 * free ports with its own data directory, for integration and e2e tests. `restart()` stops it
 * with SIGINT, as Ctrl-C would, and starts it again on the same data.
 *
 * Nothing a test starts may outlive it. Each host runs in its own process group (with DynamoDB
 * Local, which it starts), and stopping a host ends with killing the whole group. Hosts not
 * stopped by their test are stopped after the test file (test/setup/host-cleanup.ts), killed when
 * the worker exits or gets SIGINT/SIGTERM, and killed by the run's global teardown
 * (test/setup/host-registry.ts) when the worker itself was killed. A host whose parent dies
 * notices its stdin closing and stops itself (STEGVIS_STOP_ON_STDIN_END in infra/local/main.ts).
 */
export const ROOT = resolve(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface TestHost {
  baseUrl: string;
  sesUrl: string;
  sfnUrl: string;
  dynamoUrl: string;
  dataDir: string;
  /** The host process, leader of its own process group (so also the group id); changes on restart. */
  readonly pid: number;
  output: () => string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function pollUntil<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`Timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
}

/** Process groups of the hosts of this process that may still run, and how to end each. */
const running = new Map<number, { stop: () => Promise<void>; killSync: () => void }>();
/** Hosts being started: the cleanup waits for them, so a start racing a failure is not missed. */
const starting = new Set<Promise<unknown>>();

/** The directory of the run's host registry, when the global setup provided one. */
function registryDir(): string | undefined {
  try {
    return inject('stegvisHostRegistry');
  } catch {
    return undefined; // not in a vitest worker (a script using this module)
  }
}

let handlersInstalled = false;
function installProcessHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllTestHostsSync);
  const onSignal = (signal: NodeJS.Signals) => {
    killAllTestHostsSync();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Our listener replaced the default action (exit); restore it unless someone else handles it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Kills every host of this process at once; synchronous, for exit and signal handlers. */
export function killAllTestHostsSync() {
  for (const host of [...running.values()]) host.killSync();
}

/** Stops every host of this process that is still running, after any start under way. */
export async function stopAllTestHosts() {
  while (starting.size > 0) await Promise.allSettled([...starting]);
  await Promise.allSettled([...running.values()].map((h) => h.stop()));
}

export async function startTestHost(
  opts: {
    timeScale?: number;
    env?: Record<string, string>;
    /** Data of an earlier host to start on; the caller owns it (stop() leaves it). */
    dataDir?: string;
  } = {},
): Promise<TestHost> {
  const start = startHost(opts);
  starting.add(start);
  try {
    return await start;
  } finally {
    starting.delete(start);
  }
}

async function startHost(opts: { timeScale?: number; env?: Record<string, string>; dataDir?: string }) {
  installProcessHandlers();
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'stegvis-test-'));
  const [port, dynamoPort, sesPort, sfnPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env = {
    ...process.env,
    PORT: String(port),
    STEGVIS_DYNAMODB_PORT: String(dynamoPort),
    STEGVIS_SES_PORT: String(sesPort),
    STEGVIS_SFN_PORT: String(sfnPort),
    STEGVIS_DATA_DIR: dataDir,
    STEGVIS_TIME_SCALE: String(opts.timeScale ?? 1),
    STEGVIS_STOP_ON_STDIN_END: '1',
    // DynamoDB Local for a test: C1 compilation only and the serial collector start it in about
    // half the time on two cores, and a test's few thousand requests never need C2's code.
    JDK_JAVA_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
    ...opts.env,
  };
  const registry = registryDir();
  let child: ChildProcess | undefined;
  let out = '';
  let removed = false;
  const baseUrl = `http://localhost:${port}`;

  const removeData = () => {
    if (ownsDataDir && !removed) rmSync(dataDir, { recursive: true, force: true });
    removed = true;
  };

  /** The group is gone: forget it. */
  const forget = (pgid: number) => {
    running.delete(pgid);
    if (registry) forgetHost(registry, pgid);
  };

  /** Stops one incarnation of the host: SIGINT as Ctrl-C would, then whatever is left of its group. */
  async function stopGroup(c: ChildProcess, pgid: number) {
    if (c.exitCode === null && c.signalCode === null) {
      await new Promise<void>((res) => {
        const timer = setTimeout(() => signalProcessGroup(pgid, 'SIGKILL'), 20_000);
        c.once('exit', () => {
          clearTimeout(timer);
          res();
        });
        c.kill('SIGINT');
      });
    }
    c.stdin?.destroy();
    // The host stops DynamoDB Local itself; a host that was killed cannot, and leaves it orphaned.
    // It gets SIGTERM first, as the next host's start would give it: DynamoDB Local can lose its
    // last acknowledged write to a SIGKILL, which no AWS DynamoDB does.
    if (processGroupMembers(pgid).length > 0) {
      signalProcessGroup(pgid, 'SIGTERM');
      await pollUntil(
        `process group ${pgid} of the test host to stop`,
        async () => processGroupMembers(pgid).length === 0,
        10_000,
      ).catch(() => undefined);
    }
    signalProcessGroup(pgid, 'SIGKILL');
    await pollUntil(
      `process group ${pgid} of the test host to end`,
      async () => processGroupMembers(pgid).length === 0,
      10_000,
    );
    forget(pgid);
  }

  async function boot() {
    // Detached: the host leads its own process group, so one kill reaches DynamoDB Local too.
    // Stdin is a pipe nobody writes to: it closes when this process dies, however it dies.
    const c = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    child = c;
    const pgid = c.pid;
    if (pgid === undefined) throw new Error('could not start the local host');
    running.set(pgid, {
      stop: async () => {
        await stopGroup(c, pgid);
        removeData();
      },
      killSync: () => {
        if (killHostGroupSync(pgid)) forget(pgid);
        removeData();
      },
    });
    if (registry) recordHost(registry, { pgid, ...(ownsDataDir ? { dataDir } : {}) });
    c.stdout?.on('data', (d) => {
      out += String(d);
    });
    c.stderr?.on('data', (d) => {
      out += String(d);
    });
    try {
      await pollUntil(
        'local host health',
        async () => {
          if (c.exitCode !== null || c.signalCode !== null)
            throw new Error(`host exited ${c.exitCode ?? c.signalCode}: ${out.slice(-2000)}`);
          const r = await fetch(`${baseUrl}/health`);
          return r.ok ? true : undefined;
        },
        90_000,
      );
    } catch (err) {
      await stopGroup(c, pgid);
      throw err;
    }
  }

  async function stopChild() {
    const c = child;
    if (c?.pid !== undefined && running.has(c.pid)) await stopGroup(c, c.pid);
  }

  try {
    await boot();
  } catch (err) {
    removeData();
    throw err;
  }
  return {
    baseUrl,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    sfnUrl: `http://127.0.0.1:${sfnPort}`,
    dynamoUrl: `http://127.0.0.1:${dynamoPort}`,
    dataDir,
    get pid() {
      return child?.pid ?? 0;
    },
    output: () => out,
    async restart() {
      await stopChild();
      await boot();
    },
    async stop() {
      await stopChild();
      removeData();
    },
  };
}
