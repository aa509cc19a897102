import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import { type CaseRecord, GENDERS } from '#core/case';
import { nextDue } from '#core/placements';
import { derivePhase } from '#core/process/derive';
import { trainingBand } from '#core/reports';
import { type Unit, unitPolicy } from '#core/units';
import { withSummary } from '#core/use-cases/update-case';
import { virtualNow } from '#test/support/flows';
import { startTestHost, type TestHost } from '#test/support/host';
import { type FixtureWorld, prng, variedCase } from '#test/support/placement-fixtures';
import { Session, USERS } from '#test/support/session';
import { reportText } from '#web/report-texts';

/**
 * The dashboard, the ESF+ page and the CSV exports over HTTP on the local host, against oracles
 * computed here from the seeded records themselves. The host's data is this test's alone.
 */
let host: TestHost;
let admin: Session;
let karin: Session;
let anna: Session;
let sami: Session;
let units: Unit[];
const seeded: CaseRecord[] = [];
const RUN = Math.random().toString(36).slice(2, 8);
const FORMULA_UNIT: Unit = {
  unitId: `formula-${RUN}`,
  name: '=HYPERLINK("http://evil.example","klicka")',
  description: 'A unit whose name starts like a spreadsheet formula',
  tasks: ['@SUM(A1:A9)'],
  places: 2,
  address: 'Testgatan 1',
  coordinatorEmails: [],
};
const WORLD: FixtureWorld = {
  units: [
    {
      unitId: 'remake',
      supervisors: [{ name: 'Sami Handledare', email: 'sami@example.se' }],
      ladder: [25, 40, 50, 75, 100],
    },
    {
      unitId: 'secondhand',
      supervisors: [{ name: 'Omar', email: 'omar@example.se' }],
      ladder: [25, 40, 50, 75, 100],
    },
    {
      unitId: FORMULA_UNIT.unitId,
      supervisors: [{ name: 'Lina', email: 'lina@example.se' }],
      ladder: [25, 50, 100],
    },
  ],
  organisations: [{ organisationId: `org-${RUN}`, name: `Org ${RUN}` }],
};
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
let PERIOD: { from: string; to: string };
const T = (key: string) => reportText('sv', key);

/** The rows of the table with this caption: row header → cells by their column label. */
function table(html: string, caption: string): Map<string, Record<string, string>> {
  const textOf = (s: string) =>
    s
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .trim();
  const tables = [...html.matchAll(/<table[^>]*>([\s\S]*?)<\/table>/g)].map((m) => m[1] ?? '');
  const t = tables.find((x) => textOf(/<caption>([\s\S]*?)<\/caption>/.exec(x)?.[1] ?? '') === caption);
  expect(t, `a table "${caption}"`).toBeDefined();
  const out = new Map<string, Record<string, string>>();
  for (const tr of (t ?? '').matchAll(/<tr><th scope="row">([\s\S]*?)<\/th>([\s\S]*?)<\/tr>/g)) {
    const cells: Record<string, string> = {};
    for (const td of (tr[2] ?? '').matchAll(/<td[^>]*data-label="([^"]*)"[^>]*>([\s\S]*?)<\/td>/g))
      cells[textOf(td[1] ?? '')] = textOf(td[2] ?? '');
    out.set(textOf(tr[1] ?? ''), cells);
  }
  return out;
}

