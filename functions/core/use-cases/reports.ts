import type { CaseRecord } from '../case.ts';
import type { Deps } from '../ports.ts';
import {
  addToDashboard,
  type Dashboard,
  type EsfCaseFact,
  esfFact,
  esfReport,
  newDashboard,
  type Period,
  type PlacementExportRow,
  participants,
  placementExportRow,
} from '../reports.ts';
import type { Unit } from '../units.ts';

/**
 * The reports read every case, a page at a time: each page is reduced to what the figures need
 * and let go before the next is read.
 */
const PAGE = 100;

async function eachCase(deps: Pick<Deps, 'repo'>, visit: (c: CaseRecord) => void) {
  let after: string | undefined;
  do {
    const page = await deps.repo.listCases({ limit: PAGE, after });
    for (const c of page.items) visit(c);
    after = page.next;
  } while (after);
}

export async function dashboard(deps: Pick<Deps, 'repo' | 'clock'>): Promise<Dashboard> {
  const units = await deps.repo.listUnits();
  const d = newDashboard(units, deps.clock.now());
  await eachCase(deps, (c) => addToDashboard(d, c, units));
  return d;
}

/** The ESF+ common indicators of a period (participants counted once across their cases). */
export async function esfFigures(deps: Pick<Deps, 'repo' | 'clock'>, period: Period) {
  const now = deps.clock.now();
  const facts: EsfCaseFact[] = [];
  await eachCase(deps, (c) => {
    const f = esfFact(c, now);
    if (f) facts.push(f);
  });
  return esfReport(participants(facts), period);
}

/** The export rows of the cases `include` picks, oldest referral first. */
export async function exportRows(
  deps: Pick<Deps, 'repo' | 'clock'>,
  include: (c: CaseRecord) => boolean,
): Promise<{ rows: PlacementExportRow[]; units: Unit[] }> {
  const now = deps.clock.now();
  const units = await deps.repo.listUnits();
  const rows: (PlacementExportRow & { createdAt: string })[] = [];
  await eachCase(deps, (c) => {
    if (include(c)) rows.push({ ...placementExportRow(c, units, now), createdAt: c.createdAt });
  });
  rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.reference.localeCompare(b.reference));
  return { rows: rows.map(({ createdAt: _, ...r }) => r), units };
}
