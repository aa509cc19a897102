import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, processGroupMembers, signalProcessGroup } from './processes.ts';

/**
 * The test hosts a vitest run has started and not stopped yet, one file per host in a directory
 * the run's global setup chooses. A worker stops its hosts itself (after each file, on exit, on
 * SIGINT/SIGTERM); this record is for the run's global teardown, which runs in the main process
 * and so also covers a worker that was killed before it could clean up.
 */
export interface HostRecord {
  /** Process group of the host: the host process's pid (it is spawned detached, as group leader). */
  pgid: number;
  /** Data directory to remove with the host; absent when the test owns it. */
  dataDir?: string;
}

const fileOf = (dir: string, pgid: number) => join(dir, `${pgid}.json`);

export function recordHost(dir: string, record: HostRecord) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(fileOf(dir, record.pgid), JSON.stringify(record));
}

export function forgetHost(dir: string, pgid: number) {
  rmSync(fileOf(dir, pgid), { force: true });
}

/**
 * A member of the group is a local host or its DynamoDB Local. Checked before killing a recorded
 * group, in case the host ended long ago and its id now belongs to someone else's group.
 */
export function isHostGroup(pgid: number): boolean {
  return processGroupMembers(pgid).some((pid) => {
    const cmd = commandLine(pid) ?? '';
    return cmd.includes('infra/local/main.ts') || cmd.includes('DynamoDBLocal');
  });
}

/** Blocks the thread for `ms` (exit handlers cannot await). */
function pause(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Kills a host's whole process group at once (the host, DynamoDB Local and anything else it
 * started) and waits, up to `timeoutMs`, until none of them runs; synchronous, so that it also
 * works in an `exit` handler. Returns whether the group is gone.
 */
export function killHostGroupSync(pgid: number, timeoutMs = 5_000): boolean {
  signalProcessGroup(pgid, 'SIGKILL');
  const deadline = Date.now() + timeoutMs;
  while (processGroupMembers(pgid).length > 0) {
    if (Date.now() > deadline) return false;
    pause(25);
  }
  return true;
}

/** Kills every recorded host and removes its data; returns the process groups that were killed. */
export function killRecordedHosts(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const killed: number[] = [];
  for (const name of names) {
    let record: HostRecord;
    try {
      record = JSON.parse(readFileSync(join(dir, name), 'utf8')) as HostRecord;
    } catch {
      continue;
    }
    if (isHostGroup(record.pgid)) {
      killHostGroupSync(record.pgid);
      killed.push(record.pgid);
    }
    if (record.dataDir) rmSync(record.dataDir, { recursive: true, force: true });
    forgetHost(dir, record.pgid);
  }
  return killed;
}