/** What a split row of the dashboard shows for these cases. */
function splitOf(cases: readonly CaseRecord[]): Record<string, string> {
  const out: Record<string, string> = { [T('total')]: String(cases.length) };
  for (const g of GENDERS)
    out[T(`gender_${g}`)] = String(cases.filter((c) => c.participant.gender === g).length);
  for (const g of ['illHealthFirstTraining', 'nonNordicSwedish', 'formerParticipants'])
    out[T(`tg_${g}`)] = String(cases.filter((c) => c.entryStatistics?.targetGroup === g).length);
  out[T('tg_notRecorded')] = String(cases.filter((c) => !c.entryStatistics?.targetGroup).length);
  return out;
}

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const repo = new DynamoCaseRepository(
    createDocumentClient(new DynamoDBClient({ region: 'eu-north-1', endpoint: host.dynamoUrl, credentials })),
    'stegvis',
  );
  await repo.putUnit(FORMULA_UNIT);
  units = await repo.listUnits();
  const now = virtualNow(host);
  PERIOD = { from: day(now - 2 * 365 * 86_400_000), to: day(now) };
  const rand = prng(11);
  for (let i = 0; i < 80; i++) {
    const c = variedCase(i, now, WORLD, rand, `r${RUN}`);
    // Some have no target group recorded (cases from before the field was asked).
    if (i % 9 === 0 && c.entryStatistics) delete c.entryStatistics.targetGroup;
    if (i === 3) c.tasks = ['=1+2', '-3'];
    seeded.push(c);
  }
  // One participant left and came back: the later placement is the same person's.
  const started = seeded.filter((c) => c.plan?.startDate && c.closing?.endedOn);
  const [earlier, later] = started.sort((a, b) =>
    (a.plan?.startDate ?? '').localeCompare(b.plan?.startDate ?? ''),
  );
  if (earlier && later) later.participant.identityNumber = earlier.participant.identityNumber;
  for (const [i, c] of seeded.entries())
    await repo.createCase(await withSummary(repo, c, now), `fixture-${RUN}-${i}`);
  admin = await new Session(host.baseUrl).signIn(USERS.admin);
  karin = await new Session(host.baseUrl).signIn(USERS.coordinator);
  anna = await new Session(host.baseUrl).signIn(USERS.referrer);
  sami = await new Session(host.baseUrl).signIn(USERS.supervisor);
}, 120_000);
afterAll(async () => {
  await host?.stop();
});

