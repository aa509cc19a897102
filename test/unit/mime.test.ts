import ICAL from 'ical.js';
import { type AddressObject, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildIcs } from '../../functions/adapters/ical.ts';
import {
  buildMime,
  encodeHeaderText,
  formatRfc5322Date,
  type OutgoingMail,
} from '../../functions/adapters/mime.ts';

const ics = buildIcs({
  uid: 'case-7-study-visit@stegvis',
  sequence: 1,
  method: 'REQUEST',
  start: new Date('2025-05-12T08:00:00Z'),
  end: new Date('2025-05-12T09:00:00Z'),
  summary: 'Studiebesök på Återbruket',
  description: 'Ta med legitimation.\nVi bjuder på fika; välkommen!',
  location: 'Industrigatan 4, Älmhult',
  organizer: { email: 'handledare@stegvis.se', name: 'Anna Handledare' },
  attendees: [{ email: 'deltagare@example.se', name: 'Åsa Öberg' }],
  stamp: new Date('2025-05-01T10:00:00Z'),
});

const opts = {
  from: 'Stegvis Växjö <noreply@stegvis.se>',
  date: new Date('2025-05-02T07:08:09Z'),
  messageId: '0f9e2c4a-1b2c-4d5e-8f90-123456789abc@stegvis.se',
};

const invite: OutgoingMail = {
  to: ['deltagare@example.se', 'Åsa Öberg <asa@example.se>'],
  cc: ['handledare@stegvis.se'],
  subject: 'Inbjudan: studiebesök på Återbruket i Älmhult – välkommen på måndag! 🌱',
  text: 'Hej!\nVälkommen på studiebesök måndag 12 maj kl. 10.00.\n\nMvh Stegvis',
  html: '<p>Hej!</p><p>Välkommen på <b>studiebesök</b> måndag 12 maj kl. 10.00.</p>',
  calendar: { ics, method: 'REQUEST' },
};

function addresses(value: AddressObject | AddressObject[] | undefined) {
  return [value ?? []].flat().flatMap((a) => a.value.map((v) => ({ name: v.name, address: v.address })));
}

/** Header block of the message (up to the first blank line), unfolded. */
function topHeaders(raw: string): string {
  return raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]/g, ' ');
}

