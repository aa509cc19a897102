import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { simpleParser } from 'mailparser';
import type { SesLocalStore } from './mail-store.ts';

/**
 * The local host's SES, on the port `AWS_ENDPOINT_URL_SESV2` names. In front of aws-ses-v2-local
 * (which keeps the store and answers the rest of the SES API on an internal port), it:
 *
 * - takes SendEmail with raw content itself, storing the mail with its message tags and its
 *   calendar parts as sent, in the same store (kept across restarts, see mail-store.ts);
 * - shows the inbox at `/`: each mail's headers, text, HTML part and calendar part;
 * - simulates what SES reports after a send: a bounce or a complaint for a recipient (a button in
 *   the inbox, `POST /simulate`), and at once for SES's own simulator addresses
 *   (bounce@simulator.amazonses.com, complaint@simulator.amazonses.com), handed to the same
 *   handler the EventBridge rule invokes on AWS;
 * - has fault switches for tests (`POST /faults`): a share of sends that fail (500), addresses
 *   SES refuses for good (400 `MessageRejected`), and a crash of the whole host right after a
 *   mail was accepted and before SES answers (the one window no mail service closes). `GET
 *   /faults` shows them with the count of sends each one failed.
 */

export interface StoredMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: { contentType: string; content: string; filename?: string; size?: number }[];
  at: number;
  /** SES message tags as sent (EmailTags). */
  tags?: Record<string, string>;
  /** The text/calendar part(s) as sent, decoded. */
  calendar?: { method: string; ics: string }[];
}

export interface Faults {
  /** 0–1: the share of SendEmail calls that fail with a 500 (SES's InternalFailure). */
  sendFailureRate: number;
  /** Kill the host (SIGKILL) right after the next mail to this address was stored, before answering. */
  crashAfterMailTo?: string;
  /**
   * Addresses SES refuses for good: a send to any of them fails with a 400 `MessageRejected`, as
   * SES answers for a recipient the account may not mail (e.g. an unverified address in the SES
   * sandbox). Nothing is stored.
   */
  rejectMailTo: string[];
  /** What the switches did since the host started (or the counts were reset): for tests to report. */
  injected: { failedSends: number; rejectedSends: number; sends: number };
}

export interface MailDeskOptions {
  host: string;
  port: number;
  /**
   * The Unix socket aws-ses-v2-local listens on. A socket, not a TCP port: an ephemeral port could
   * be one another host on this machine has just chosen as free and not yet bound.
   */
  upstreamSocket: string;
  /** aws-ses-v2-local's store (kept across restarts by mail-store.ts). */
  store: SesLocalStore;
  /** Hands an SES event (EventBridge shape) to the mail-events handler. */
  onEvent: (event: unknown) => Promise<unknown>;
  log: (msg: string, data?: Record<string, unknown>) => void;
  /** Test hook instead of killing the process. */
  crash?: () => void;
}

/** `Name <a@b>` or `a@b` as the bare address, lower case. */
const bareAddress = (a: string) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim().toLowerCase();

const SIMULATOR = {
  bounce: 'bounce@simulator.amazonses.com',
  complaint: 'complaint@simulator.amazonses.com',
};
const MAX_BODY = 25 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw Object.assign(new Error('too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A JSON body, or a 400 for one that is not JSON. */
function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw Object.assign(new Error('not JSON'), { status: 400 });
  }
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** An SES event as EventBridge delivers it (the detail is SES's event-publishing record). */
export function sesEvent(
  kind: 'bounce' | 'complaint',
  mail: Pick<StoredMail, 'messageId' | 'tags' | 'destination'>,
  recipient: string,
) {
  const tags = Object.fromEntries(Object.entries(mail.tags ?? {}).map(([k, v]) => [k, [v]]));
  const common = {
    version: '0',
    source: 'aws.ses',
    account: '000000000000',
    region: 'eu-north-1',
    time: new Date().toISOString(),
    resources: [],
  };
  const m = { messageId: mail.messageId, destination: mail.destination.to, tags };
  return kind === 'bounce'
    ? {
        ...common,
        'detail-type': 'Email Bounced',
        detail: {
          eventType: 'Bounce',
          mail: m,
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: recipient, action: 'failed', status: '5.1.1' }],
            timestamp: new Date().toISOString(),
          },
        },
      }
    : {
        ...common,
        'detail-type': 'Email Complaint Received',
        detail: {
          eventType: 'Complaint',
          mail: m,
          complaint: {
            complainedRecipients: [{ emailAddress: recipient }],
            timestamp: new Date().toISOString(),
          },
        },
      };
}

