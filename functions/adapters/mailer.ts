import { randomUUID } from 'node:crypto';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { buildMime, type OutgoingMail, parseAddress } from './mime.ts';

export type { OutgoingMail } from './mime.ts';

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
        new SendEmailCommand({
          FromEmailAddress: fromAddress,
          Destination: {
            ToAddresses: mail.to.map((a) => parseAddress(a).address),
            ...(mail.cc && mail.cc.length > 0
              ? { CcAddresses: mail.cc.map((a) => parseAddress(a).address) }
              : {}),
          },
          Content: { Raw: { Data: new TextEncoder().encode(raw) } },
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        }),
      );
      return { messageId: result.MessageId ?? localMessageId };
    },
  };
}

/**
 * SESv2 client for Lambda: region from the environment (AWS_REGION), endpoint from the SDK's own
 * AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL handling, short timeouts so a slow SES fails the
 * step (and Step Functions retries) instead of hanging the function.
 */
export function createSesClient(): SESv2Client {
  return new SESv2Client({
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ requestTimeout: 5_000, connectionTimeout: 2_000 }),
  });
}
