import * as z from 'zod/mini';
import { getDeps } from '#adapters/deps';
import { logger } from '#adapters/logger';
import { type MailEvent, recordMailEvent } from '#core/use-cases/mail-events';

/**
 * SES's bounce and complaint events (the configuration set publishes them to EventBridge; the
 * local host sends the same shape when its inbox simulates one). The mail's `case` tag names the
 * case; the recipients are matched against its addresses and never logged.
 */
const Recipients = z.optional(z.array(z.object({ emailAddress: z.string() })));
const SesEvent = z.object({
  detail: z.object({
    eventType: z.string(),
    mail: z.object({ tags: z.optional(z.record(z.string(), z.array(z.string()))) }),
    bounce: z.optional(z.object({ bounceType: z.optional(z.string()), bouncedRecipients: Recipients })),
    complaint: z.optional(z.object({ complainedRecipients: Recipients })),
  }),
});

/** The event as the domain reads it, or undefined for one it does not act on. */
export function mailEventOf(event: unknown): MailEvent | undefined {
  const parsed = z.safeParse(SesEvent, event);
  if (!parsed.success) return undefined;
  const d = parsed.data.detail;
  const caseId = d.mail.tags?.case?.[0];
  if (!caseId || !/^[a-z0-9]{8,40}$/.test(caseId)) return undefined;
  if (d.eventType === 'Bounce' && d.bounce)
    return {
      caseId,
      kind: 'bounce',
      permanent: d.bounce.bounceType === 'Permanent',
      recipients: (d.bounce.bouncedRecipients ?? []).map((r) => r.emailAddress),
    };
  if (d.eventType === 'Complaint' && d.complaint)
    return {
      caseId,
      kind: 'complaint',
      permanent: true,
      recipients: (d.complaint.complainedRecipients ?? []).map((r) => r.emailAddress),
    };
  return undefined;
}

export const handler = async (event: unknown) => {
  const e = mailEventOf(event);
  if (!e) {
    logger.info('mail event ignored');
    return { marked: [] };
  }
  const result = await recordMailEvent(getDeps(), e);
  logger.info('mail event', {
    caseId: e.caseId,
    kind: e.kind,
    permanent: e.permanent,
    marked: result.marked,
  });
  return result;
};
