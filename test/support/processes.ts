import { readdirSync, readFileSync } from 'node:fs';

/**
 * Which processes are running, read from Linux's /proc (the tests run on Debian). A zombie, a
 * process that has exited but whose parent has not reaped it yet, does not count as running: it
 * holds no port, file or memory, and an orphan's zombie lasts as long as PID 1 lets it.
 */

interface ProcStat {
  pid: number;
  state: string;
  pgid: number;
}

function stat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: fields[0] ?? '', pgid: Number(fields[2]) };
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The process is running (not exited, not a zombie). */
export function isRunning(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/** The command line of a running process, its arguments joined by spaces; undefined when it is gone. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** Running members of the process group `pgid`. */
export function processGroupMembers(pgid: number): number[] {
  return pids().filter((pid) => {
    const s = stat(pid);
    return s !== undefined && s.pgid === pgid && s.state !== 'Z' && s.state !== 'X';
  });
}

/** Running processes whose command line contains every one of `parts`. */
export function findProcesses(...parts: string[]): number[] {
  return pids().filter((pid) => {
    if (pid === process.pid || !isRunning(pid)) return false;
    const cmd = commandLine(pid);
    return cmd !== undefined && parts.every((p) => cmd.includes(p));
  });
}

/** Sends `signal` to every process of the group; false when the group is gone already. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
