import type { Clock } from '#core/clock';
import { TransientError } from '#core/errors';
import type { MailPort } from '#core/ports';
import { buildIcs } from './ical.ts';
import type { Mailer } from './mailer.ts';

/** Mail could not be handed to SES; the workflow retries the step by this name. */
export class MailDeliveryError extends TransientError {
  override name = 'MailDeliveryError';
}

/** The domain's MailPort: renders the calendar invite to iCalendar and sends through the mailer. */
export function createMailPort(mailer: Mailer, clock: Clock): MailPort {
  return {
    async send(m) {
      try {
        return await mailer.send({
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
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
