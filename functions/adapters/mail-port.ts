import type { Clock } from '#core/clock';
import { DomainError, TransientError } from '#core/errors';
import type { MailPort } from '#core/ports';
import { buildIcs } from './ical.ts';
import type { Mailer } from './mailer.ts';
import { parseAddress } from './mime.ts';

/** Mail could not be handed to SES; the workflow retries the step by this name. */
export class MailDeliveryError extends TransientError {
  override name = 'MailDeliveryError';
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
        throw new MailDeliveryError(`Mail could not be sent: ${(err as Error).name}`, { cause: err });
      }
    },
  };
}