describe('buildMime', () => {
  it('produces a message mailparser reads back: subject with åäö, addresses, date, message id', async () => {
    const parsed = await simpleParser(buildMime(invite, opts));
    expect(parsed.subject).toBe(invite.subject);
    expect(addresses(parsed.from)).toEqual([{ name: 'Stegvis Växjö', address: 'noreply@stegvis.se' }]);
    expect(addresses(parsed.to)).toEqual([
      { name: '', address: 'deltagare@example.se' },
      { name: 'Åsa Öberg', address: 'asa@example.se' },
    ]);
    expect(addresses(parsed.cc)).toEqual([{ name: '', address: 'handledare@stegvis.se' }]);
    expect(parsed.date?.toISOString()).toBe('2025-05-02T07:08:09.000Z');
    expect(parsed.messageId).toBe('<0f9e2c4a-1b2c-4d5e-8f90-123456789abc@stegvis.se>');
    expect(parsed.headers.get('mime-version')).toBe('1.0');
  });

  it('carries the text and html bodies unchanged apart from CRLF line breaks', async () => {
    const parsed = await simpleParser(buildMime(invite, opts));
    expect(parsed.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(invite.text);
    expect(parsed.html).toBe(invite.html);
  });

  it('has the ICS both as the inline text/calendar alternative and as an invite.ics attachment', async () => {
    const parsed = await simpleParser(buildMime(invite, opts));
    const byType = Object.fromEntries(parsed.attachments.map((a) => [a.contentType, a]));
    expect(Object.keys(byType).sort()).toEqual(['application/ics', 'text/calendar']);

    const inline = byType['text/calendar'];
    expect(inline?.content.toString('utf8')).toBe(ics);
    expect(inline?.headers.get('content-type')).toMatchObject({
      value: 'text/calendar',
      params: { charset: 'utf-8', method: 'REQUEST' },
    });

    const file = byType['application/ics'];
    expect(file?.filename).toBe('invite.ics');
    expect(file?.contentDisposition).toBe('attachment');
    expect(file?.content.toString('utf8')).toBe(ics);

    const vevent = new ICAL.Component(ICAL.parse(file?.content.toString('utf8') ?? '')).getFirstSubcomponent(
      'vevent',
    );
    expect(vevent?.getFirstPropertyValue('summary')).toBe('Studiebesök på Återbruket');
  });

  it('nests text, html and calendar in multipart/alternative inside multipart/mixed', () => {
    const raw = buildMime(invite, opts);
    const types = [...raw.matchAll(/^Content-Type: ([^;\r\n]+)/gm)].map((m) => m[1]);
    expect(types).toEqual([
      'multipart/mixed',
      'multipart/alternative',
      'text/plain',
      'text/html',
      'text/calendar',
      'application/ics',
    ]);
    expect(raw).toContain('Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n');
    expect(raw).toContain('Content-Type: application/ics; name="invite.ics"\r\n');
    expect(raw).toContain('Content-Disposition: attachment; filename="invite.ics"\r\n');
    expect(raw).toContain('Content-Type: text/plain; charset=utf-8\r\n');
  });

  it('uses method=CANCEL and a custom, sanitised filename for a cancellation', async () => {
    const mail: OutgoingMail = {
      ...invite,
      calendar: { ics, method: 'CANCEL', filename: 'inställt möte.ics' },
    };
    const raw = buildMime(mail, opts);
    expect(raw).toContain('Content-Type: text/calendar; charset=utf-8; method=CANCEL\r\n');
    const parsed = await simpleParser(raw);
    expect(parsed.attachments.find((a) => a.contentType === 'application/ics')?.filename).toBe(
      'instlltmte.ics',
    );
  });

  it('is CRLF throughout, with short header lines and 76-character base64 lines', () => {
    const raw = buildMime(invite, opts);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw.endsWith('\r\n')).toBe(true);
    expect(/[^\x20-\x7e\r\n]/.test(raw)).toBe(false); // 7-bit clean
    const lines = raw.split('\r\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    const base64Lines = lines.filter((l) => /^[A-Za-z0-9+/]+=*$/.test(l) && l.length > 40);
    expect(base64Lines.length).toBeGreaterThan(10);
    expect(Math.max(...base64Lines.map((l) => l.length))).toBe(76);
  });

  it('writes the required top-level headers', () => {
    const headers = topHeaders(buildMime(invite, opts));
    expect(headers).toMatch(/^From: =\?UTF-8\?B\?[^?]+\?= <noreply@stegvis\.se>$/m);
    expect(headers).toMatch(/^To: deltagare@example\.se, =\?UTF-8\?B\?[^?]+\?= <asa@example\.se>$/m);
    expect(headers).toMatch(/^Cc: handledare@stegvis\.se$/m);
    expect(headers).toMatch(/^Subject: (=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= ?)+$/m);
    expect(headers).toContain('Date: Fri, 02 May 2025 07:08:09 +0000');
    expect(headers).toContain('Message-ID: <0f9e2c4a-1b2c-4d5e-8f90-123456789abc@stegvis.se>');
    expect(headers).toContain('MIME-Version: 1.0');
    expect(headers).toMatch(/^Content-Type: multipart\/mixed; boundary="[^"]+"$/m);
  });

  it('uses fresh random boundaries for every message', () => {
    const boundary = (raw: string) => /boundary="([^"]+)"/.exec(raw)?.[1];
    const a = boundary(buildMime(invite, opts));
    const b = boundary(buildMime(invite, opts));
    expect(a).toMatch(/^=_stegvis_[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it('sends a plain mail as a single text/plain part, and text + html as multipart/alternative', async () => {
    const plain = buildMime({ to: ['a@example.se'], subject: 'Hej', text: 'Bara text, åäö.' }, opts);
    expect(topHeaders(plain)).toContain('Content-Type: text/plain; charset=utf-8');
    expect(topHeaders(plain)).not.toContain('Cc:');
    const parsedPlain = await simpleParser(plain);
    expect(parsedPlain.text?.trimEnd()).toBe('Bara text, åäö.');
    expect(parsedPlain.subject).toBe('Hej');
    expect(parsedPlain.attachments).toEqual([]);

    const alt = buildMime({ to: ['a@example.se'], subject: 'Hej', text: 'Text', html: '<p>Html</p>' }, opts);
    expect(topHeaders(alt)).toMatch(/Content-Type: multipart\/alternative; boundary=/);
    const parsedAlt = await simpleParser(alt);
    expect(parsedAlt.html).toBe('<p>Html</p>');
    expect(parsedAlt.attachments).toEqual([]);
  });

  it('refuses header injection through addresses and flattens newlines in the subject', async () => {
    expect(() => buildMime({ ...invite, to: ['a@example.se\r\nBcc: evil@example.com'] }, opts)).toThrow(
      /Invalid e-mail address/,
    );
    expect(() => buildMime(invite, { ...opts, from: 'x\r\nBcc: evil@example.com <a@b.se>' })).toThrow();
    expect(() => buildMime({ ...invite, to: [] }, opts)).toThrow(/recipient/);
    const parsed = await simpleParser(
      buildMime({ ...invite, subject: 'Rad ett\r\nBcc: evil@example.com' }, opts),
    );
    expect(parsed.subject).toBe('Rad ett Bcc: evil@example.com');
    expect(parsed.bcc).toBeUndefined();
  });
});

describe('header helpers', () => {
  it('encodeHeaderText keeps short ASCII as is and splits UTF-8 only between characters', () => {
    expect(encodeHeaderText('Hello there')).toBe('Hello there');
    const text = 'ÅÄÖ😀'.repeat(12);
    const words = encodeHeaderText(text).split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    const decoded = words.map((w) => {
      const m = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(w);
      if (!m?.[1]) throw new Error(`not an encoded-word: ${w}`);
      expect(w.length).toBeLessThanOrEqual(75);
      const bytes = Buffer.from(m[1], 'base64');
      // Each word must be valid UTF-8 on its own (RFC 2047 §5).
      expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toBeTruthy();
      return bytes.toString('utf8');
    });
    expect(decoded.join('')).toBe(text);
  });

  it('formatRfc5322Date writes day, month and a numeric zone', () => {
    expect(formatRfc5322Date(new Date('2024-02-29T23:05:07Z'))).toBe('Thu, 29 Feb 2024 23:05:07 +0000');
  });
});

describe('Reply-To', () => {
  it('names the person a plain reply reaches, once, and only when given', async () => {
    const raw = buildMime({ ...invite, replyTo: 'Karin Åberg <karin@stadsmissionen.example>' }, opts);
    const headers = topHeaders(raw);
    expect(headers.match(/^Reply-To:/gm)).toHaveLength(1);
    const parsed = await simpleParser(raw);
    expect(addresses(parsed.replyTo)).toEqual([
      { name: 'Karin Åberg', address: 'karin@stadsmissionen.example' },
    ]);
    expect(topHeaders(buildMime(invite, opts))).not.toMatch(/^Reply-To:/m);
  });
});
