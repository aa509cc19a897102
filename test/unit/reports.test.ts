import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type CaseRecord, type Gender, OUTCOMES, type Outcome } from '#core/case';
import { parsePeriod } from '#core/forms/period';
import { exampleIdentityNumber } from '#core/personnummer';
import {
  AGE_BANDS,
  ageBand,
  buildDashboard,
  ENTRY_ROWS,
  ESF_RESULTS,
  type EsfReport,
  esfFact,
  esfReport,
  GROUP_KEYS,
  INCREASE_BANDS,
  LEAVING_ROWS,
  OUTCOME_COLUMNS,
  OUTCOME_TO_ESF,
  PLACEMENT_COLUMNS,
  participants,
  placementExportRow,
  SIX_MONTH_ROWS,
  type Split,
  suppressed,
  trainingBand,
  wholeMonths,
} from '#core/reports';
import type { TargetGroup } from '#core/target-groups';
import type { Unit } from '#core/units';
import { ADMIN, caseIn, T0 } from '#test/support/use-case-world';
import { esfCsv, placementsCsv } from '#web/report-csv';
import { dashboardPage } from '#web/report-pages';
import { reportText } from '#web/report-texts';

const UNITS: Unit[] = [
  {
    unitId: 'remake',
    name: 'REMAKE',
    description: '',
    tasks: [],
    places: 3,
    address: '',
    coordinatorEmails: [],
  },
  {
    unitId: 'shop',
    name: 'Secondhand',
    description: '',
    tasks: [],
    places: 1,
    address: '',
    coordinatorEmails: [],
  },
];

let serial = 1;
/** A case in a phase, of one person (a new one unless `id` is given), gender and target group. */
function person(
  phase: Parameters<typeof caseIn>[0],
  o: { gender?: Gender; group?: TargetGroup; id?: string; unit?: string; born?: string } = {},
): CaseRecord {
  const n = serial++;
  const c = caseIn(phase, `case${String(n).padStart(8, '0')}`, T0);
  c.participant.identityNumber = (o.id ?? exampleIdentityNumber(n, o.born ?? '19811218')).replace('-', '');
  c.participant.gender = o.gender ?? 'woman';
  c.unitId = o.unit ?? 'remake';
  if (c.entryStatistics) {
    if (o.group) c.entryStatistics.targetGroup = o.group;
    else delete c.entryStatistics.targetGroup;
  }
  return c;
}
const counts = (s: Split) => ({ total: s.total, ...s.gender, ...s.group });
const zero = {
  woman: 0,
  man: 0,
  nonBinary: 0,
  undisclosed: 0,
  illHealthFirstTraining: 0,
  nonNordicSwedish: 0,
  formerParticipants: 0,
  notRecorded: 0,
};