describe('the dashboard', () => {
  let page = '';
  let now = 0;
  beforeAll(async () => {
    now = virtualNow(host);
    const r = await admin.get('/admin/dashboard');
    expect(r.status).toBe(200);
    page = await r.text();
  });

  it('counts places used, free and the queue per unit', () => {
    const t = table(page, T('unitsTitle'));
    const used = table(page, T('usedByWho'));
    const queue = table(page, T('queueByWho'));
    for (const u of units) {
      const holding = seeded.filter(
        (c) => c.unitId === u.unitId && c.status === 'active' && c.place?.assignedAt && !c.place.releasedAt,
      );
      const queued = seeded.filter(
        (c) => c.unitId === u.unitId && c.status === 'active' && derivePhase(c) === 'queued',
      );
      expect(t.get(u.name), u.name).toEqual({
        [T('places')]: String(u.places),
        [T('used')]: String(holding.length),
        [T('free')]: String(Math.max(0, u.places - holding.length)),
        [T('queue')]: String(queued.length),
      });
      expect(used.get(u.name)).toEqual(splitOf(holding));
      expect(queue.get(u.name)).toEqual(splitOf(queued));
    }
    expect(seeded.some((c) => derivePhase(c) === 'queued')).toBe(true);
  });

  it('counts placements per phase, split by gender and target group', () => {
    const t = table(page, T('phasesTitle'));
    const phases = new Set(seeded.map(derivePhase));
    expect(t.size).toBe(phases.size);
    for (const p of phases)
      expect(t.get(T(`phase_${p}`)), p).toEqual(splitOf(seeded.filter((c) => derivePhase(c) === p)));
  });

  it('counts overdue steps, time in training, working time and increases', () => {
    const overdue = new Map<string, CaseRecord[]>();
    for (const c of seeded.filter((x) => x.status === 'active')) {
      const next = nextDue(c, unitPolicy(units.find((u) => u.unitId === c.unitId)), now);
      if (next && Date.parse(next.due) <= now)
        overdue.set(next.clock, [...(overdue.get(next.clock) ?? []), c]);
    }
    const o = table(page, T('overdueTitle'));
    expect(o.size).toBe(overdue.size);
    for (const [clock, cases] of overdue) expect(o.get(T(`clock_${clock}`))).toEqual(splitOf(cases));

    const started = seeded.filter((c) => c.plan?.startDate);
    const training = table(page, T('trainingTitle'));
    for (const band of ['under3', 'from3to6', 'from6to12', 'from12to24', 'over24'])
      expect(training.get(T(`training_${band}`))).toEqual(
        splitOf(
          started.filter((c) => trainingBand(c.plan?.startDate ?? '', c.closing?.endedOn, now) === band),
        ),
      );

    const inTraining = seeded.filter(
      (c) =>
        c.status === 'active' && ['training', 'paused', 'closing'].includes(derivePhase(c)) && c.workingTime,
    );
    const percent = table(page, T('workingTimeTitle'));
    for (const p of new Set(inTraining.map((c) => c.workingTime?.percent)))
      expect(percent.get(`${p} %`)).toEqual(splitOf(inTraining.filter((c) => c.workingTime?.percent === p)));

    const increases = (c: CaseRecord) => c.workingTimeHistory.filter((h) => h.kind === 'increase').length;
    const inc = table(page, T('increasesTitle'));
    expect(inc.get(T('increases_0'))).toEqual(splitOf(started.filter((c) => increases(c) === 0)));
    expect(inc.get(T('increases_1'))).toEqual(splitOf(started.filter((c) => increases(c) === 1)));
    expect(inc.get(T('increasesMade'))?.[T('total')]).toBe(
      String(started.reduce((n, c) => n + increases(c), 0)),
    );
    expect(started.some((c) => increases(c) > 0)).toBe(true);
  });

  it('counts outcomes at closing and the share moving on to work or studies', () => {
    const closed = seeded.filter((c) => c.closing?.record);
    const t = table(page, T('outcomesTitle'));
    for (const outcome of new Set(closed.map((c) => c.closing?.record?.outcome)))
      expect(t.get(T(`result_${outcome}`))).toEqual(
        splitOf(closed.filter((c) => c.closing?.record?.outcome === outcome)),
      );
    const work = closed.filter((c) => c.closing?.record?.outcome.startsWith('work'));
    const share = table(page, T('movedOnTitle'));
    const pct = Math.round((100 * work.length) / closed.length);
    expect(share.get(T('movedOn_work'))?.[T('total')]).toBe(`${work.length} (${pct} %)`);
    expect(share.get(T('movedOn_closings'))).toEqual(splitOf(closed));
  });

  it('draws each figure as an accessible chart beside its table', () => {
    const charts = [...page.matchAll(/<svg role="img" aria-labelledby="([^" ]+) ([^"]+)"/g)];
    expect(charts.length).toBeGreaterThanOrEqual(6);
    for (const [, title, desc] of charts) {
      expect(page).toContain(`<title id="${title}">`);
      expect(page).toContain(`<desc id="${desc}">`);
    }
  });

  it('is the coordinators’ too, in English; not the referrers’ or supervisors’', async () => {
    const en = await karin.get('/admin/dashboard?lang=en');
    expect(en.status).toBe(200);
    expect(await en.text()).toContain('<caption>Placements per phase</caption>');
    expect((await anna.get('/admin/dashboard')).status).toBe(403);
    expect((await sami.get('/admin/dashboard')).status).toBe(403);
  });
});

/** The ESF+ oracle: people by identity number, the first start and the last end. */
function esfOracle(period: { from: string; to: string }) {
  const people = new Map<string, CaseRecord[]>();
  for (const c of seeded.filter((x) => x.plan?.startDate)) {
    const k = c.participant.identityNumber;
    people.set(k, [...(people.get(k) ?? []), c]);
  }
  const firsts = [...people.values()].map(
    (cs) =>
      [...cs].sort((a, b) =>
        (a.plan?.startDate ?? '').localeCompare(b.plan?.startDate ?? ''),
      )[0] as CaseRecord,
  );
  const entrants = firsts.filter(
    (c) => (c.plan?.startDate ?? '') >= period.from && (c.plan?.startDate ?? '') <= period.to,
  );
  return { people, entrants };
}
const cell = (n: number) => (n > 0 && n < 5 ? '<5' : String(n));

