import type { Principal } from '../auth.ts';
import { type CaseRecord, type MailRole, openMailProblems } from '../case.ts';
import { type FieldIssue, StepNotWaitingError, ValidationError } from '../errors.ts';
import { isDeliverableAddress } from '../forms/email.ts';
import { meetingViews } from '../meeting-view.ts';
import type { Deps } from '../ports.ts';
import { act } from './act.ts';

/** The form field of each role's address. */
export const ADDRESS_FIELD: Record<MailRole, string> = {
  participant: 'participantEmail',
  caseOfficer: 'caseOfficerEmail',
  supervisor: 'supervisorEmail',
};

/** The address of a role on the case. */
export function addressOf(c: CaseRecord, who: MailRole): string | undefined {
  return who === 'participant'
    ? c.participant.email
    : who === 'caseOfficer'
      ? c.caseOfficer.email
      : c.supervisor?.email;
}

/**
 * The coordinator corrects (or confirms) each address that mail could not reach. The problem is
 * resolved, and every invitation to a meeting still ahead that went to that person goes to them
 * again: the same UID and SEQUENCE, so it lands on the same event if it did arrive after all.
 */
export async function correctAddress(
  deps: Deps,
  p: Principal,
  caseId: string,
  form: Record<string, string | undefined>,
) {
  return act(deps, p, caseId, 'correctAddress', {
    same: (c) => openMailProblems(c).length === 0 && !!c.mailProblems?.length,
    apply: (c, ctx) => {
      const open = openMailProblems(c);
      if (!open.length) {
        if (c.mailProblems?.length) return; // corrected already: the same form again
        throw new StepNotWaitingError('No address to correct', 'noMailProblem');
      }
      const issues: FieldIssue[] = [];
      const values = new Map<MailRole, string>();
      for (const who of new Set(open.map((x) => x.who))) {
        const field = ADDRESS_FIELD[who];
        const v = (form[field] ?? '').trim().toLowerCase();
        if (!v) issues.push({ field, code: 'required' });
        else if (!isDeliverableAddress(v) || v.length > 254) issues.push({ field, code: 'format' });
        else values.set(who, v);
      }
      if (issues.length) throw new ValidationError(issues);
      const at = new Date(ctx.now).toISOString();
      for (const [who, email] of values) {
        if (who === 'participant') c.participant.email = email;
        else if (who === 'caseOfficer') c.caseOfficer.email = email;
        else if (c.supervisor) c.supervisor.email = email;
      }
      for (const x of c.mailProblems ?? [])
        if (!x.resolvedAt && values.has(x.who)) {
          x.resolvedAt = at;
          x.resolvedBy = p.sub;
        }
      const ahead = meetingViews(c).filter(
        (m) =>
          !m.cancelled &&
          !m.done &&
          Date.parse(m.start) > ctx.now &&
          m.invitationSentForSequence === m.sequence,
      );
      const resends = [...(c.resends ?? [])];
      for (const who of values.keys())
        for (const m of ahead)
          if (m.attendees.includes(who))
            resends.push({ meetingId: m.meetingId, sequence: m.sequence, who, at });
      c.resends = resends.slice(-20);
    },
  });
}
