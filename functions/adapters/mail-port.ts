import type { Clock } from '#core/clock';
import { DomainError, TransientError } from '#core/errors';
import type { MailPort } from '#core/ports';
import { buildIcs } from './ical.ts';
import type { Mailer } from './mailer.ts';
import { parseAddress } from './mime.ts';
import { transientKind } from './transient.ts';

/** Mail could not be handed to SES for now (a timeout, throttling, a 5xx); the workflow retries the step by this name. */
export class MailDeliveryError extends TransientError {
  override name = 'MailDeliveryError';
}

/**
 * SES refused the message for good (e.g. `MessageRejected`: a recipient the account may not mail,
 * an unverified sender): retrying cannot help, so the workflow records the failure on the case at
 * once for the coordinator to correct, instead of retrying for minutes first.
 */
export class MailRejectedError extends DomainError {
  override name = 'MailRejectedError';
  override readonly status = 422;
}

/**
 * A recipient's address cannot receive mail (refused by the MIME writer): retrying cannot help,
 * so the workflow records the failure on the case for the coordinator to correct.
 */
export class MailAddressError extends DomainError {
  override name = 'MailAddressError';
  override readonly status = 422;
}

/** The domain's MailPort: renders the calendar invite to iCalendar and sends through the mailer. */
export function createMailPort(mailer: Mailer, clock: Clock): MailPort {
  return {
    async send(m) {
      for (const a of [...m.to, ...(m.replyTo ? [m.replyTo] : [])]) {
        try {
          parseAddress(a);
        } catch {
          // The address itself is personal data: the error names no recipient.
          throw new MailAddressError('A recipient address cannot receive mail');
        }
      }
      try {
        return await mailer.send({
          to: m.to,
          ...(m.replyTo ? { replyTo: m.replyTo } : {}),
          subject: m.subject,
          text: m.text,
          html: m.html,
          ...(m.tags ? { tags: { ...m.tags } } : {}),
          calendar: m.calendar
            ? { ics: buildIcs({ ...m.calendar, stamp: new Date(clock.now()) }), method: m.calendar.method }
            : undefined,
        });
      } catch (err) {
        // The SDK error's name only: its message may quote an address.
        const name = (err as Error).name;
        if (transientKind(err))
          throw new MailDeliveryError(`Mail could not be sent: ${name}`, { cause: err });
        throw new MailRejectedError(`Mail refused by SES: ${name}`, { cause: err });
      }
    },
  };
}
