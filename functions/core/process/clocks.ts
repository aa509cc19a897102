import { type CaseRecord, DAY_MS, type NoticeState } from '../case.ts';
import type { UnitPolicy } from '../units.ts';
import { CLOCK_NAMES, CLOCKS, type ClockDecl, type ClockName, type StepName } from './declaration.ts';
import { derivePhase, stepOf } from './derive.ts';

export interface DueNotice {
  clock: ClockName;
  kind: 'reminder' | 'escalation';
  /** The clock's current period (its due instant). */
  period: number;
  at: number;
}

/** The clocks that run in the record's current step (none outside a human step). */
export function runningClocks(c: CaseRecord, step: StepName | undefined = stepOf(derivePhase(c))) {
  if (!step) return [];
  return CLOCK_NAMES.filter((n) => (CLOCKS[n] as ClockDecl).steps.includes(step));
}

/** The next notices of one clock after what its current period has already sent. */
function nextNotices(
  name: ClockName,
  decl: ClockDecl,
  period: number,
  state: NoticeState | undefined,
): DueNotice[] {
  const sent = state?.period === period ? state : undefined;
  const out: DueNotice[] = [];
  const reminders = sent?.reminders ?? 0;
  const max = decl.maxReminders ?? 1;
  if (reminders < max) {
    const last = sent?.lastReminderAt;
    const nextAt =
      last === undefined ? period : decl.repeatDays ? last + decl.repeatDays * DAY_MS : undefined;
    if (nextAt !== undefined) out.push({ clock: name, kind: 'reminder', period, at: nextAt });
  }
  if (decl.escalate && sent?.escalatedAt === undefined)
    out.push({ clock: name, kind: 'escalation', period, at: period + decl.escalate.afterDays * DAY_MS });
  return out;
}

/** Every notice still to come in the running clocks' current periods, earliest first. */
export function upcomingNotices(c: CaseRecord, policy: UnitPolicy, now: number): DueNotice[] {
  const out: DueNotice[] = [];
  for (const name of runningClocks(c)) {
    const decl = CLOCKS[name] as ClockDecl;
    const period = decl.due(c, policy, now);
    if (period === undefined || !Number.isFinite(period)) continue;
    out.push(...nextNotices(name, decl, period, c.notices[name]));
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Records a sent notice in the record (mutates a draft). */
export function markSent(c: CaseRecord, n: DueNotice, now: number) {
  const prior = c.notices[n.clock];
  const state: NoticeState = prior?.period === n.period ? { ...prior } : { period: n.period, reminders: 0 };
  if (n.kind === 'reminder') {
    state.reminders += 1;
    state.lastReminderAt = now;
  } else state.escalatedAt = now;
  c.notices[n.clock] = state;
}

/** For worklists: when the step's own clock says it is due, and whether that is past. */
export function dueOf(c: CaseRecord, policy: UnitPolicy, now: number, clock: ClockName) {
  const decl = CLOCKS[clock] as ClockDecl;
  const due = decl.due(c, policy, now);
  return due === undefined ? undefined : { due, overdue: due <= now };
}
