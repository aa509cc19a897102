import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { createDocumentClient } from '#adapters/dynamo-repository';
import type { TestHost } from '#test/support/host';
import { inbox, type StoredMail } from '#test/support/session';

/**
 * Helpers of the race and load goals (idempotent-referral, referral-load, step-race, link-race):
 * parallel requests with their answers as the client got them, and counts read from the platform
 * itself (executions in the local Step Functions, mails in the local SES store).
 */

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A document client on the host's DynamoDB Local (for items the repository has no reader of). */
export const hostDocument = (host: TestHost) =>
  createDocumentClient(new DynamoDBClient({ region: 'eu-north-1', endpoint: host.dynamoUrl, credentials }));

export const sfnClient = (host: TestHost) =>
  new SFNClient({ region: 'eu-north-1', endpoint: host.sfnUrl, credentials, maxAttempts: 5 });

/** The names of every execution of every state machine on the host's local Step Functions. */
export async function executionNames(host: TestHost): Promise<string[]> {
  const sfn = sfnClient(host);
  const names: string[] = [];
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  for (const m of machines) {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: m.stateMachineArn, nextToken, maxResults: 1000 }),
      );
      for (const e of page.executions ?? []) if (e.name) names.push(e.name);
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return names;
}

/** The execution's arn by name (undefined when there is none). */
export async function executionArn(host: TestHost, name: string): Promise<string | undefined> {
  const sfn = sfnClient(host);
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  for (const m of machines) {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: m.stateMachineArn, nextToken }),
      );
      const hit = page.executions?.find((e) => e.name === name);
      if (hit?.executionArn) return hit.executionArn;
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return undefined;
}

/** Every event of an execution's history, oldest first. */
export async function executionHistory(host: TestHost, executionArn: string): Promise<HistoryEvent[]> {
  const sfn = sfnClient(host);
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(h.events ?? []));
    nextToken = h.nextToken;
  } while (nextToken);
  return events;
}

/** Every mail in the local SES store. */
export const allMails = (host: TestHost): Promise<StoredMail[]> => inbox(host.sesUrl);

/** Runs `fn` for each item, at most `concurrency` at once; results in the items' order. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (t: T, i: number) => Promise<R>,
) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

/**
 * Fires `n` requests at once: every one is built and its connection opened before the first
 * is sent, as far as one client can; gives each answer as the client got it.
 */
export async function burst<R>(n: number, fn: (i: number) => Promise<R>): Promise<R[]> {
  let go: () => void = () => undefined;
  const start = new Promise<void>((r) => {
    go = r;
  });
  const all = Array.from({ length: n }, async (_, i) => {
    await start;
    return fn(i);
  });
  go();
  return Promise.all(all);
}

/** The `p`th percentile (0–100) of the values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Counts of each status, e.g. "48 × 303, 2 × 409". */
export function statusCounts(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${n} × ${s}`)
    .join(', ');
}

/** Polls `fn` until it gives a value (not undefined/false) or the deadline passes; gives the last value. */
export async function settle<T>(
  fn: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (done(v) || Date.now() + everyMs > deadline) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
