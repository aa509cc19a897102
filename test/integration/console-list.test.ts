import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import type { CaseRecord } from '#core/case';
import { daysInTraining, type PlacementSummary, staffKey } from '#core/placements';
import { updateCase, withSummary } from '#core/use-cases/update-case';
import { referralForm, submitReferral, virtualDay, virtualNow, waitForStep } from '#test/support/flows';
import { startTestHost, type TestHost } from '#test/support/host';
import { type FixtureWorld, prng, variedCase } from '#test/support/placement-fixtures';
import { Session, USERS } from '#test/support/session';

/**
 * The console's list over HTTP: every filter, sort and paging against an oracle computed from the
 * seeded records themselves (not from the index rows), on DynamoDB Local through the real
 * repository. The seeded placements belong to two organisations of this test alone.
 */
let host: TestHost;
let admin: Session;
let karin: Session;
let anna: Session;
let sami: Session;
let repo: DynamoCaseRepository;
const seeded: CaseRecord[] = [];
const RUN = Math.random().toString(36).slice(2, 8);
const WORLD: FixtureWorld = {
  units: [
    {
      unitId: 'remake',
      supervisors: [
        { name: 'Sami Handledare', email: 'sami.handledare@stadsmissionen.example' },
        { name: 'Lina Handledare', email: 'lina@example.se' },
      ],
      ladder: [25, 40, 50, 75, 100],
    },
    {
      unitId: 'secondhand',
      supervisors: [{ name: 'Omar Handledare', email: 'omar@example.se' }],
      ladder: [25, 40, 50, 75, 100],
    },
  ],
  organisations: [
    { organisationId: `org-a-${RUN}`, name: `Org A ${RUN}` },
    { organisationId: `org-b-${RUN}`, name: `Org B ${RUN}` },
  ],
};
const ORGS = WORLD.organisations.map((o) => o.organisationId);

interface ApiRow extends PlacementSummary {
  overdue: boolean;
}
async function all(s: Session, query: string): Promise<ApiRow[]> {
  const out: ApiRow[] = [];
  let next: string | null = null;
  let pages = 0;
  do {
    const q = new URLSearchParams(query);
    if (next) q.set('next', next);
    const r = await s.get(`/api/admin/placements?${q}`);
    expect(r.status, await r.clone().text()).toBe(200);
    const body = (await r.json()) as { placements: ApiRow[]; next: string | null };
    expect(body.placements.length).toBeLessThanOrEqual(25);
    out.push(...body.placements);
    next = body.next;
    pages++;
  } while (next && pages < 50);
  return out;
}
const ids = (rows: { caseId: string }[]) => rows.map((r) => r.caseId);
const sorted = (xs: string[]) => [...xs].sort();
const mine = (rows: ApiRow[]) => rows.filter((r) => ORGS.includes(r.organisationId));

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  admin = await new Session(host.baseUrl).signIn(USERS.admin);
  karin = await new Session(host.baseUrl).signIn(USERS.coordinator);
  anna = await new Session(host.baseUrl).signIn(USERS.referrer);
  sami = await new Session(host.baseUrl).signIn(USERS.supervisor);
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  repo = new DynamoCaseRepository(
    createDocumentClient(new DynamoDBClient({ region: 'eu-north-1', endpoint: host.dynamoUrl, credentials })),
    'stegvis',
  );
  const now = virtualNow(host);
  const rand = prng(7);
  for (let i = 0; i < 90; i++) {
    const c = await withSummary(repo, variedCase(i, now, WORLD, rand, `t${RUN}`), now);
    await repo.createCase(c, `fixture-${RUN}-${i}`);
    seeded.push(c);
  }
}, 120_000);
afterAll(async () => {
  await host?.stop();
});

const oracle = (pred: (s: PlacementSummary) => boolean) =>
  seeded.map((c) => c.summary as PlacementSummary).filter(pred);