describe('the ESF+ report', () => {
  it('counts participants at entry once, split by women, men and non-binary, small cells as <5', async () => {
    const r = await admin.get(`/admin/reports/esf?from=${PERIOD.from}&to=${PERIOD.to}`);
    expect(r.status).toBe(200);
    const html = await r.text();
    const { people, entrants } = esfOracle(PERIOD);
    expect(people.size).toBeLessThan(seeded.filter((c) => c.plan?.startDate).length); // the re-entry
    const t = table(html, T('entryTitle'));
    const by = (cs: CaseRecord[]) => ({
      [T('total')]: cell(cs.length),
      [T('women')]: cell(cs.filter((c) => c.participant.gender === 'woman').length),
      [T('men')]: cell(cs.filter((c) => c.participant.gender === 'man').length),
      [T('nonBinary')]: cell(cs.filter((c) => c.participant.gender === 'nonBinary').length),
    });
    expect(t.get(T('esf_participants'))).toEqual(by(entrants));
    expect(t.get(T('esf_longTermUnemployed'))).toEqual(
      by(entrants.filter((c) => c.entryStatistics?.labourMarketStatus === 'longTermUnemployed')),
    );
    expect(t.get(T('esf_unemployed'))).toEqual(
      by(
        entrants.filter((c) =>
          ['unemployed', 'longTermUnemployed'].includes(c.entryStatistics?.labourMarketStatus ?? ''),
        ),
      ),
    );
    expect(t.get(T('esf_isced3to4'))).toEqual(
      by(entrants.filter((c) => c.entryStatistics?.education === 'isced3to4')),
    );
    expect(t.get(T('esf_thirdCountryNational'))).toEqual(
      by(entrants.filter((c) => c.entryStatistics?.foreignBackground === 'thirdCountryNational')),
    );
    for (const row of t.values())
      for (const v of Object.values(row)) expect(v).toMatch(/^(0|<5|[5-9]|\d{2,})$/);
    expect(html).toContain(T('leavingTitle'));
    expect(html).toContain(`/admin/exports/esf.csv?from=${PERIOD.from}&amp;to=${PERIOD.to}`);
  });

  it('names each bad date beside its field, in Swedish and English, and computes nothing', async () => {
    const r = await admin.get('/admin/reports/esf?from=2026-02-30&to=');
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('id="from-error"');
    expect(html).toContain('id="to-error"');
    expect(html).toContain(T('issue_from.date'));
    expect(html).toContain(T('issue_to.required'));
    expect(html).not.toContain(T('entryTitle'));
    const en = await admin.get('/admin/reports/esf?from=2026-05-01&to=2026-04-01&lang=en');
    expect(en.status).toBe(400);
    expect(await en.text()).toContain(reportText('en', 'issue_to.order'));
    const csv = await admin.get('/admin/exports/placements.csv?from=x&to=y');
    expect(csv.status).toBe(400);
    expect(csv.headers.get('content-type')).toContain('text/html');
  });

  it('is for admins only', async () => {
    for (const s of [karin, anna, sami]) {
      expect((await s.get(`/admin/reports/esf?from=${PERIOD.from}&to=${PERIOD.to}`)).status).toBe(403);
      for (const kind of ['placements', 'outcomes', 'esf'])
        expect((await s.get(`/admin/exports/${kind}.csv?from=${PERIOD.from}&to=${PERIOD.to}`)).status).toBe(
          403,
        );
    }
  });
});

