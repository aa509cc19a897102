import type { Server } from 'node:http';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailPort, MailDeliveryError, MailRejectedError } from '#adapters/mail-port';
import { createSesMailer } from '#adapters/mailer';
import { systemClock } from '#core/clock';
import { type Faults, type StoredMail, startMailDesk } from '#local/mail-desk';

/**
 * The local SES's fault switches through the real SES client and mail port: a share of sends
 * failing (500) is a failure a retry can get past (`MailDeliveryError`, which the workflow
 * retries); an address SES refuses for good (400 `MessageRejected`) is not (`MailRejectedError`,
 * which the workflow records on the case at once). The desk counts what each switch did.
 */
let server: Server;
let faults: Faults;
let url: string;
const emails: StoredMail[] = [];

beforeAll(async () => {
  const desk = await startMailDesk({
    host: '127.0.0.1',
    port: 0,
    upstreamSocket: '/nonexistent/ses.sock',
    store: {
      saveEmail: (m) => emails.push(m as StoredMail),
      clearStore: () => emails.splice(0),
      getStoreReadonly: () => ({ emails }),
    },
    onEvent: async () => undefined,
    log: () => undefined,
  });
  server = desk.server;
  faults = desk.faults;
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(async () => {
  await setFaults({ sendFailureRate: 0, rejectMailTo: null, resetCounts: true });
  emails.splice(0);
});

const setFaults = async (f: Record<string, unknown>) =>
  (await (await fetch(`${url}/faults`, { method: 'POST', body: JSON.stringify(f) })).json()) as Faults;

const port = (maxAttempts: number) =>
  createMailPort(
    createSesMailer({
      client: new SESv2Client({
        endpoint: url,
        region: 'eu-north-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts,
      }),
      from: 'Stegvis <no-reply@stegvis.local>',
    }),
    systemClock,
  );

const mail = (to: string) => ({
  to: [to],
  subject: 'Studiebesök',
  text: 'Välkommen.',
  tags: { case: 'abcdefgh1234' },
});

describe('the local SES fault switches', () => {
  it('sends normally with the switches off', async () => {
    await port(1).send(mail('kim@example.se'));
    expect(emails.map((m) => m.destination.to)).toEqual([['kim@example.se']]);
    expect(faults.injected).toEqual({ failedSends: 0, rejectedSends: 0, sends: 1 });
  });

  it('a share of sends failing: a transient MailDeliveryError, nothing stored; counted', async () => {
    expect(await setFaults({ sendFailureRate: 1 })).toMatchObject({ sendFailureRate: 1 });
    const err = await port(2)
      .send(mail('kim@example.se'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailDeliveryError);
    expect((err as Error).name).toBe('MailDeliveryError');
    expect(emails).toHaveLength(0);
    // The SDK tried twice; the desk failed both.
    expect(faults.injected).toEqual({ failedSends: 2, rejectedSends: 0, sends: 2 });
  });

  it('a refused address: MailRejectedError at once (no retry), no address in the error; others still go', async () => {
    const state = await setFaults({ rejectMailTo: ['Kim Fel <KIM.FEL@example.se>'] });
    expect(state.rejectMailTo).toEqual(['kim.fel@example.se']);
    const err = await port(3)
      .send(mail('Kim Fel <kim.fel@example.se>'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailRejectedError);
    expect((err as Error).name).toBe('MailRejectedError');
    expect(String((err as Error).message)).not.toContain('kim.fel');
    // A 400 is not retried by the SDK: one call.
    expect(faults.injected).toMatchObject({ rejectedSends: 1, sends: 1 });
    await port(3).send(mail('kim.ratt@example.se'));
    expect(emails.map((m) => m.destination.to[0])).toEqual(['kim.ratt@example.se']);
    expect((await setFaults({ rejectMailTo: null })).rejectMailTo).toEqual([]);
  });

  it('refuses a bad switch value', async () => {
    const r = await fetch(`${url}/faults`, { method: 'POST', body: JSON.stringify({ rejectMailTo: [1] }) });
    expect(r.status).toBe(400);
    const rate = await fetch(`${url}/faults`, {
      method: 'POST',
      body: JSON.stringify({ sendFailureRate: 2 }),
    });
    expect(rate.status).toBe(400);
  });
});
