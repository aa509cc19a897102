import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from '#test/support/host';

/** `npm start` fails with one clear line, before starting anything, when it cannot run. */
function runHost(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'stegvis-startup-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('start-up errors', () => {
  it('names a port that is taken', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const { code, stderr } = await runHost({ PORT: String(port), STEGVIS_DATA_DIR: dataDir });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        `stegvis: Port ${port} (web gateway) is already in use: stop what uses it or set PORT to another port.`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('says that Java is missing', async () => {
    // A PATH with node on it and nothing else (on Debian both live in /usr/bin).
    const binDir = join(dataDir, 'bin');
    mkdirSync(binDir, { recursive: true });
    symlinkSync(process.execPath, join(binDir, 'node'));
    const { code, stderr } = await runHost({
      PATH: binDir,
      STEGVIS_DATA_DIR: dataDir,
      PORT: String(await freePort()),
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'stegvis: Java is missing: DynamoDB Local needs a Java runtime 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`).',
    ]);
  });
});
