import { TransientError } from '../errors.ts';
import type { Deps, MailIntent, OutgoingMessage } from '../ports.ts';

/**
 * Each mail is sent once per intent. The intent (what the mail is for: an invitation of one
 * SEQUENCE to one copy's recipients, a reminder of one period) is claimed in the mail ledger
 * before the mail goes out and marked sent once the mail service has accepted it; a retried task
 * or a restarted host finds it sent and sends nothing.
 *
 * The one window no mail service closes is a crash after the service accepted the mail and
 * before the ledger says so: the claim is then taken over once its lease has run out and the mail
 * goes out once more. A repeated invitation is built from the same record, so it carries the same
 * UID and SEQUENCE and lands on the same calendar event.
 */

/** How long a claim protects a send in progress (virtual time, as the workflow's retries run). */
export const MAIL_LEASE_MS = 20_000;

export type SendOutcome = 'sent' | 'alreadySent';

export async function sendOnce(
  deps: Deps,
  intent: MailIntent,
  build: () => OutgoingMessage | Promise<OutgoingMessage>,
): Promise<SendOutcome> {
  const claim = await deps.repo.claimMail(intent, { now: deps.clock.now(), leaseMs: MAIL_LEASE_MS });
  if (claim === 'sent') return 'alreadySent';
  // Another attempt is sending it now: the workflow retries this step after a pause.
  if (claim === 'busy') throw new TransientError('This mail is being sent by another attempt');
  let messageId: string;
  try {
    ({ messageId } = await deps.mail.send(await build()));
  } catch (err) {
    // Not accepted: give the claim back so the retry sends at once. (A failure to give it back
    // only delays the retry until the lease runs out.)
    await deps.repo.releaseMail(intent).catch(() => undefined);
    throw err;
  }
  await deps.repo.markMailSent(intent, { now: deps.clock.now(), messageId });
  return 'sent';
}
