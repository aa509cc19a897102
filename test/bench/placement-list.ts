/**
 * The console's placement list at 10,000 cases (`npm run bench`, last).
 *
 * Seeds 10,000 varied placements (test/support/placement-fixtures.ts) into DynamoDB Local through
 * the real repository, each with its summary and index rows, then times the list's first and
 * fifth page with two filters (unit and phase, sorted by the next due step) through the
 * repository call the console's handler makes, beside a bare DynamoDB Query for the same page
 * (same index, key and start key). Adds `placementList` to `.bench/results.json`.
 *
 * The seeded table is kept in `.bench/dynamodb-placements` and reused when it already holds the
 * 10,000 cases (seeding takes minutes on DynamoDB Local).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import { type PlacementFilter, planPlacementQuery } from '#core/placements';
import { withSummary } from '#core/use-cases/update-case';
import { ensureTable, startDynamoDb } from '#local/services';
import { type FixtureWorld, prng, variedCase } from '#test/support/placement-fixtures';

const CASES = 10_000;
const ROOT = join(import.meta.dirname, '..', '..');
const BENCH = join(ROOT, '.bench');
const DATA = join(BENCH, 'dynamodb-placements');
const RESULTS = join(BENCH, 'results.json');
const RUNS = 40;
const GOAL = 1.5;
const NOW = Date.parse('2026-11-01T10:00:00Z');

const WORLD: FixtureWorld = {
  units: ['remake', 'secondhand', 'matmissionen', 'insamling', 'amiralen', 'sofielund'].map((unitId, i) => ({
    unitId,
    supervisors: Array.from({ length: 4 }, (_, j) => ({
      name: `Handledare ${i}-${j}`,
      email: `h${i}${j}@example.se`,
    })),
    ladder: [25, 40, 50, 75, 100],
  })),
  organisations: Array.from({ length: 12 }, (_, i) => ({
    organisationId: `org-${i}`,
    name: `Organisation ${i}`,
  })),
};

const freePort = () =>
  new Promise<number>((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

mkdirSync(BENCH, { recursive: true });
const { child, client } = await startDynamoDb({ dataDir: DATA, port: await freePort() });
try {
  await ensureTable(client, 'stegvis');
  const doc = createDocumentClient(client);
  const repo = new DynamoCaseRepository(doc, 'stegvis');
  // A repository whose units are the bench's own (listUnits reads them for the summaries).
  for (const u of WORLD.units)
    await repo.putUnit({
      unitId: u.unitId,
      name: u.unitId,
      description: '',
      tasks: [],
      places: 10_000,
      address: '',
      coordinatorEmails: [],
      supervisors: u.supervisors,
      ladder: u.ladder,
    });
  const marker = await doc.send(
    new QueryCommand({
      TableName: 'stegvis',
      IndexName: 'pl-created',
      KeyConditionExpression: 'plpk = :k',
      ExpressionAttributeValues: { ':k': `ref|SV-2026-${String(CASES - 1).padStart(6, '0')}` },
    }),
  );
  const seeded = (marker.Items ?? []).length > 0 || existsSync(join(DATA, 'seeded'));
  if (!seeded) {
    const rand = prng(42);
    const records = Array.from({ length: CASES }, (_, i) => {
      const c = variedCase(i, NOW, WORLD, rand, 'bench');
      c.reference = `SV-2026-${String(i).padStart(6, '0')}`;
      return c;
    });
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const c = records[next++];
        if (!c) continue;
        await repo.createCase(await withSummary(repo, c, NOW), `bench-${c.caseId}`);
        if (next % 1000 === 0)
          console.log(`seeded ${next} of ${CASES} (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    writeFileSync(join(DATA, 'seeded'), `${CASES}\n`);
    console.log(`seeded ${CASES} placements in ${Math.round((Date.now() - started) / 1000)} s`);
  }

  const filter: PlacementFilter = { status: 'active', unit: 'remake', phase: 'training' };
  const q = planPlacementQuery(filter, 'due', NOW);
  const limit = 25;
  // The cursors of pages 1 to 5, from the repository itself.
  const cursors: (string | undefined)[] = [undefined];
  const keys: (Record<string, unknown> | undefined)[] = [undefined];
  for (let i = 0; i < 4; i++) {
    const page = await repo.listPlacements(q, { limit, after: cursors[i] });
    if (!page.next) throw new Error(`the filter has fewer than five pages (page ${i + 1})`);
    cursors.push(page.next);
    keys.push(JSON.parse(Buffer.from(page.next, 'base64url').toString()) as Record<string, unknown>);
  }
  const attr = { created: 'plC', due: 'plD', start: 'plS' }[q.index];
  const bare = (start: Record<string, unknown> | undefined) =>
    doc.send(
      new QueryCommand({
        TableName: 'stegvis',
        IndexName: `pl-${q.index}`,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'plpk' },
        ExpressionAttributeValues: { ':pk': q.key },
        ScanIndexForward: q.forward,
        Limit: limit + 1,
        ExclusiveStartKey: start,
      }),
    );
  const time = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const measure = async (page: 0 | 4) => {
    const list: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 5; i++) {
      await repo.listPlacements(q, { limit, after: cursors[page] });
      await bare(keys[page]);
    }
    for (let i = 0; i < RUNS; i++) {
      // Alternated, so both see the same state of the machine.
      list.push(await time(() => repo.listPlacements(q, { limit, after: cursors[page] })));
      floor.push(await time(() => bare(keys[page])));
    }
    return { listMs: median(list), floorMs: median(floor) };
  };
  const first = await measure(0);
  const fifth = await measure(4);
  const pageMs = Math.max(first.listMs, fifth.listMs);
  const floorMs = Math.max(first.floorMs, fifth.floorMs);
  const ratio = Math.round((pageMs / floorMs) * 100) / 100;
  const entry = {
    cases: CASES,
    filters: 'unit=remake&phase=training, sorted by next due step',
    key: q.key,
    sortAttribute: attr,
    pageMs: Math.round(pageMs * 100) / 100,
    floorMs: Math.round(floorMs * 100) / 100,
    ratio,
    firstPage: first,
    fifthPage: fifth,
    runs: RUNS,
    goal: `ratio <= ${GOAL}`,
  };
  const results = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
    : {};
  results.placementList = entry;
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nThe placement list at 10,000 cases (median of', RUNS, 'runs):');
  console.table({ first: first, fifth: fifth });
  console.log(
    `${ratio <= GOAL ? 'PASS' : 'FAIL'}: page ${entry.pageMs} ms, bare query ${entry.floorMs} ms, ratio ${ratio} (goal <= ${GOAL})`,
  );
  process.exitCode = ratio <= GOAL ? 0 : 1;
} finally {
  child.kill('SIGKILL');
}