describe('the placement list', () => {
  it('lists the active placements, 25 a page, every one once', async () => {
    const rows = mine(await all(admin, ''));
    expect(sorted(ids(rows))).toEqual(sorted(ids(oracle((s) => s.status === 'active'))));
    const closed = mine(await all(admin, 'status=closed'));
    expect(sorted(ids(closed))).toEqual(sorted(ids(oracle((s) => s.status === 'closed'))));
    expect(closed.length).toBeGreaterThan(0);
  });

  it('filters by each column alone and in pairs, from the index', async () => {
    const active = (s: PlacementSummary) => s.status === 'active';
    const sup = staffKey('lina@example.se');
    const cases: [string, (s: PlacementSummary) => boolean][] = [
      ['unit=secondhand', (s) => s.unitId === 'secondhand'],
      [`supervisor=${sup}`, (s) => s.supervisor?.key === sup],
      [`organisation=${ORGS[0]}`, (s) => s.organisationId === ORGS[0]],
      ['phase=training', (s) => s.phase === 'training'],
      ['phase=paused', (s) => s.phase === 'paused'],
      ['percent=50', (s) => s.percent === 50],
      ['step=talk', (s) => s.next?.clock === 'talk'],
      ['flag=stuck', (s) => s.stuck.length > 0],
      ['flag=failed', (s) => s.stuck.includes('stepFailed') || s.stuck.includes('runFailed')],
      [
        'flag=overdue',
        (s) =>
          !!s.next &&
          Date.parse(s.next.due) <= Date.now() + 1e12 * 0 &&
          Date.parse(s.next.due) <= virtualNow(host),
      ],
      ['unit=remake&phase=training', (s) => s.unitId === 'remake' && s.phase === 'training'],
      [
        `unit=remake&supervisor=${sup}&phase=training`,
        (s) => s.unitId === 'remake' && s.supervisor?.key === sup && s.phase === 'training',
      ],
      ['phase=training&percent=25', (s) => s.phase === 'training' && s.percent === 25],
      [
        'unit=secondhand&flag=overdue',
        (s) => s.unitId === 'secondhand' && !!s.next && Date.parse(s.next.due) <= virtualNow(host),
      ],
      [
        'training=from6to12',
        (s) => {
          const d = daysInTraining(s, virtualNow(host));
          return !!s.startedOn && !s.endedOn && d !== undefined && d >= 182 && d < 366;
        },
      ],
    ];
    for (const [q, pred] of cases) {
      const got = mine(await all(admin, q));
      const want = oracle((s) => active(s) && pred(s));
      if (q.startsWith('training=')) {
        // Month arithmetic: allow the few days at each edge of the band.
        const edge = (s: PlacementSummary) => {
          const d = daysInTraining(s, virtualNow(host)) ?? 0;
          return Math.abs(d - 182) < 4 || Math.abs(d - 366) < 4;
        };
        expect(sorted(ids(got.filter((s) => !edge(s)))), q).toEqual(
          sorted(ids(want.filter((s) => !edge(s)))),
        );
      } else expect(sorted(ids(got)), q).toEqual(sorted(ids(want)));
      if (q === 'flag=overdue') for (const r of got) expect(r.overdue).toBe(true);
    }
  });

  it('sorts by next step, referral date and time in training', async () => {
    const byDue = mine(await all(admin, `organisation=${ORGS[1]}`));
    const dues = byDue.map((r) => r.next?.due ?? '9999');
    expect(dues).toEqual([...dues].sort());
    const newest = mine(await all(admin, `organisation=${ORGS[1]}&sort=newest`));
    const created = newest.map((r) => r.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const oldest = mine(await all(admin, `organisation=${ORGS[1]}&sort=oldest`));
    expect(ids(oldest)).toEqual(ids(newest).reverse());
    const longest = mine(await all(admin, `organisation=${ORGS[1]}&sort=longest`));
    // Running training longest first, then those not started, then those whose training has ended.
    const starts = longest.map((r) => (r.endedOn ? `~${r.startedOn}` : (r.startedOn ?? '9999')));
    expect(starts).toEqual([...starts].sort());
  });

  it('finds a case by its reference', async () => {
    const target = seeded[3] as CaseRecord;
    const rows = await all(admin, `q=${target.reference.toLowerCase()}`);
    expect(ids(rows)).toEqual([target.caseId]);
  });

  it('replaces the index rows when a placement changes', async () => {
    const target = seeded.find(
      (c) => c.status === 'active' && c.phase === 'training' && !c.problem,
    ) as CaseRecord;
    expect(
      ids(mine(await all(admin, `phase=training&organisation=${target.caseOfficer.organisationId}`))),
    ).toContain(target.caseId);
    const now = virtualNow(host);
    await updateCase(repo, target.caseId, now, (c) => {
      c.pauses.push({ startedAt: new Date(now).toISOString(), reason: 'vård' });
      return c;
    });
    const training = ids(
      mine(await all(admin, `phase=training&organisation=${target.caseOfficer.organisationId}`)),
    );
    const paused = ids(
      mine(await all(admin, `phase=paused&organisation=${target.caseOfficer.organisationId}`)),
    );
    expect(training).not.toContain(target.caseId);
    expect(paused).toContain(target.caseId);
    // No row is left under the old key.
    const rows = await new DynamoDBClient({
      region: 'eu-north-1',
      endpoint: host.dynamoUrl,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }).send(
      new QueryCommand({
        TableName: 'stegvis',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pl)',
        ExpressionAttributeValues: { ':pk': { S: `CASE#${target.caseId}` }, ':pl': { S: 'PL#' } },
      }),
    );
    const keys = (rows.Items ?? []).map((i) => i.sk?.S ?? '');
    expect(keys.some((k) => k.includes('phase=training'))).toBe(false);
    expect(keys.some((k) => k.includes('phase=paused'))).toBe(true);
  });

  it('names a wrong filter value and answers the page without it; refuses people who are not staff', async () => {
    const r = await admin.get('/api/admin/placements?phase=nosuch');
    expect(r.status).toBe(400);
    const page = await admin.get('/admin/placements?phase=nosuch&unit=%3Cscript%3E');
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('href="#f-phase"');
    expect(text).toContain('href="#f-unit"');
    expect(text).not.toContain('<script>');
    for (const s of [anna, sami]) expect((await s.get('/api/admin/placements')).status).toBe(403);
    expect((await new Session(host.baseUrl).get('/api/admin/placements')).status).toBe(401);
    // A cursor from another query or made up is not followed elsewhere.
    expect((await admin.get('/api/admin/placements?next=eyJwayI6IkNBU0UjeCJ9')).status).toBe(200);
  });

  it('shows a new referral in the list as soon as it is stored, and coordinators see the list', async () => {
    const caseId = await submitReferral(
      anna,
      referralForm({ plannedStart: virtualDay(host, 7), plannedEnd: virtualDay(host, 200) }),
    );
    await waitForStep(karin, caseId, 'intakeDecision');
    const rows = await all(karin, 'phase=intake&sort=newest');
    const row = rows.find((r) => r.caseId === caseId);
    expect(row?.next?.clock).toBe('intakeDecision');
    expect(JSON.stringify(row)).not.toMatch(/\d{12}|@/);
    const html = await (await karin.get('/admin/placements?phase=intake&sort=newest')).text();
    expect(html).toContain(`/admin/placements/${caseId}`);
  });
});