describe('the dashboard', () => {
  const cases = [
    person('training', { gender: 'woman', group: 'illHealthFirstTraining' }),
    person('training', { gender: 'man', group: 'nonNordicSwedish' }),
    person('training', { gender: 'nonBinary' }),
    person('paused', { gender: 'undisclosed', group: 'formerParticipants', unit: 'shop' }),
    person('queued', { gender: 'man', group: 'nonNordicSwedish', unit: 'shop' }),
    person('intake', { gender: 'woman' }),
    person('closed', { gender: 'woman', group: 'illHealthFirstTraining' }),
    person('afterClosing', { gender: 'man', group: 'illHealthFirstTraining' }),
  ];
  const d = buildDashboard(UNITS, cases, T0);
  const row = <K extends string>(rows: { key: K; split: Split }[], k: K) =>
    counts((rows.find((r) => r.key === k) as { split: Split }).split);

  it('splits every figure by gender and by target group', () => {
    expect(row(d.phases, 'training')).toEqual({
      ...zero,
      total: 3,
      woman: 1,
      man: 1,
      nonBinary: 1,
      illHealthFirstTraining: 1,
      nonNordicSwedish: 1,
      notRecorded: 1,
    });
    expect(row(d.phases, 'paused')).toEqual({ ...zero, total: 1, undisclosed: 1, formerParticipants: 1 });
    expect(row(d.phases, 'intake')).toEqual({ ...zero, total: 1, woman: 1, notRecorded: 1 });
    expect(row(d.phases, 'closed')).toEqual({ ...zero, total: 1, woman: 1, illHealthFirstTraining: 1 });
    expect(d.phases.reduce((n, r) => n + r.split.total, 0)).toBe(cases.length);
  });

  it('counts places used, free and the queue per unit', () => {
    const [remake, shop] = d.units;
    expect(remake).toMatchObject({ unitId: 'remake', places: 3, free: 0 });
    expect(counts(remake?.used as Split)).toEqual({
      ...zero,
      total: 3,
      woman: 1,
      man: 1,
      nonBinary: 1,
      illHealthFirstTraining: 1,
      nonNordicSwedish: 1,
      notRecorded: 1,
    });
    expect(shop).toMatchObject({ places: 1, free: 0 });
    expect(shop?.used.total).toBe(1);
    expect(counts(shop?.queue as Split)).toEqual({ ...zero, total: 1, man: 1, nonNordicSwedish: 1 });
  });

  it('counts working time now, increases made, time in training and outcomes', () => {
    expect(d.workingTime.map((r) => [r.key, r.split.total])).toEqual([['25', 4]]);
    expect(row(d.increases, '0').total).toBe(6);
    expect(d.increasesMade.total).toBe(0);
    // caseIn starts training 60 days before T0; the closed ones ended 40 days before T0.
    expect(row(d.training, 'under3').total).toBe(6);
    expect(row(d.outcomes, 'studiesKomvux')).toEqual({
      ...zero,
      total: 2,
      woman: 1,
      man: 1,
      illHealthFirstTraining: 2,
    });
    expect(counts(d.movedOn.studies)).toEqual(counts(d.movedOn.closings));
    expect(d.movedOn.work.total).toBe(0);
  });

  it('counts an increase of working time and the step that is overdue', () => {
    const c = person('training', { gender: 'man' });
    c.workingTime = { percent: 50, hoursPerWeek: 20, since: c.workingTime?.since ?? '' };
    for (const percent of [40, 50])
      c.workingTimeHistory.push({
        percent,
        hoursPerWeek: percent * 0.4,
        since: '2027-02-01',
        kind: 'increase',
        decidedAt: '2027-02-01T10:00:00Z',
        decidedBy: 'r1',
      });
    c.talks = { count: 0 }; // no talk in two months: the talk is overdue
    const one = buildDashboard(UNITS, [c], T0);
    expect(one.workingTime.map((r) => [r.key, r.split.total])).toEqual([['50', 1]]);
    expect(counts(one.increasesMade)).toEqual({ ...zero, total: 2, man: 1 * 2, notRecorded: 2 });
    expect(row(one.increases, '2').total).toBe(1);
    expect(one.overdue.filter((r) => r.split.total > 0).map((r) => r.key)).toEqual(['talk']);
  });
});

describe('time in training', () => {
  it('counts whole calendar months, at the edges of the bands', () => {
    expect(wholeMonths('2026-01-31', '2026-02-28')).toBe(0);
    expect(wholeMonths('2026-01-15', '2026-04-14')).toBe(2);
    expect(wholeMonths('2026-01-15', '2026-04-15')).toBe(3);
    expect(trainingBand('2026-01-15', '2026-04-14', T0)).toBe('under3');
    expect(trainingBand('2026-01-15', '2026-04-15', T0)).toBe('from3to6');
    expect(trainingBand('2025-01-15', '2027-01-15', T0)).toBe('over24');
    expect(trainingBand('2025-01-15', '2027-01-14', T0)).toBe('from12to24');
  });
});

describe('age bands', () => {
  it('takes the age on the first start, at each edge', () => {
    expect(ageBand('2008-03-10', '2026-03-09')).toBe('under18');
    expect(ageBand('2008-03-10', '2026-03-10')).toBe('from18to29');
    expect(ageBand('1996-03-10', '2026-03-09')).toBe('from18to29');
    expect(ageBand('1996-03-10', '2026-03-10')).toBe('from30to54');
    expect(ageBand('1971-03-10', '2026-03-09')).toBe('from30to54');
    expect(ageBand('1971-03-10', '2026-03-10')).toBe('from55');
    expect(ageBand('2008-02-29', '2026-02-28')).toBe('under18');
    expect(ageBand(undefined, '2026-03-10')).toBe('unknown');
  });

  it('reads the birth date of a coordination number (day + 60)', () => {
    const c = person('training', { id: exampleIdentityNumber(5, '19900171').replace('-', '') });
    expect(esfFact(c, T0)?.birthDate).toBe('1990-01-11');
  });
});

