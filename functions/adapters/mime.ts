import { randomBytes } from 'node:crypto';
import { isDeliverableAddress } from '#core/forms/email';

/**
 * Raw MIME (RFC 5322 / 2045–2047) builder for SES `SendEmail` with `Content.Raw`. Calendar
 * invitations follow the layout Outlook and Gmail recognise:
 *
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain; charset=utf-8
 *       text/html; charset=utf-8                      (optional)
 *       text/calendar; charset=utf-8; method=REQUEST  (inline, when calendar is given)
 *     application/ics; name="invite.ics"              (attachment, same ICS)
 *
 * Without a calendar the message is multipart/alternative (text + html) or a single text/plain part.
 * All bodies are base64 with 76-character lines; every line ends in CRLF.
 */

export interface OutgoingMail {
  to: string[];
  cc?: string[];
  /** Where a plain reply goes (a person), when the sender is the platform's no-reply address. */
  replyTo?: string;
  /** May contain Swedish letters. */
  subject: string;
  /** Plain text body (UTF-8). */
  text: string;
  html?: string;
  calendar?: { ics: string; method: 'REQUEST' | 'CANCEL'; filename?: string };
  /** Not part of the message: SES message tags, returned in bounce and complaint events. */
  tags?: Record<string, string>;
}

const CRLF = '\r\n';
const DEFAULT_ICS_FILENAME = 'invite.ics';
/** Longest UTF-8 chunk per encoded-word: 39 bytes → 52 base64 chars → 64-char word, so `Subject: ` + word stays under 78. */
const ENCODED_WORD_MAX_BYTES = 39;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export function buildMime(mail: OutgoingMail, opts: { from: string; date: Date; messageId: string }): string {
  if (mail.to.length === 0) throw new Error('E-mail needs at least one recipient');
  if (Number.isNaN(opts.date.getTime())) throw new Error('E-mail date is not a valid date');

  const headers = [
    `From: ${formatAddress(opts.from)}`,
    foldAddressList('To', mail.to),
    ...(mail.cc && mail.cc.length > 0 ? [foldAddressList('Cc', mail.cc)] : []),
    ...(mail.replyTo ? [`Reply-To: ${formatAddress(mail.replyTo)}`] : []),
    `Subject: ${encodeHeaderText(mail.subject)}`,
    `Date: ${formatRfc5322Date(opts.date)}`,
    `Message-ID: ${formatMessageId(opts.messageId)}`,
    'MIME-Version: 1.0',
  ];

  return `${headers.join(CRLF)}${CRLF}${renderPart(bodyTree(mail))}`;
}

/** A MIME entity: its own headers (Content-Type first) and either a leaf body or child parts. */
type Part =
  | { headers: string[]; body: string }
  | { contentType: 'multipart/mixed' | 'multipart/alternative'; parts: Part[] };

function bodyTree(mail: OutgoingMail): Part {
  const alternatives: Part[] = [textPart('text/plain; charset=utf-8', mail.text)];
  if (mail.html !== undefined) alternatives.push(textPart('text/html; charset=utf-8', mail.html));

  if (!mail.calendar) {
    if (alternatives.length === 1) return alternatives[0]!;
    return { contentType: 'multipart/alternative', parts: alternatives };
  }

  const { ics, method } = mail.calendar;
  const filename = safeFilename(mail.calendar.filename);
  alternatives.push({
    headers: [
      `Content-Type: text/calendar; charset=utf-8; method=${method}`,
      'Content-Transfer-Encoding: base64',
    ],
    body: base64Body(ics),
  });
  return {
    contentType: 'multipart/mixed',
    parts: [
      { contentType: 'multipart/alternative', parts: alternatives },
      {
        headers: [
          `Content-Type: application/ics; name="${filename}"`,
          `Content-Disposition: attachment; filename="${filename}"`,
          'Content-Transfer-Encoding: base64',
        ],
        body: base64Body(ics),
      },
    ],
  };
}

