import { stringify } from 'csv-stringify/sync';
import {
  ESF_GENDERS,
  type EsfReport,
  OUTCOME_COLUMNS,
  type Period,
  PLACEMENT_COLUMNS,
  type PlacementExportRow,
  suppressed,
} from '#core/reports';
import type { Lang } from './i18n.ts';
import { esfLabel, genderLabel, groupLabel } from './report-pages.ts';
import { reportText } from './report-texts.ts';

/**
 * The CSV exports, for Excel: a BOM, semicolons, and every cell that starts like a formula
 * (= + - @, tab, carriage return) prefixed so a spreadsheet shows it as text. Headers and coded
 * values in the request's language. The columns are the export rows' (reports.ts): no names,
 * identity numbers, e-mail, phone, adaptation or health texts.
 */
const R = reportText;
const OPTIONS = { bom: true, delimiter: ';', escape_formulas: true, record_delimiter: 'windows' } as const;

/** A coded value in words; an empty value stays empty. */
function valueText(lang: Lang, col: keyof PlacementExportRow, v: string | number): string {
  if (v === '' || typeof v === 'number') return String(v);
  switch (col) {
    case 'phase':
      return R(lang, `phase_${v}`);
    case 'status':
      return R(lang, `csvStatus_${v}`);
    case 'gender':
      return genderLabel(lang, v);
    case 'targetGroup':
      return groupLabel(lang, v);
    case 'ageBand':
      return R(lang, `age_${v}`);
    case 'labourMarketStatus':
      return R(lang, `lms_${v}`);
    case 'education':
      return R(lang, `edu_${v}`);
    case 'disability':
      return R(lang, `yn_${v}`);
    case 'foreignBackground':
      return R(lang, `fb_${v}`);
    case 'earlyClosingReason':
      return R(lang, `early_${v}`);
    case 'outcome':
    case 'fourWeeks':
    case 'sixMonths':
      return R(lang, `result_${v}`);
    case 'esfResult':
      return R(lang, `esf_${v}`);
    case 'qualificationGained':
      return R(lang, `qual_${v}`);
    default:
      return v;
  }
}

function rowsCsv(
  lang: Lang,
  columns: readonly (keyof PlacementExportRow)[],
  rows: readonly PlacementExportRow[],
) {
  return stringify(
    [
      columns.map((c) => R(lang, `col_${c}`)),
      ...rows.map((r) => columns.map((c) => valueText(lang, c, r[c]))),
    ],
    OPTIONS,
  );
}

export const placementsCsv = (lang: Lang, rows: readonly PlacementExportRow[]) =>
  rowsCsv(lang, PLACEMENT_COLUMNS, rows);
export const outcomesCsv = (lang: Lang, rows: readonly PlacementExportRow[]) =>
  rowsCsv(lang, OUTCOME_COLUMNS, rows);

/** The ESF+ figures, one row per indicator; cells of 1–4 as "<5". */
export function esfCsv(lang: Lang, r: EsfReport) {
  const head = ['section', 'indicator', 'total', 'women', 'men', 'nonBinary', 'from', 'to'].map((c) =>
    R(lang, c === 'section' ? 'section' : `col_${c}`),
  );
  const sections = [
    ['entry', r.entry],
    ['leaving', r.leaving],
    ['sixMonths', r.sixMonths],
  ] as const;
  const body = sections.flatMap(([section, rows]) =>
    rows.map((row) => [
      R(lang, `section_${section}`),
      esfLabel(lang, row.key),
      suppressed(row.split.total),
      ...ESF_GENDERS.map((g) => suppressed(row.split.gender[g])),
      r.period.from,
      r.period.to,
    ]),
  );
  return stringify([head, ...body], OPTIONS);
}

export const csvFileName = (kind: string, p: Period) => `stegvis-${kind}-${p.from}-${p.to}.csv`;