describe('ESF+ common indicators', () => {
  const YEAR = { from: '2027-01-01', to: '2027-12-31' };
  const rowOf = (r: EsfReport, part: 'entry' | 'leaving' | 'sixMonths', key: string) =>
    (r[part] as { key: string; split: Split }[]).find((x) => x.key === key)?.split as Split;

  /** A placement of one person: started and (when given) ended on the dates. */
  function placement(
    id: string,
    start: string,
    end?: string,
    outcome: Outcome = 'jobSeeking',
    gender: Gender = 'woman',
  ) {
    const c = person(end ? 'afterClosing' : 'training', { id, gender, group: 'nonNordicSwedish' });
    if (c.plan) c.plan.startDate = start;
    if (end && c.closing?.record) {
      c.closing.endedOn = end;
      c.closing.record.outcome = outcome;
    }
    return c;
  }

  it('counts a participant who leaves and re-enters once, from the first start to the last end', () => {
    const id = exampleIdentityNumber(101, '19900505').replace('-', '');
    const first = placement(id, '2027-02-01', '2027-05-01', 'sickLeaveOrCare');
    first.entryStatistics = { ...first.entryStatistics!, labourMarketStatus: 'longTermUnemployed' };
    const again = placement(id, '2027-08-01', '2027-10-15', 'workWithSupport');
    again.entryStatistics = { ...again.entryStatistics!, labourMarketStatus: 'employed' };
    const people = participants([first, again].map((c) => esfFact(c, T0)!));
    expect(people).toHaveLength(1);
    const year = esfReport(people, YEAR);
    expect(rowOf(year, 'entry', 'participants').total).toBe(1);
    // Entry figures are the first entry's: long-term unemployed counts as unemployed too.
    expect(rowOf(year, 'entry', 'unemployed').total).toBe(1);
    expect(rowOf(year, 'entry', 'longTermUnemployed').total).toBe(1);
    expect(rowOf(year, 'entry', 'employed').total).toBe(0);
    // Born 1990-05-05: 36 at the first start.
    expect(rowOf(year, 'entry', 'from30to54').total).toBe(1);
    expect(rowOf(year, 'entry', 'from18to29').total).toBe(0);
    // Leaving: the last placement's outcome.
    expect(rowOf(year, 'leaving', 'leavers').total).toBe(1);
    expect(rowOf(year, 'leaving', 'inEmployment').total).toBe(1);
    // The second entry in a later period does not count as a new participant.
    const autumn = esfReport(people, { from: '2027-07-01', to: '2027-12-31' });
    expect(rowOf(autumn, 'entry', 'participants').total).toBe(0);
    expect(rowOf(autumn, 'leaving', 'leavers').total).toBe(1);
    // Left in spring, back in training: not a leaver in spring.
    const spring = esfReport(people, { from: '2027-01-01', to: '2027-06-30' });
    expect(rowOf(spring, 'leaving', 'leavers').total).toBe(0);
  });

  it('does not count a participant whose re-entry still runs as having left', () => {
    const id = exampleIdentityNumber(102, '19900505').replace('-', '');
    const people = participants(
      [placement(id, '2027-02-01', '2027-05-01'), placement(id, '2027-08-01')].map((c) => esfFact(c, T0)!),
    );
    expect(people).toHaveLength(1);
    expect(people[0]?.last).toBeUndefined();
    expect(rowOf(esfReport(people, YEAR), 'leaving', 'leavers').total).toBe(0);
  });

  it('counts a placement closed by an administrator (no closing meeting) as left on the day it closed', () => {
    const c = placement(exampleIdentityNumber(150).replace('-', ''), '2027-01-10');
    c.status = 'closed';
    c.closure = { category: 'closedAdministratively', reason: 'moved', closedAt: '2027-03-15T12:00:00Z' };
    const r = esfReport(participants([esfFact(c, T0)!]), YEAR);
    expect(rowOf(r, 'leaving', 'leavers').total).toBe(1);
    expect(rowOf(r, 'leaving', 'notKnown').total).toBe(1);
    expect(placementExportRow(c, UNITS, T0).endedOn).toBe('2027-03-15');
  });

  it('splits by women, men and non-binary; counts those who never started as no participant', () => {
    const cases = [
      placement(exampleIdentityNumber(201).replace('-', ''), '2027-03-01', undefined, 'jobSeeking', 'woman'),
      placement(exampleIdentityNumber(202).replace('-', ''), '2027-03-01', undefined, 'jobSeeking', 'man'),
      placement(
        exampleIdentityNumber(203).replace('-', ''),
        '2027-03-01',
        undefined,
        'jobSeeking',
        'nonBinary',
      ),
      placement(
        exampleIdentityNumber(204).replace('-', ''),
        '2027-03-01',
        undefined,
        'jobSeeking',
        'undisclosed',
      ),
      person('intake'),
    ];
    const facts = cases.map((c) => esfFact(c, T0)).filter((f) => f !== undefined);
    expect(facts).toHaveLength(4);
    const s = rowOf(esfReport(participants(facts), YEAR), 'entry', 'participants');
    expect([s.total, s.gender.woman, s.gender.man, s.gender.nonBinary]).toEqual([4, 1, 1, 1]);
    expect(rowOf(esfReport(participants(facts), YEAR), 'entry', 'nonNordicSwedish').total).toBe(4);
  });

  it('maps every outcome; prefers the four-week answer; a qualification needs its yes', () => {
    expect(Object.keys(OUTCOME_TO_ESF).sort()).toEqual([...OUTCOMES].sort());
    expect(OUTCOME_TO_ESF).toEqual({
      workWithoutSupport: 'inEmployment',
      workWithSupport: 'inEmployment',
      studiesKomvux: 'inEducationOrTraining',
      studiesSfi: 'inEducationOrTraining',
      studiesFolkHighSchool: 'inEducationOrTraining',
      studiesOther: 'inEducationOrTraining',
      internship: 'inEducationOrTraining',
      otherMeasure: undefined,
      jobSeeking: 'jobSearching',
      sickLeaveOrCare: undefined,
      noRealisticNextStep: undefined,
    });
    const c = placement(
      exampleIdentityNumber(301).replace('-', ''),
      '2027-01-10',
      '2027-06-01',
      'jobSeeking',
    );
    c.afterClosing.fourWeeks = {
      outcome: 'studiesSfi',
      note: '',
      qualificationGained: true,
      recordedAt: '2027-06-29T10:00:00Z',
      recordedBy: 'r1',
    };
    c.afterClosing.sixMonths = {
      outcome: 'workWithoutSupport',
      note: '',
      recordedAt: '2027-12-01T10:00:00Z',
      recordedBy: 'r1',
    };
    const d = placement(
      exampleIdentityNumber(302).replace('-', ''),
      '2027-01-10',
      '2027-06-01',
      'noRealisticNextStep',
    );
    const r = esfReport(participants([c, d].map((x) => esfFact(x, T0)!)), YEAR);
    const totals = (part: 'leaving' | 'sixMonths') =>
      Object.fromEntries((r[part] as { key: string; split: Split }[]).map((x) => [x.key, x.split.total]));
    expect(totals('leaving')).toEqual({
      leavers: 2,
      jobSearching: 0,
      inEducationOrTraining: 1,
      gainingQualification: 1,
      inEmployment: 0,
      notKnown: 0,
    });
    expect(totals('sixMonths')).toEqual({
      leavers: 2,
      inEmployment: 1,
      inEducationOrTraining: 0,
      jobSearching: 0,
      notYetAnswered: 1,
    });
  });
});