function textPart(contentType: string, content: string): Part {
  // Text in canonical form has CRLF line breaks (RFC 2046 §4.1.1), also under base64.
  return {
    headers: [`Content-Type: ${contentType}`, 'Content-Transfer-Encoding: base64'],
    body: base64Body(content.replace(/\r\n|\r|\n/g, CRLF)),
  };
}

/** Renders a part's headers, blank line and body; ends with CRLF. */
function renderPart(part: Part): string {
  if ('body' in part) return `${part.headers.join(CRLF)}${CRLF}${CRLF}${part.body}`;
  const boundary = newBoundary();
  const children = part.parts.map((child) => `--${boundary}${CRLF}${renderPart(child)}`).join('');
  return `Content-Type: ${part.contentType};${CRLF} boundary="${boundary}"${CRLF}${CRLF}${children}--${boundary}--${CRLF}`;
}

function newBoundary(): string {
  // Base64 lines never contain '_' or start with '-', so this can never occur inside a body.
  return `=_stegvis_${randomBytes(16).toString('hex')}`;
}

function base64Body(content: string): string {
  const encoded = Buffer.from(content, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.map((line) => `${line}${CRLF}`).join('');
}

/**
 * Header text as RFC 2047 encoded-words (UTF-8, B encoding) when it is not plain ASCII, folded so
 * every line stays short. Each encoded-word holds whole characters only (RFC 2047 §5).
 */
export function encodeHeaderText(value: string): string {
  const text = value.replace(/[\r\n]+/g, ' ').replace(/[^\P{Cc}\t]/gu, '');
  if (/^[\x20-\x7e]*$/.test(text) && !text.includes('=?') && text.length <= 68) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char, 'utf8') > ENCODED_WORD_MAX_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk !== '' || words.length === 0) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

/**
 * `addr@example.se` or `Display Name <addr@example.se>` → a header-safe mailbox. Non-ASCII display
 * names become encoded-words; ASCII names with specials are quoted.
 */
export function formatAddress(input: string): string {
  const { name, address } = parseAddress(input);
  if (name === undefined || name === '') return address;
  const displayName = /^[\x20-\x7e]*$/.test(name)
    ? /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name)
      ? name
      : `"${name.replace(/[\\"]/g, '\\$&')}"`
    : encodeHeaderText(name);
  return `${displayName} <${address}>`;
}

/** The bare address of `addr@example.se` or `Name <addr@example.se>`. */
export function parseAddress(input: string): { name?: string; address: string } {
  const trimmed = input.trim();
  const angle = /^(.*)<([^<>]+)>$/s.exec(trimmed);
  const name = angle ? angle[1]!.trim().replace(/^"(.*)"$/s, '$1') : undefined;
  const address = (angle ? angle[2]! : trimmed).trim();
  if (!isDeliverableAddress(address) || /[\r\n]/.test(name ?? '')) {
    // The address itself is personal data: keep it out of the message.
    throw new Error('Invalid e-mail address');
  }
  return name === undefined ? { address } : { name, address };
}

function foldAddressList(field: 'To' | 'Cc', addresses: string[]): string {
  return `${field}: ${addresses.map(formatAddress).join(`,${CRLF} `)}`;
}

/** RFC 5322 §3.3 date-time in UTC, e.g. `Tue, 04 Mar 2025 09:05:00 +0000`. */
export function formatRfc5322Date(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${p(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`
  );
}

function formatMessageId(messageId: string): string {
  const bare = messageId.replace(/^<|>$/g, '');
  if (!/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(bare) || /[<>\s]/.test(bare)) {
    throw new Error('Message-ID must look like local-part@domain');
  }
  return `<${bare}>`;
}

function safeFilename(filename: string | undefined): string {
  const clean = (filename ?? '').replace(/[^A-Za-z0-9._-]/g, '');
  return clean === '' || clean.startsWith('.') ? DEFAULT_ICS_FILENAME : clean;
}
