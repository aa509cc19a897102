import { randomUUID } from 'node:crypto';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { buildMime, type OutgoingMail, parseAddress } from './mime.ts';

export type { OutgoingMail } from './mime.ts';

// A dynamic import, not a static one: deps.ts loads this module with `import()` on the first
// message, and esbuild would hoist a static import of an external package (the Lambda runtime's
// @aws-sdk/*) to the top of the single-file bundle, loading SES at every cold start.
const ses = await import('@aws-sdk/client-sesv2');

/** Timeouts of an SDK client's HTTP requests, in ms. */
export interface SdkTimeouts {
  /** Time to establish the connection. */
  connectionTimeout: number;
  /** Time without a response once the request is sent. */
  requestTimeout: number;
}

/** SES: a slow SES fails the step (and Step Functions retries) instead of hanging the function. */
export const SES_TIMEOUTS: SdkTimeouts = { requestTimeout: 5_000, connectionTimeout: 2_000 };

export interface Mailer {
  /** Sends one message; resolves with the SES message id (SES replaces the Message-ID header with its own). */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

export function createSesMailer(opts: {
  client: SESv2Client;
  from: string;
  configurationSet?: string;
  now?: () => Date;
}): Mailer {
  const { client, from, configurationSet } = opts;
  const now = opts.now ?? (() => new Date());
  const { address: fromAddress } = parseAddress(from);
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);

  return {
    async send(mail) {
      const localMessageId = `${randomUUID()}@${domain}`;
      const raw = buildMime(mail, { from, date: now(), messageId: localMessageId });
      const result = await client.send(
        new ses.SendEmailCommand({
          FromEmailAddress: fromAddress,
          Destination: {
            ToAddresses: mail.to.map((a) => parseAddress(a).address),
            ...(mail.cc && mail.cc.length > 0
              ? { CcAddresses: mail.cc.map((a) => parseAddress(a).address) }
              : {}),
          },
          Content: { Raw: { Data: new TextEncoder().encode(raw) } },
          ...(mail.tags ? { EmailTags: emailTags(mail.tags) } : {}),
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        }),
      );
      return { messageId: result.MessageId ?? localMessageId };
    },
  };
}

/** SES message tags: names and values of letters, digits, `_ - . @` only (ids, never personal data). */
export function emailTags(tags: Record<string, string>) {
  const ok = /^[A-Za-z0-9_.@-]{1,256}$/;
  return Object.entries(tags)
    .filter(([k, v]) => ok.test(k) && ok.test(v))
    .map(([Name, Value]) => ({ Name, Value }));
}

/**
 * SESv2 client for Lambda: region from the environment (AWS_REGION), endpoint from the SDK's own
 * AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL handling, short timeouts (SES_TIMEOUTS).
 */
export function createSesClient(timeouts: SdkTimeouts = SES_TIMEOUTS): SESv2Client {
  // A plain-object handler config: the SDK builds its own NodeHttpHandler from it (no second copy in
  // the bundle), and without throwOnRequestTimeout a request timeout only logs a warning.
  return new ses.SESv2Client({
    maxAttempts: 3,
    requestHandler: { ...timeouts, throwOnRequestTimeout: true },
  });
}