describe('small cells', () => {
  it('shows 1–4 as "<5", 0 and 5 and over as they are', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 120].map(suppressed)).toEqual([
      '0',
      '<5',
      '<5',
      '<5',
      '<5',
      '5',
      '6',
      '120',
    ]);
  });

  it('suppresses in the ESF+ CSV too', () => {
    const facts = Array.from({ length: 6 }, (_, i) =>
      esfFact(person('training', { gender: i < 5 ? 'woman' : 'man' }), T0),
    ).filter((f) => f !== undefined);
    const r = esfReport(participants(facts), { from: '2000-01-01', to: '2100-01-01' });
    const rows = parse(esfCsv('en', r), { bom: true, delimiter: ';' }) as string[][];
    expect(rows[0]).toEqual(['Section', 'Indicator', 'Total', 'Women', 'Men', 'Non-binary', 'From', 'To']);
    expect(rows[1]?.slice(1, 6)).toEqual(['Participants', '6', '5', '<5', '0']);
  });
});

describe('the exports', () => {
  it('never carry a name, an identity number, an address or a health text; formulas are text', () => {
    const c = person('afterClosing', { gender: 'nonBinary', group: 'formerParticipants' });
    c.participant.name = 'Greta Garbo';
    c.participant.email = 'greta@example.se';
    c.needs.adaptation = 'Ryggbesvär';
    c.tasks = ['=HYPERLINK("http://x")', '+sy', '@a'];
    const row = placementExportRow(c, UNITS, T0);
    const all = JSON.stringify(row);
    for (const secret of [c.participant.identityNumber, 'Greta', 'greta@', 'Ryggbesvär', c.participant.phone])
      expect(all).not.toContain(secret);
    const csv = placementsCsv('sv', [row]);
    expect(csv.startsWith('\ufeff')).toBe(true);
    const rows = parse(csv, { bom: true, delimiter: ';' }) as string[][];
    expect(rows[0]?.[0]).toBe('Ärende');
    const tasks = rows[1]?.[rows[0]?.indexOf('Arbetsuppgifter') ?? -1];
    expect(tasks?.startsWith("'=")).toBe(true);
    expect(rows[1]).toContain('Icke-binär / annat');
    expect(rows[1]).toContain('Tidigare deltagare som går vidare');
  });
});