export function startMailDesk(o: MailDeskOptions): Promise<{ server: Server; faults: Faults }> {
  const faults: Faults = {
    sendFailureRate: 0,
    rejectMailTo: [],
    injected: { failedSends: 0, rejectedSends: 0, sends: 0 },
  };
  const emails = () => o.store.getStoreReadonly().emails as StoredMail[];
  const find = (id: string) => emails().find((e) => e.messageId === id);

  const simulate = async (kind: 'bounce' | 'complaint', mail: StoredMail, recipient: string) => {
    o.log('local inbox: simulated SES event', { kind, messageId: mail.messageId });
    return o.onEvent(sesEvent(kind, mail, recipient));
  };

  /** SESv2 SendEmail with raw content: parse, store with tags and calendar parts, answer. */
  async function sendRaw(body: Record<string, unknown>, res: ServerResponse) {
    faults.injected.sends++;
    if (faults.sendFailureRate > 0 && Math.random() < faults.sendFailureRate) {
      faults.injected.failedSends++;
      res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
      res.end(JSON.stringify({ message: 'Simulated SES failure (local fault switch)' }));
      return;
    }
    const dest0 = (body.Destination ?? {}) as { ToAddresses?: string[]; CcAddresses?: string[] };
    const refused = new Set(faults.rejectMailTo);
    if (
      refused.size > 0 &&
      [...(dest0.ToAddresses ?? []), ...(dest0.CcAddresses ?? [])].some((a) => refused.has(bareAddress(a)))
    ) {
      faults.injected.rejectedSends++;
      // As SES words it, without the address (the caller's logs may keep the message).
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' });
      res.end(
        JSON.stringify({ message: 'Email address is not verified (simulated by the local fault switch).' }),
      );
      return;
    }
    const content = body.Content as { Raw?: { Data?: string } } | undefined;
    const data = content?.Raw?.Data;
    if (typeof data !== 'string' || !data) return json(res, 400, { message: 'Raw content must have data.' });
    const raw = Buffer.from(data, 'base64');
    const parsed = await simpleParser(raw);
    const dest = (body.Destination ?? {}) as { ToAddresses?: string[]; CcAddresses?: string[] };
    const addressesOf = (a: typeof parsed.to) =>
      (Array.isArray(a) ? a : a ? [a] : [])
        .flatMap((x) => x.value.map((v) => v.address ?? ''))
        .filter(Boolean);
    const tags = Object.fromEntries(
      ((body.EmailTags ?? []) as { Name?: string; Value?: string }[])
        .filter((t) => typeof t.Name === 'string' && typeof t.Value === 'string')
        .map((t) => [t.Name as string, t.Value as string]),
    );
    const calendar = parsed.attachments
      .filter((a) => a.contentType === 'text/calendar')
      .map((a) => {
        const ics = a.content.toString('utf8');
        return { method: /^METHOD:(\S+)/m.exec(ics)?.[1] ?? '', ics };
      });
    const mail: StoredMail = {
      messageId: `ses-${randomInt(100_000_000, 999_999_999)}`,
      from: parsed.from?.text ?? '',
      replyTo: parsed.replyTo ? [parsed.replyTo.text] : [],
      destination: {
        to: dest.ToAddresses?.length ? dest.ToAddresses : addressesOf(parsed.to),
        cc: dest.CcAddresses ?? addressesOf(parsed.cc),
        bcc: [],
      },
      subject: parsed.subject ?? '(no subject)',
      body: { text: parsed.text, ...(parsed.html ? { html: parsed.html } : {}) },
      attachments: parsed.attachments.map((a) => ({
        contentType: a.contentType,
        content: a.content.toString('base64'),
        ...(a.filename ? { filename: a.filename } : {}),
        size: a.size,
      })),
      at: Math.floor(Date.now() / 1000),
      ...(Object.keys(tags).length ? { tags } : {}),
      ...(calendar.length ? { calendar } : {}),
    };
    o.store.saveEmail(mail);
    const crashFor = faults.crashAfterMailTo?.toLowerCase();
    if (crashFor && mail.destination.to.some((a) => a.toLowerCase() === crashFor)) {
      // Stored (SES has accepted it) and not yet answered: the sender never learns it went out.
      o.log('local inbox: crashing after an accepted mail (fault switch)', { messageId: mail.messageId });
      (o.crash ?? (() => process.kill(process.pid, 'SIGKILL')))();
      return;
    }
    json(res, 200, { MessageId: mail.messageId });
    for (const [kind, address] of Object.entries(SIMULATOR) as ['bounce' | 'complaint', string][])
      if (mail.destination.to.some((a) => a.toLowerCase() === address))
        setTimeout(() => void simulate(kind, mail, address).catch(() => undefined), 50);
  }

  function proxy(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const r = request(
      {
        socketPath: o.upstreamSocket,
        path: req.url ?? '/',
        method: req.method,
        headers: { ...req.headers, 'content-length': String(body.length) },
      },
      (u) => {
        res.writeHead(u.statusCode ?? 502, u.headers);
        u.pipe(res);
      },
    );
    r.on('error', () => json(res, 502, { message: 'The local SES store is not answering' }));
    r.end(body);
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);
      if (req.method === 'POST' && url.pathname === '/v2/email/outbound-emails') {
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          return json(res, 400, { message: 'Bad Request Exception' });
        }
        if ((parsed.Content as { Raw?: unknown } | undefined)?.Raw) return await sendRaw(parsed, res);
        return proxy(req, res, body);
      }
      if (req.method === 'POST' && url.pathname === '/clear-store') {
        o.store.clearStore();
        if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
          res.writeHead(303, { location: '/' });
          return res.end();
        }
        return json(res, 200, { message: 'Store cleared' });
      }
      if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(inboxPage(emails()));
      }
      const part = /^\/mail\/(ses-\d+)\.(html|ics)$/.exec(url.pathname);
      if (req.method === 'GET' && part) {
        const m = find(part[1] ?? '');
        if (!m) return json(res, 404, { message: 'No such mail' });
        if (part[2] === 'html') {
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            // The mail's HTML as the recipient's client would show it: no scripts, no requests.
            'content-security-policy':
              "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
          });
          return res.end(m.body.html ?? '');
        }
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end((m.calendar ?? []).map((c) => c.ics).join('\n'));
      }
      if (req.method === 'POST' && url.pathname === '/simulate') {
        const form = req.headers['content-type']?.startsWith('application/json')
          ? (jsonOf(body) as Record<string, string>)
          : Object.fromEntries(new URLSearchParams(body.toString('utf8')));
        const kind = form.type === 'complaint' ? 'complaint' : form.type === 'bounce' ? 'bounce' : undefined;
        const m = find(String(form.messageId ?? ''));
        const recipient = String(form.recipient ?? m?.destination.to[0] ?? '');
        if (!kind || !m?.destination.to.includes(recipient))
          return json(res, 400, {
            message: 'Give messageId, a recipient of it, and type bounce or complaint',
          });
        const result = await simulate(kind, m, recipient);
        if (req.headers['content-type']?.startsWith('application/json')) return json(res, 200, { result });
        res.writeHead(303, { location: `/#${m.messageId}` });
        return res.end();
      }
      if (url.pathname === '/faults') {
        if (req.method === 'POST') {
          const f = jsonOf(body) as Partial<Faults> & {
            crashAfterMailTo?: string | null;
          };
          if (f.sendFailureRate !== undefined) {
            const r = Number(f.sendFailureRate);
            if (!(r >= 0 && r <= 1)) return json(res, 400, { message: 'sendFailureRate must be 0–1' });
            faults.sendFailureRate = r;
          }
          if (f.crashAfterMailTo === null) delete faults.crashAfterMailTo;
          else if (typeof f.crashAfterMailTo === 'string') faults.crashAfterMailTo = f.crashAfterMailTo;
          const reject = (f as { rejectMailTo?: unknown }).rejectMailTo;
          if (reject !== undefined) {
            const list = reject === null ? [] : Array.isArray(reject) ? reject : [reject];
            if (!list.every((a): a is string => typeof a === 'string'))
              return json(res, 400, { message: 'rejectMailTo must be an address or a list of them' });
            faults.rejectMailTo = list.map(bareAddress);
          }
          if ((f as { resetCounts?: unknown }).resetCounts === true)
            faults.injected = { failedSends: 0, rejectedSends: 0, sends: 0 };
        }
        return json(res, 200, faults);
      }
      return proxy(req, res, body);
    } catch (err) {
      const status = (err as { status?: number }).status ?? 500;
      if (!res.headersSent)
        json(res, status, { message: status === 413 ? 'Too large' : 'Local inbox error' });
      else res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve({ server, faults }));
  });
}

