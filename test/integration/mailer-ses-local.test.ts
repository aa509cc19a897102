import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import startSesLocal from 'aws-ses-v2-local';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildIcs, type CalendarEvent } from '../../functions/adapters/ical.ts';
import { createSesClient, createSesMailer, type OutgoingMail } from '../../functions/adapters/mailer.ts';

/** One e-mail as aws-ses-v2-local 2.x keeps it after re-parsing a raw message with mailparser. */
interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: {
    content: string; // base64 of the decoded part
    contentType: string;
    contentDisposition?: string;
    filename?: string;
    partId?: string;
    size: number;
  }[];
  at: number; // epoch seconds
}

let server: Server;
let endpoint: string;

async function store(since?: number): Promise<StoredEmail[]> {
  const res = await fetch(`${endpoint}/store${since === undefined ? '' : `?since=${since}`}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { templates: Record<string, unknown>; emails: StoredEmail[] };
  return body.emails;
}

async function stored(messageId: string): Promise<StoredEmail> {
  const email = (await store()).find((e) => e.messageId === messageId);
  if (!email) throw new Error(`message ${messageId} not in the aws-ses-v2-local store`);
  return email;
}

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => {
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
  });
}

function close(s: Server): Promise<void> {
  return new Promise((resolve, reject) => s.close((err) => (err ? reject(err) : resolve())));
}

const meeting: CalendarEvent = {
  uid: 'case-0193-study-visit@stegvis',
  sequence: 0,
  method: 'REQUEST',
  start: new Date('2025-06-10T07:00:00Z'),
  end: new Date('2025-06-10T08:30:00Z'),
  summary: 'Studiebesök på Återbruket',
  description: 'Ta med legitimation.\nFika; kaffe, te & kanelbulle.',
  location: 'Industrigatan 4, 343 31 Älmhult',
  organizer: { email: 'handledare@stegvis.se', name: 'Anna Handledare' },
  attendees: [
    { email: 'deltagare@example.se', name: 'Åsa Öberg' },
    { email: 'arbetsgivare@example.se', name: 'Återbruket, Älmhult', role: 'OPT-PARTICIPANT' },
  ],
  stamp: new Date('2025-06-01T09:00:00Z'),
};

function localClient(): SESv2Client {
  return new SESv2Client({
    endpoint,
    region: 'eu-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Decodes a stored calendar part and reads it with ical.js (registering its own VTIMEZONE). */
function readCalendar(base64: string) {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vtimezone = calendar.getFirstSubcomponent('vtimezone');
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vtimezone || !vevent) throw new Error('calendar without VTIMEZONE or VEVENT');
  ICAL.TimezoneService.register(vtimezone);
  const instant = (name: string) => {
    const value = vevent.getFirstPropertyValue(name);
    if (!(value instanceof ICAL.Time)) throw new Error(`${name} is not a date-time`);
    return value.toJSDate().toISOString();
  };
  return { text, calendar, vevent, instant };
}

beforeAll(async () => {
  server = await startSesLocal({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cleared = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  expect(cleared.status).toBe(200);
});

afterAll(async () => {
  if (server) await close(server);
});

afterEach(() => {
  vi.unstubAllEnvs();
  ICAL.TimezoneService.reset();
});

describe('createSesMailer against aws-ses-v2-local', () => {
  it('delivers an invitation whose calendar arrives byte-for-byte and reads back in ical.js', async () => {
    const ics = buildIcs(meeting);
    const mail: OutgoingMail = {
      to: ['Åsa Öberg <deltagare@example.se>', 'arbetsgivare@example.se'],
      cc: ['handledare@stegvis.se'],
      subject: 'Inbjudan: studiebesök på Återbruket i Älmhult',
      text: 'Hej!\nVälkommen på studiebesök tisdag 10 juni kl. 09.00.',
      html: '<p>Hej!</p><p>Välkommen på studiebesök tisdag 10 juni kl. 09.00.</p>',
      calendar: { ics, method: 'REQUEST' },
    };
    const before = Math.floor(Date.now() / 1000);
    const mailer = createSesMailer({
      client: localClient(),
      from: 'Stegvis Växjö <noreply@stegvis.se>',
      configurationSet: 'stegvis-local',
      now: () => new Date('2025-06-01T09:00:00Z'),
    });

    const { messageId } = await mailer.send(mail);

    expect(messageId).toMatch(/^ses-\d+$/);
    const email = await stored(messageId);
    expect(email.at).toBeGreaterThanOrEqual(before);
    expect(email.subject).toBe(mail.subject);
    expect(email.from).toBe('"Stegvis Växjö" <noreply@stegvis.se>');
    // aws-ses-v2-local takes recipients from the MIME headers, one joined string per header.
    expect(email.destination).toEqual({
      to: ['"Åsa Öberg" <deltagare@example.se>, arbetsgivare@example.se'],
      cc: ['handledare@stegvis.se'],
      bcc: [],
    });
    expect(email.body.text?.replace(/\r\n/g, '\n')).toBe(mail.text);
    expect(email.body.html).toBe(mail.html);

    expect(email.attachments.map((a) => [a.contentType, a.filename, a.contentDisposition])).toEqual([
      ['text/calendar', undefined, undefined],
      ['application/ics', 'invite.ics', 'attachment'],
    ]);
    for (const part of email.attachments) {
      const { text, calendar, vevent, instant } = readCalendar(part.content);
      expect(text).toBe(ics);
      expect(part.size).toBe(Buffer.byteLength(ics, 'utf8'));
      expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
      expect(vevent.getFirstPropertyValue('uid')).toBe(meeting.uid);
      expect(vevent.getFirstPropertyValue('summary')).toBe(meeting.summary);
      expect(vevent.getFirstPropertyValue('description')).toBe(meeting.description);
      expect(vevent.getFirstPropertyValue('location')).toBe(meeting.location);
      expect(instant('dtstart')).toBe(meeting.start.toISOString());
      expect(instant('dtend')).toBe(meeting.end.toISOString());
      expect(vevent.getAllProperties('attendee').map((a) => a.getParameter('cn'))).toEqual([
        'Åsa Öberg',
        'Återbruket, Älmhult',
      ]);
    }
  });

  it('delivers a moved meeting’s cancellation with the same UID and a higher SEQUENCE', async () => {
    const since = Math.floor(Date.now() / 1000);
    const ics = buildIcs({ ...meeting, method: 'CANCEL', sequence: 2 });
    const mailer = createSesMailer({ client: localClient(), from: 'noreply@stegvis.se' });

    const { messageId } = await mailer.send({
      to: ['deltagare@example.se'],
      subject: 'Inställt: studiebesök',
      text: 'Studiebesöket är inställt.',
      calendar: { ics, method: 'CANCEL', filename: 'cancel.ics' },
    });

    const recent = await store(since);
    const email = recent.find((e) => e.messageId === messageId);
    expect(email?.from).toBe('noreply@stegvis.se');
    expect(email?.body.html).toBeUndefined();
    const file = email?.attachments.find((a) => a.contentType === 'application/ics');
    expect(file?.filename).toBe('cancel.ics');
    const { calendar, vevent } = readCalendar(file?.content ?? '');
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent.getFirstPropertyValue('uid')).toBe(meeting.uid);
    expect(vevent.getFirstPropertyValue('sequence')).toBe(2);
  });
});

describe('createSesClient', () => {
  function stubAwsEnv(url: string) {
    vi.stubEnv('AWS_ENDPOINT_URL_SESV2', url);
    vi.stubEnv('AWS_REGION', 'eu-north-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  }

  it('takes region and endpoint from the standard env and sets timeouts and attempts', async () => {
    stubAwsEnv(endpoint);
    const client = createSesClient();
    const mailer = createSesMailer({ client, from: 'noreply@stegvis.se' });

    const { messageId } = await mailer.send({
      to: ['deltagare@example.se'],
      subject: 'Hej',
      text: 'Bara text.',
    });

    const email = await stored(messageId);
    expect(email.subject).toBe('Hej');
    expect(email.attachments).toEqual([]);
    expect(await client.config.region()).toBe('eu-north-1');
    expect(await client.config.maxAttempts()).toBe(3);
    const handler = client.config.requestHandler;
    if (!(handler instanceof NodeHttpHandler)) throw new Error('expected a NodeHttpHandler');
    expect(handler.httpHandlerConfigs()).toMatchObject({
      requestTimeout: 5_000,
      connectionTimeout: 2_000,
    });
  });

  it('gives up after three attempts when SES keeps failing', async () => {
    let requests = 0;
    const failing = createServer((_req, res) => {
      requests++;
      res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
      res.end('{"message":"boom"}');
    });
    const url = await listen(failing);
    try {
      stubAwsEnv(url);
      const mailer = createSesMailer({ client: createSesClient(), from: 'noreply@stegvis.se' });
      await expect(
        mailer.send({ to: ['deltagare@example.se'], subject: 'Hej', text: 'x' }),
      ).rejects.toThrow();
      expect(requests).toBe(3);
    } finally {
      await close(failing);
    }
  });
});
