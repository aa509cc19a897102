import type { Principal } from '../auth.ts';
import type { AfterClosingAnswer, Outcome } from '../case.ts';
import { type FieldIssue, StepNotWaitingError, ValidationError } from '../errors.ts';
import { isDeliverableAddress } from '../forms/email.ts';
import type { Deps } from '../ports.ts';
import { act } from './act.ts';
import { heldMeeting } from './meetings.ts';

export interface ClosingValues {
  summary: string;
  evaluation: string;
  outcome: Outcome;
  explanation?: string;
  nextStepPlan: string;
}

/**
 * The closing meeting is recorded: summary, evaluation, outcome and the next-step plan. "No
 * realistic next step" needs its explanation. The place is given back and the queue moves
 * (the workflow's ReleasePlace); the follow-ups after closing start.
 */
export function recordClosing(deps: Deps, p: Principal, caseId: string, v: ClosingValues) {
  return act(deps, p, caseId, 'recordClosing', {
    same: (c) => c.closing?.record?.outcome === v.outcome && c.closing.record.summary === v.summary,
    apply: (c, ctx) => {
      const m = heldMeeting(c, 'closing', ctx.now, 'recordClosing');
      const issues: FieldIssue[] = [];
      if (v.outcome === 'noRealisticNextStep' && !v.explanation?.trim())
        issues.push({ field: 'explanation', code: 'required' });
      if (issues.length) throw new ValidationError(issues);
      const at = new Date(ctx.now).toISOString();
      c.closing = {
        ...c.closing,
        record: { ...v, recordedAt: at, recordedBy: p.sub },
        endedOn: m.start.slice(0, 10),
      };
      m.recordedAt = at;
      c.closure = {
        category: c.closing.early ? 'closedEarly' : 'completed',
        reason: v.outcome,
        closedAt: at,
      };
    },
  });
}

/**
 * Four weeks after the end, and again six months after it, the case officer says where the
 * participant is now. After the second answer the case sends nothing more.
 */
export function recordAfterClosing(
  deps: Deps,
  p: Principal,
  caseId: string,
  v: { outcome: Outcome; note: string; which?: 'fourWeeks' | 'sixMonths'; qualificationGained?: boolean },
) {
  const sameAnswer = (a: AfterClosingAnswer) =>
    a.outcome === v.outcome && a.note === v.note && a.qualificationGained === v.qualificationGained;
  return act(deps, p, caseId, 'recordAfterClosing', {
    same: (c) => {
      const last = c.afterClosing.sixMonths ?? c.afterClosing.fourWeeks;
      return !!last && sameAnswer(last);
    },
    apply: (c, ctx) => {
      const at = new Date(ctx.now).toISOString();
      const answer: AfterClosingAnswer = {
        outcome: v.outcome,
        note: v.note,
        ...(v.qualificationGained === undefined ? {} : { qualificationGained: v.qualificationGained }),
        recordedAt: at,
        recordedBy: p.sub,
      };
      // The form says which question it answers: the four-week answer sent again (a double
      // click, a second tab) is that answer again, never the six-month one.
      const four = c.afterClosing.fourWeeks;
      if (v.which === 'fourWeeks' && four) {
        if (sameAnswer(four)) return;
        throw new StepNotWaitingError('The four-week answer is recorded', 'alreadyDone');
      }
      if (!c.afterClosing.fourWeeks) {
        c.afterClosing.fourWeeks = answer;
        return;
      }
      const end = new Date(`${c.closing?.endedOn ?? at.slice(0, 10)}T00:00:00Z`);
      end.setUTCMonth(end.getUTCMonth() + 6);
      // The six-month answer opens two weeks before it is asked for.
      if (ctx.now < end.getTime() - 14 * 24 * 3600 * 1000)
        throw new StepNotWaitingError('The six-month follow-up is not open yet', 'sixMonthsNotYet', {
          from: new Date(end.getTime() - 14 * 24 * 3600 * 1000).toISOString().slice(0, 10),
        });
      c.afterClosing.sixMonths = answer;
      c.status = 'closed';
    },
  });
}

/**
 * A step failed for good (e.g. mail to an address that cannot receive it): the coordinator
 * corrects the participant's contact details and the workflow continues from the record.
 */
export function repairCase(deps: Deps, p: Principal, caseId: string, v: { email?: string; phone?: string }) {
  const email = v.email?.trim().toLowerCase();
  if (email && !isDeliverableAddress(email)) throw new ValidationError([{ field: 'email', code: 'format' }]);
  return act(deps, p, caseId, 'repair', {
    apply: (c) => {
      if (email) c.participant.email = email;
      if (v.phone?.trim()) c.participant.phone = v.phone.trim();
      delete c.problem;
    },
  });
}
