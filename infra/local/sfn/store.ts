import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Persistence of the local Step Functions host under `stateDir`:
 * - `executions/<sha256(arn)>.json`: one ExecutionRecord per execution, history included;
 * - `schedule.json`: the open timer deadlines by execution ARN and state.
 * Every file is written atomically (temp file + rename); writes of one file are coalesced, so a
 * burst of changes costs one or two writes, each of the latest state.
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** An AWS HistoryEvent as sent on the wire, except `timestamp`: virtual epoch milliseconds. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** Order of creation, for "newest first" among equal start dates. */
  seq: number;
  /** The input exactly as given to StartExecution (a JSON text). */
  input: string;
  status: ExecutionStatus;
  /** Virtual epoch ms. */
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** How often the execution was resumed after a restart of the local host. */
  redriveCount: number;
  redriveDate?: number;
  /** Every task token issued to this execution (all of them are closed after a restart). */
  tokens: string[];
  history: HistoryEvent[];
}

export type DeadlineKind = 'timeout' | 'heartbeat' | 'wait';

/** Open deadlines (virtual epoch ms): execution ARN → state key (the state name) → kind → deadline. */
export type Schedule = Record<string, Record<string, Partial<Record<DeadlineKind, number>>>>;

interface PendingFile {
  produce: () => unknown;
  waiters: Array<() => void>;
  writing: Promise<void> | undefined;
}

export class StateStore {
  private readonly files = new Map<string, PendingFile>();
  private closed = false;
  private tempCounter = 0;

  constructor(
    readonly dir: string,
    private readonly log: (msg: string, data?: Record<string, unknown>) => void,
  ) {}

  private get executionsDir() {
    return join(this.dir, 'executions');
  }

  private get schedulePath() {
    return join(this.dir, 'schedule.json');
  }

  executionPath(executionArn: string) {
    const digest = createHash('sha256').update(executionArn).digest('hex').slice(0, 40);
    return join(this.executionsDir, `${digest}.json`);
  }

  /** Creates the directory if missing and reads what an earlier run left. */
  async open(): Promise<{ executions: ExecutionRecord[]; schedule: Schedule }> {
    await mkdir(this.executionsDir, { recursive: true });
    const executions: ExecutionRecord[] = [];
    for (const file of await readdir(this.executionsDir)) {
      const path = join(this.executionsDir, file);
      if (file.endsWith('.tmp')) {
        await rm(path, { force: true });
        continue;
      }
      if (!file.endsWith('.json')) continue;
      try {
        const record = JSON.parse(await readFile(path, 'utf8')) as ExecutionRecord;
        if (typeof record.executionArn !== 'string' || !Array.isArray(record.history))
          throw new Error('not a record');
        record.tokens ??= [];
        record.redriveCount ??= 0;
        executions.push(record);
      } catch (error) {
        this.log('local-sfn: ignoring unreadable execution file', { path, error: String(error) });
      }
    }
    let schedule: Schedule = {};
    try {
      const parsed = JSON.parse(await readFile(this.schedulePath, 'utf8')) as { deadlines?: Schedule };
      schedule = parsed.deadlines ?? {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log('local-sfn: ignoring unreadable schedule', {
          path: this.schedulePath,
          error: String(error),
        });
      }
    }
    return { executions, schedule };
  }

  /** Persists the record (its state when the write starts); resolves once a write including it is done. */
  saveExecution(record: ExecutionRecord): Promise<void> {
    return this.write(this.executionPath(record.executionArn), () => record);
  }

  saveSchedule(schedule: Schedule): Promise<void> {
    return this.write(this.schedulePath, () => ({ version: 1, deadlines: schedule }));
  }

  /** Waits for every pending write. */
  async flush() {
    while (true) {
      const writing = [...this.files.values()].map((f) => f.writing).filter((w) => w !== undefined);
      if (writing.length === 0) return;
      await Promise.all(writing);
    }
  }

  /** Flushes, then ignores further writes (a closed host must not touch the directory again). */
  async close() {
    await this.flush();
    this.closed = true;
  }

  private write(path: string, produce: () => unknown): Promise<void> {
    if (this.closed) return Promise.resolve();
    let file = this.files.get(path);
    if (!file) {
      file = { produce, waiters: [], writing: undefined };
      this.files.set(path, file);
    }
    file.produce = produce;
    const done = new Promise<void>((resolve) => file.waiters.push(resolve));
    if (!file.writing) file.writing = this.drain(path, file);
    return done;
  }

  private async drain(path: string, file: PendingFile) {
    while (file.waiters.length > 0) {
      const waiters = file.waiters.splice(0);
      try {
        const text = `${JSON.stringify(file.produce(), null, 1)}\n`;
        const temp = `${path}.${process.pid}.${++this.tempCounter}.tmp`;
        await writeFile(temp, text, 'utf8');
        await rename(temp, path);
      } catch (error) {
        this.log('local-sfn: could not persist state', { path, error: String(error) });
      }
      for (const resolve of waiters) resolve();
    }
    file.writing = undefined;
  }
}