describe('the CSV exports', () => {
  const secrets = () =>
    seeded.flatMap((c) => [
      c.participant.identityNumber,
      `${c.participant.identityNumber.slice(0, 8)}-${c.participant.identityNumber.slice(8)}`,
      c.participant.email,
      c.caseOfficer.email,
    ]);
  async function download(kind: string) {
    // Swedish headers (an earlier request switched the session to English).
    const r = await admin.get(`/admin/exports/${kind}.csv?from=${PERIOD.from}&to=${PERIOD.to}&lang=sv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(
      /^attachment; filename="stegvis-[a-z-]+-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = await r.text();
    for (const s of secrets()) expect(text).not.toContain(s);
    expect(text).not.toMatch(/\d{8}-?\d{4}/);
    return parse(text, { bom: true, delimiter: ';' }) as string[][];
  }

  it('exports the placements that ran in the period, without personal data, formulas as text', async () => {
    const rows = await download('placements');
    const head = rows[0] ?? [];
    expect(head.slice(0, 4)).toEqual([
      T('col_reference'),
      T('col_unit'),
      T('col_organisation'),
      T('col_phase'),
    ]);
    const expected = seeded.filter((c) => {
      const ended =
        c.closing?.endedOn ?? (c.status === 'closed' ? c.closure?.closedAt.slice(0, 10) : undefined);
      return c.createdAt.slice(0, 10) <= PERIOD.to && (!ended || ended >= PERIOD.from);
    });
    const refs = rows.slice(1).map((r) => r[0]);
    expect([...refs].sort()).toEqual(expected.map((c) => c.reference).sort());
    const byRef = new Map(rows.slice(1).map((r) => [r[0], r]));
    const col = (name: string) => head.indexOf(T(`col_${name}`));
    for (const c of expected) {
      const r = byRef.get(c.reference) ?? [];
      expect(r[col('gender')]).toBe(T(`gender_${c.participant.gender}`));
      expect(r[col('targetGroup')]).toBe(T(`tg_${c.entryStatistics?.targetGroup ?? 'notRecorded'}`));
      expect(r[col('startedOn')]).toBe(c.plan?.startDate ?? '');
      expect(r[col('percent')]).toBe(c.workingTime ? String(c.workingTime.percent) : '');
    }
    const formulaRows = rows.slice(1).filter((r) => r[col('unit')]?.includes('HYPERLINK'));
    expect(formulaRows.length).toBeGreaterThan(0);
    for (const r of formulaRows) expect(r[col('unit')]?.startsWith("'=")).toBe(true);
    for (const r of rows) for (const v of r) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('exports the outcomes of the placements that ended in the period', async () => {
    const rows = await download('outcomes');
    const expected = seeded.filter(
      (c) =>
        c.closing?.record &&
        (c.closing.endedOn ?? '') >= PERIOD.from &&
        (c.closing.endedOn ?? '') <= PERIOD.to,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(expected.map((c) => c.reference).sort());
    const head = rows[0] ?? [];
    for (const r of rows.slice(1)) {
      const c = expected.find((x) => x.reference === r[0]);
      expect(r[head.indexOf(T('col_outcome'))]).toBe(T(`result_${c?.closing?.record?.outcome}`));
    }
  });

  it('exports the ESF+ figures as on the page, small cells as <5', async () => {
    const rows = await download('esf');
    const { entrants } = esfOracle(PERIOD);
    const participants = rows.find((r) => r[1] === T('esf_participants'));
    expect(participants?.slice(2, 6)).toEqual([
      cell(entrants.length),
      cell(entrants.filter((c) => c.participant.gender === 'woman').length),
      cell(entrants.filter((c) => c.participant.gender === 'man').length),
      cell(entrants.filter((c) => c.participant.gender === 'nonBinary').length),
    ]);
    for (const r of rows.slice(1)) for (const v of r.slice(2, 6)) expect(v).toMatch(/^(0|<5|[5-9]|\d{2,})$/);
  });
});