const fmtTime = (at: number) =>
  new Intl.DateTimeFormat('sv-SE', {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'Europe/Stockholm',
  }).format(new Date(at * 1000));

/** The inbox: newest first, each mail whole (headers, text, HTML part, calendar part). No script. */
export function inboxPage(mails: StoredMail[]): string {
  const items = [...mails].reverse().map((m) => {
    const cal = m.calendar ?? [];
    const summary = (ics: string) => {
      const get = (k: string) => new RegExp(`^${k}[^:\\r\\n]*:(.*)$`, 'm').exec(ics)?.[1]?.trim() ?? '';
      return `METHOD ${get('METHOD')} · UID ${get('UID')} · SEQUENCE ${get('SEQUENCE')} · ${get('DTSTART')}`;
    };
    return `<article id="${esc(m.messageId)}" aria-labelledby="${esc(m.messageId)}-h">
<h2 id="${esc(m.messageId)}-h">${esc(m.subject)}</h2>
<dl>
<dt>Tid / Time</dt><dd>${esc(fmtTime(m.at))}</dd>
<dt>Från / From</dt><dd>${esc(m.from)}</dd>
<dt>Till / To</dt><dd>${esc(m.destination.to.join(', '))}</dd>
${m.replyTo.length ? `<dt>Svar till / Reply-To</dt><dd>${esc(m.replyTo.join(', '))}</dd>` : ''}
${cal.length ? `<dt>Kalender / Calendar</dt><dd>${cal.map((c) => esc(summary(c.ics))).join('<br>')}</dd>` : ''}
<dt>Meddelande-id / Message id</dt><dd>${esc(m.messageId)}</dd>
</dl>
<details><summary>Text</summary><pre>${esc(m.body.text ?? '')}</pre></details>
${m.body.html ? `<p><a href="/mail/${esc(m.messageId)}.html">HTML-delen / The HTML part</a></p>` : ''}
${cal.map((c) => `<details><summary>Kalenderdelen som skickad / The calendar part as sent (${esc(c.method)})</summary><pre>${esc(c.ics)}</pre></details>`).join('\n')}
<details><summary>Simulera studs eller klagomål / Simulate a bounce or complaint</summary>
${m.destination.to
  .map(
    (
      to,
    ) => `<form method="post" action="/simulate"><input type="hidden" name="messageId" value="${esc(m.messageId)}"><input type="hidden" name="recipient" value="${esc(to)}">
<button name="type" value="bounce">Studs / Bounce: ${esc(to)}</button> <button name="type" value="complaint">Klagomål / Complaint: ${esc(to)}</button></form>`,
  )
  .join('\n')}
</details>
</article>`;
  });
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lokal inkorg / Local inbox (${mails.length})</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;max-width:60rem;line-height:1.45;color:#1b1b1b}
article{border-top:2px solid #888;padding:.5rem 0 1rem}h2{font-size:1.15rem;margin:.5rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.25rem 0}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.5rem;font-size:.9rem}
button{font:inherit;margin:.2rem 0;padding:.3rem .6rem}</style></head>
<body><main><h1>Lokal inkorg / Local inbox</h1>
<p>${mails.length} e-postmeddelanden, nyast först. Allt som plattformen har skickat finns här, även efter omstart. / ${mails.length} e-mails, newest first. Everything the platform sent is here, kept across restarts.</p>
<form method="post" action="/clear-store"><button>Töm inkorgen / Empty the inbox</button></form>
${items.join('\n') || '<p>Inga meddelanden än. / No mail yet.</p>'}
</main></body></html>`;
}
