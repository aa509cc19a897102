import { type CaseRecord, type MailRole, openMailProblems } from '../case.ts';
import { NotFoundError } from '../errors.ts';
import { addressProblemNotice } from '../messages.ts';
import type { Deps } from '../ports.ts';
import { sendOnce } from './outbox.ts';
import { unitOf } from './places.ts';
import { updateCase } from './update-case.ts';

/**
 * What the mail service reports after a mail left: a permanent bounce (the address cannot
 * receive mail) or a complaint (the recipient marked it as spam). Either marks the address on the
 * case as undeliverable and puts "check the e-mail address" on the coordinators' list (and in
 * their mail). A transient bounce is the mail service's own business: it retries.
 */
export interface MailEvent {
  caseId: string;
  kind: 'bounce' | 'complaint';
  /** A bounce that will not go away (SES bounceType Permanent); complaints are always permanent. */
  permanent: boolean;
  /** The recipients it is about (matched against the case's addresses; never logged or stored). */
  recipients: string[];
}

/** The roles on the case whose address is one of these. */
export function rolesOf(c: CaseRecord, addresses: readonly string[]): MailRole[] {
  const set = new Set(addresses.map((a) => a.trim().toLowerCase()));
  const roles: MailRole[] = [];
  if (set.has(c.participant.email.toLowerCase())) roles.push('participant');
  if (set.has(c.caseOfficer.email.toLowerCase())) roles.push('caseOfficer');
  if (c.supervisor && set.has(c.supervisor.email.toLowerCase())) roles.push('supervisor');
  return roles;
}

export async function recordMailEvent(deps: Deps, e: MailEvent): Promise<{ marked: MailRole[] }> {
  if (e.kind === 'bounce' && !e.permanent) return { marked: [] };
  const now = deps.clock.now();
  const at = new Date(now).toISOString();
  let result: Awaited<ReturnType<typeof updateCase>>;
  try {
    result = await updateCase(deps.repo, e.caseId, now, (x) => {
      const open = openMailProblems(x);
      const fresh = rolesOf(x, e.recipients).filter((who) => !open.some((p) => p.who === who));
      if (!fresh.length) return undefined;
      x.mailProblems = [...(x.mailProblems ?? []), ...fresh.map((who) => ({ who, kind: e.kind, at }))].slice(
        -20,
      );
      return x;
    });
  } catch (err) {
    // A mail about a case that is gone (erased, or a tag that names none) marks nothing.
    if (err instanceof NotFoundError) return { marked: [] };
    throw err;
  }
  const { after, changed } = result;
  if (!changed) return { marked: [] };
  const marked = openMailProblems(after).filter((p) => p.at === at);
  const to = (await unitOf(deps, after.unitId))?.coordinatorEmails ?? [];
  for (const p of marked)
    if (to.length)
      await sendOnce(deps, { caseId: after.caseId, key: `mailProblem:${p.who}:${p.at}` }, () =>
        addressProblemNotice(after, p.who, p.kind, to, deps.baseUrl),
      );
  return { marked: marked.map((p) => p.who) };
}