describe('the period', () => {
  it('needs two real dates in order; names each field', () => {
    expect(parsePeriod({ from: '2027-01-01', to: '2027-12-31' })).toEqual({
      ok: true,
      value: { from: '2027-01-01', to: '2027-12-31' },
    });
    const codes = (q: Record<string, string>) => {
      const r = parsePeriod(q);
      return r.ok ? [] : r.issues.map((i) => `${i.field}:${i.code}`);
    };
    expect(codes({})).toEqual(['from:required', 'to:required']);
    expect(codes({ from: '2027-02-30', to: 'igår' })).toEqual(['from:date', 'to:date']);
    expect(codes({ from: '2027-05-01', to: '2027-04-30' })).toEqual(['to:order']);
    expect(codes({ from: '2000-01-01', to: '2027-04-30' })).toEqual(['to:tooLong']);
  });
});

describe('the report texts and pages', () => {
  it('has words in Swedish and English for every row, column and coded value', () => {
    const keys = [
      ...ENTRY_ROWS.map(esfKey),
      ...LEAVING_ROWS.map(esfKey),
      ...SIX_MONTH_ROWS.map(esfKey),
      ...[...PLACEMENT_COLUMNS, ...OUTCOME_COLUMNS].map((c) => `col_${c}`),
      ...GROUP_KEYS.map((g) => `tg_${g}`),
      ...AGE_BANDS.map((a) => `age_${a}`),
      ...INCREASE_BANDS.map((b) => `increases_${b}`),
      ...ESF_RESULTS.map((r) => `esf_${r}`),
      ...['placements', 'outcomes', 'esf'].map((k) => `export_${k}`),
    ];
    for (const key of keys)
      for (const lang of ['sv', 'en'] as const) expect(reportText(lang, key), `${lang} ${key}`).not.toBe(key);
  });

  it('escapes what it shows: a unit named like markup stays text', () => {
    const units = [{ ...UNITS[0], name: '<script>alert(1)</script>' } as Unit];
    const d = buildDashboard(units, [person('training')], T0);
    const html = dashboardPage({ lang: 'sv', principal: ADMIN, d, path: '/admin/dashboard' }).value;
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<svg role="img"');
    expect(html).toContain('<th scope="row">');
  });
});

const esfKey = (k: string) => ((GROUP_KEYS as readonly string[]).includes(k) ? `tg_${k}` : `esf_${k}`);
