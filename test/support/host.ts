import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Boots the real local host (`infra/local/main.ts`, what `npm start` runs) as a child process on
 * free ports with its own data directory, for integration and e2e tests. `restart()` stops it
 * with SIGINT, as Ctrl-C would, and starts it again on the same data.
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

export async function startTestHost(
  opts: { timeScale?: number; env?: Record<string, string> } = {},
): Promise<TestHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stegvis-test-'));
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
    ...opts.env,
  };
  let child: ChildProcess | undefined;
  let out = '';
  const baseUrl = `http://localhost:${port}`;

  async function boot() {
    child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    child.stderr?.on('data', (d) => {
      out += String(d);
    });
    const c = child;
    await pollUntil(
      'local host health',
      async () => {
        if (c.exitCode !== null) throw new Error(`host exited ${c.exitCode}: ${out.slice(-2000)}`);
        const r = await fetch(`${baseUrl}/health`);
        return r.ok ? true : undefined;
      },
      90_000,
    );
  }

  async function stopChild() {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((res) => {
      const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
      c.once('exit', () => {
        clearTimeout(timer);
        res();
      });
      c.kill('SIGINT');
    });
  }

  await boot();
  return {
    baseUrl,
    sesUrl: `http://127.0.0.1:${sesPort}`,
    sfnUrl: `http://127.0.0.1:${sfnPort}`,
    dynamoUrl: `http://127.0.0.1:${dynamoPort}`,
    dataDir,
    output: () => out,
    async restart() {
      await stopChild();
      await boot();
    },
    async stop() {
      await stopChild();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
