import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { killRecordedHosts } from '../support/host-registry.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where test/support/host.ts records the hosts it starts (see test/support/host-registry.ts). */
    stegvisHostRegistry: string;
  }
}

/**
 * Global setup: a registry of the test hosts this run starts, and a teardown that kills any host
 * still running when the run ends: the worker that started it may have been killed (a hung test,
 * a crash) before it could stop it. Runs in vitest's main process, once per project.
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'stegvis-hosts-'));
  project.provide('stegvisHostRegistry', dir);
  let done = false;
  const cleanup = () => {
    if (done) return;
    done = true;
    const killed = killRecordedHosts(dir);
    rmSync(dir, { recursive: true, force: true });
    if (killed.length > 0)
      process.stderr.write(`test hosts left running were killed (process groups ${killed.join(', ')})\n`);
  };
  // Also when the run is interrupted or exits without tearing down.
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', cleanup);
  return () => {
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', cleanup);
  };
}
