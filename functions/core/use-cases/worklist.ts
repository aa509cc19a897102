import type { Principal } from '../auth.ts';
import { type CaseRecord, openMailProblems } from '../case.ts';
import { type AnyMeetingKind, meetingViews } from '../meeting-view.ts';
import type { Deps } from '../ports.ts';
import { type ActionName, CLOCK_NAMES, CLOCKS, type ClockDecl, STEPS } from '../process/declaration.ts';
import { derivePhase } from '../process/derive.ts';
import { type Unit, unitPolicy } from '../units.ts';
import { actionOpen, currentStep, mayAct } from './act.ts';
import { actionAvailable, changeableMeetings } from './availability.ts';
import { listVisibleCases } from './referrals.ts';

export interface WorkItem {
  caseId: string;
  reference: string;
  phase: string;
  action: ActionName;
  /** When the step began waiting (ISO), if the workflow has registered it. */
  since?: string;
  /** When the action is due by its clock (epoch ms), if it has one. */
  due?: number;
  overdue: boolean;
  /** Why it is asked beyond its step: the participant asked for another time (move the meeting). */
  note?: 'otherTime';
  /** The anchor of the form on the case page, when not the action's own. */
  anchor?: string;
}

/** The actions a clock asks for and when, for the case's current step. */
function dueFor(c: CaseRecord, action: ActionName, now: number, policy = unitPolicy(undefined)) {
  const step = currentStep(c);
  let due: number | undefined;
  for (const name of CLOCK_NAMES) {
    const decl = CLOCKS[name] as ClockDecl;
    if (decl.action !== action || !step || !decl.steps.includes(step)) continue;
    const d = decl.due(c, policy, now);
    if (d !== undefined && Number.isFinite(d) && (due === undefined || d < due)) due = d;
  }
  return due;
}

/** The active cases this person sees, every page (at most 50 pages of 100). */
async function activeVisibleCases(deps: Deps, p: Principal): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await listVisibleCases(deps, p, { after, limit: 100 });
    out.push(...page.items.filter((c) => c.status === 'active'));
    after = page.next;
    pages++;
  } while (after && pages < 50);
  return out;
}

/**
 * "To do": the steps waiting on this person, overdue and oldest first. An item is an action open
 * in a case's current step that the person may take and that a clock asks for (or, for steps
 * without a clock of their own, the step's first action); activity logs and early closing,
 * always open, are not chores.
 */
export async function worklist(deps: Deps, p: Principal, opts: { limit?: number } = {}): Promise<WorkItem[]> {
  const units = await deps.repo.listUnits();
  return workItemsOf(await activeVisibleCases(deps, p), p, units, deps.clock.now()).slice(
    0,
    opts.limit ?? 200,
  );
}

function workItemsOf(cases: CaseRecord[], p: Principal, unitList: Unit[], now: number): WorkItem[] {
  const units = new Map(unitList.map((u) => [u.unitId, u]));
  const items: WorkItem[] = [];
  for (const c of cases) {
    const step = currentStep(c);
    if (!step) continue;
    const policy = unitPolicy(units.get(c.unitId));
    const asked = (STEPS[step].actions as readonly ActionName[]).filter(
      (a) => mayAct(p, c, a) && actionAvailable(c, a, now),
    );
    const chores = asked.filter((a) => dueFor(c, a, now, policy) !== undefined);
    for (const action of chores.length ? chores : asked.slice(0, 1)) {
      if (['logActivity', 'closeEarly', 'moveMeeting', 'cancelMeeting', 'correctAddress'].includes(action))
        continue;
      const due = dueFor(c, action, now, policy);
      items.push({
        caseId: c.caseId,
        reference: c.reference,
        phase: derivePhase(c),
        action,
        since: c.waiting?.since,
        due,
        overdue: due !== undefined && due <= now,
      });
    }
    // Mail to an address on the case did not arrive: the coordinators check the address.
    const problem = openMailProblems(c)[0];
    if (problem && mayAct(p, c, 'correctAddress') && actionOpen(c, 'correctAddress'))
      items.push({
        caseId: c.caseId,
        reference: c.reference,
        phase: derivePhase(c),
        action: 'correctAddress',
        due: Date.parse(problem.at),
        overdue: true,
      });
    // A participant asked for another time: the meeting is on the list of those who may move it.
    for (const m of changeableMeetings(c)) {
      const a = m.answer;
      if (a?.answer !== 'otherTime' || a.sequence !== m.sequence || !mayAct(p, c, 'moveMeeting')) continue;
      items.push({
        caseId: c.caseId,
        reference: c.reference,
        phase: derivePhase(c),
        action: 'moveMeeting',
        due: Date.parse(a.at),
        overdue: true,
        note: 'otherTime',
        anchor: `meeting-${m.meetingId}-h`,
      });
    }
  }
  return items.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      (a.due ?? Number.MAX_SAFE_INTEGER) - (b.due ?? Number.MAX_SAFE_INTEGER) ||
      (a.since ?? '').localeCompare(b.since ?? ''),
  );
}

/** A participant's answer to a meeting still ahead, as the people in charge of the case see it. */
export interface AnswerItem {
  caseId: string;
  reference: string;
  meetingId: string;
  kind: AnyMeetingKind;
  start: string;
  answer: 'coming' | 'otherTime';
  at: string;
}

/**
 * The participants' answers to the meetings ahead (the next 30 days) of the cases this person
 * sees, soonest meeting first: "coming" as well as "another time" (which also asks a move).
 */
export async function participantAnswers(deps: Deps, p: Principal, opts: { limit?: number } = {}) {
  return answersOf(await activeVisibleCases(deps, p), deps.clock.now()).slice(0, opts.limit ?? 100);
}

function answersOf(cases: CaseRecord[], now: number): AnswerItem[] {
  const out: AnswerItem[] = [];
  for (const c of cases)
    for (const m of meetingViews(c)) {
      const a = m.answer;
      const start = Date.parse(m.start);
      if (!a || a.sequence !== m.sequence || m.cancelled || m.done) continue;
      if (start <= now || start > now + 30 * 24 * 3600 * 1000) continue;
      out.push({
        caseId: c.caseId,
        reference: c.reference,
        meetingId: m.meetingId,
        kind: m.kind,
        start: m.start,
        answer: a.answer,
        at: a.at,
      });
    }
  return out.sort((a, b) => a.start.localeCompare(b.start));
}

/** "To do" as one page shows it: the work items and the participants' answers, from one read of the cases. */
export async function todo(deps: Deps, p: Principal) {
  const [cases, units] = await Promise.all([activeVisibleCases(deps, p), deps.repo.listUnits()]);
  const now = deps.clock.now();
  return {
    items: workItemsOf(cases, p, units, now).slice(0, 200),
    answers: answersOf(cases, now).slice(0, 100),
  };
}
