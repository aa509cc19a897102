import fc from 'fast-check';
import { BODY_LIMIT_BYTES } from '#http/security';

/**
 * Generated hostile requests for the fuzz goal (fast-check): form posts built from a route's real
 * form (every field kept, dropped, repeated or replaced by a hostile value: wrong types, huge
 * values, odd Unicode with lone surrogates, NUL and direction marks), the same as JSON,
 * multipart and garbage content types, raw bodies with bad percent-encoding and invalid UTF-8,
 * hostile query strings and path segments, and bodies over the limit (announced, sent whole, or
 * chunked). Each input names its kind; the goal judges the answer by kind.
 */
export type Kind =
  | 'form'
  | 'form-raw'
  | 'json'
  | 'multipart'
  | 'garbage'
  | 'query'
  | 'path'
  | 'path-bad'
  | 'oversize'
  | 'no-origin';

export interface FuzzInput {
  kind: Kind;
  /** Path parameter values as they go on the wire (already encoded), or the valid ones. */
  segments?: Record<string, string>;
  /** Query string without `?`, as sent. */
  query: string;
  contentType?: string;
  body?: Buffer;
  /** Over the limit: announced only, sent whole, or sent in chunks. */
  oversize?: { mode: 'declared' | 'sent' | 'chunked'; bytes: number };
  /** Whether the request carries the app's Origin (posts need it). */
  origin: boolean;
}

const ODD = [
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  '\u0000',
  '\u202E', // right-to-left override
  '\u200F', // right-to-left mark
  '\u200B',
  '\uFEFF',
  'e\u0301',
  '𝕏',
  '👩‍👩‍👧',
  'Å',
  '\r\n',
  '\t',
  '<',
  '>',
  '"',
  "'",
  '%',
  '&',
  '=',
  '+',
  ';',
  '\\',
  '/',
];

const TRICKY = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '9007199254740993',
  '0x1F',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '2026-02-30',
  '9999-12-31',
  '0000-00-00',
  '1970-01-01',
  '24:00',
  '25:61',
  '23:59',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
  '%ZZ',
  '$' + '{7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'a@b',
  '@',
  'x@example.se\r\nBcc: y@example.se',
  '19811218-9876',
  '000000-0000',
];

/** A hostile value of a usual size: any text, full Unicode, odd characters, tricky literals, numbers. */
export const hostileShort: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...ODD), maxLength: 30 }), weight: 3 },
  { arbitrary: fc.constantFrom(...TRICKY), weight: 4 },
  { arbitrary: fc.integer().map(String), weight: 1 },
  { arbitrary: fc.double().map(String), weight: 1 },
);

/** A huge value: one character repeated up to 40,000 times (a form with one is often over the limit). */
export const huge: fc.Arbitrary<string> = fc
  .record({
    ch: fc.constantFrom('a', 'å', '😀', '\u0000', '9', ' ', '\uD800', '\u202E'),
    n: fc.integer({ min: 500, max: 40_000 }),
  })
  .map(({ ch, n }) => ch.repeat(n));

/** Any hostile value, now and then a huge one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hostileShort, weight: 20 },
  { arbitrary: huge, weight: 1 },
);

const KNOWN_QUERY = [
  'lang',
  'next',
  'after',
  'page',
  'limit',
  'status',
  'returnTo',
  'code',
  'state',
  'done',
  'result',
  'submitted',
  'saved',
  'moved',
  'overfull',
  'flag',
  'sort',
  'unit',
  'phase',
];

const hostileKey = fc.oneof(
  fc.constantFrom(...KNOWN_QUERY, '__proto__', 'constructor', 'hasOwnProperty', '', 'a[]', 'a[b]'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Wrong types for JSON bodies. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }), weight: 1 },
  { arbitrary: fc.object({ maxDepth: 2, maxKeys: 3 }), weight: 1 },
);

/** Percent-encodes as a browser would, but a lone surrogate as invalid UTF-8 bytes. */
function encodeLoose(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += encodeURIComponent(s[i] + (s[i + 1] as string));
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff)
      out += `%ED%${(0xa0 + ((c >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 + (c & 0x3f)).toString(16).toUpperCase()}`;
    else out += encodeURIComponent(s[i] as string);
  }
  return out;
}

const BAD_ESCAPES = [
  '%',
  '%Z',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF',
  '%F0%9F',
  '%%',
  '%u0041',
  '%0',
];

/** A raw body or query of pairs where values may carry bad percent-encoding and invalid UTF-8. */
const rawPairs = (keys: string[]) =>
  fc
    .array(
      fc.tuple(
        keys.length ? fc.oneof(fc.constantFrom(...keys), hostileKey) : hostileKey,
        fc.oneof(
          hostileShort.map(encodeLoose),
          fc.constantFrom(...BAD_ESCAPES),
          fc
            .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...BAD_ESCAPES))
            .map(([a, b]) => `${encodeLoose(a)}${b}`),
        ),
      ),
      { maxLength: 8 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${encodeLoose(k)}=${v}`).join('&'));

/** A form: the route's real fields kept, dropped, repeated or replaced, plus hostile extras. */
function formEntries(template: Record<string, string>): fc.Arbitrary<[string, string][]> {
  const keys = Object.keys(template);
  return fc
    .record({
      // At least one of the form's own fields is hostile (or gone), so a valid form is rare and
      // the validation is what is exercised.
      replace: fc.subarray(keys, { minLength: keys.length ? 1 : 0 }),
      values: fc.array(hostileString, { minLength: keys.length, maxLength: keys.length }),
      drop: fc.subarray(keys),
      repeat: fc.subarray(keys, { maxLength: Math.min(2, keys.length) }),
      extra: fc.array(fc.tuple(hostileKey, hostileString), { maxLength: 3 }),
    })
    .map(({ replace, values, drop, repeat, extra }) => {
      const out: [string, string][] = [];
      keys.forEach((k, i) => {
        if (drop.includes(k) && !replace.includes(k)) return;
        const v = replace.includes(k) ? (values[i] ?? '') : (template[k] ?? '');
        out.push([k, v]);
        if (repeat.includes(k)) out.push([k, values[i] ?? '']);
      });
      return [...out, ...extra];
    });
}

function multipart(entries: [string, string][], boundary: string): string {
  return `${entries
    .map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('')}--${boundary}--\r\n`;
}

const GARBAGE_TYPES = [
  'application/octet-stream',
  'text/plain',
  'application/xml',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded; charset=latin1',
  'multipart/form-data',
  'text/html',
  '',
  ';;;',
  'application/jsonx',
  'application/x-www-form-urlencoded\u00e5',
];

export interface RouteShape {
  method: 'GET' | 'POST';
  /** The path's parameter names, in order. */
  params: string[];
  /** The route's form (field → a valid value), when it has one. */
  template: Record<string, string>;
}

/** Every kind of hostile input for a route. */
export function inputArb(r: RouteShape): fc.Arbitrary<FuzzInput> {
  const entries = formEntries(r.template);
  const keys = Object.keys(r.template);
  const noQuery = fc.constant('');
  const query = fc.oneof(
    { arbitrary: noQuery, weight: 3 },
    {
      arbitrary: fc
        .array(fc.tuple(hostileKey, hostileShort), { maxLength: 5 })
        .map((p) => new URLSearchParams(p).toString()),
      weight: 1,
    },
  );
  const body = (contentType: string, b: string | Buffer) => ({ contentType, body: Buffer.from(b) });
  const kinds: { arbitrary: fc.Arbitrary<FuzzInput>; weight: number }[] = [
    {
      weight: 30,
      arbitrary: fc.record({ e: entries, q: query }).map(
        ({ e, q }): FuzzInput => ({
          kind: 'form',
          query: q,
          origin: true,
          ...body('application/x-www-form-urlencoded', new URLSearchParams(e).toString()),
        }),
      ),
    },
    {
      weight: 10,
      arbitrary: rawPairs(keys).map(
        (b): FuzzInput => ({
          kind: 'form-raw',
          query: '',
          origin: true,
          ...body('application/x-www-form-urlencoded', b),
        }),
      ),
    },
    {
      weight: 15,
      arbitrary: fc
        .oneof(
          {
            arbitrary: entries
              .chain((e) =>
                fc.tuple(
                  fc.constant(e),
                  fc.array(jsonValue, { minLength: e.length, maxLength: e.length }),
                  fc.boolean(),
                ),
              )
              .map(([e, typed, wrong]) =>
                JSON.stringify(Object.fromEntries(e.map(([k, v], i) => [k, wrong ? typed[i] : v]))),
              ),
            weight: 3,
          },
          { arbitrary: jsonValue.map((v) => JSON.stringify(v) ?? 'undefined'), weight: 1 },
          { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `{"${s}`), weight: 1 },
        )
        .map((b): FuzzInput => ({ kind: 'json', query: '', origin: true, ...body('application/json', b) })),
    },
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          entries,
          fc.string({ unit: fc.constantFrom(..."abcXYZ019-_=+.()/:?' "), minLength: 1, maxLength: 30 }),
        )
        .map(
          ([e, boundary]): FuzzInput => ({
            kind: 'multipart',
            query: '',
            origin: true,
            ...body(
              `multipart/form-data; boundary=${boundary.replace(/[\r\n]/g, '')}`,
              multipart(e, boundary),
            ),
          }),
        ),
    },
    {
      weight: 8,
      arbitrary: fc
        .tuple(
          fc.oneof(fc.constantFrom(...GARBAGE_TYPES), fc.string({ unit: 'binary-ascii', maxLength: 30 })),
          fc.uint8Array({ maxLength: 400 }),
        )
        .map(
          ([t, bytes]): FuzzInput => ({
            kind: 'garbage',
            query: '',
            origin: true,
            // Header values cannot carry control characters on the wire (the client refuses them).
            contentType: t.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, ''),
            body: Buffer.from(bytes),
          }),
        ),
    },
    {
      weight: 12,
      arbitrary: fc
        .oneof(
          fc
            .array(fc.tuple(hostileKey, hostileShort), { maxLength: 6 })
            .map((p) => new URLSearchParams(p).toString()),
          rawPairs(KNOWN_QUERY),
          // Long query strings, some over Node's 16 KiB limit for the request line and headers (431).
          fc.integer({ min: 2_000, max: 24_000 }).map((n) => `lang=${'x'.repeat(n)}`),
        )
        .map((q): FuzzInput => ({ kind: 'query', query: q, origin: true })),
    },
    {
      weight: 4,
      arbitrary: fc
        .record({
          mode: fc.constantFrom('declared' as const, 'sent' as const, 'chunked' as const),
          extra: fc.integer({ min: 1, max: 40_000 }),
        })
        .map(
          ({ mode, extra }): FuzzInput => ({
            kind: 'oversize',
            query: '',
            origin: true,
            contentType: 'application/x-www-form-urlencoded',
            oversize: { mode, bytes: BODY_LIMIT_BYTES + extra },
          }),
        ),
    },
  ];
  if (r.method === 'POST')
    kinds.push({
      weight: 2,
      arbitrary: entries.map(
        (e): FuzzInput => ({
          kind: 'no-origin',
          query: '',
          origin: false,
          ...body('application/x-www-form-urlencoded', new URLSearchParams(e).toString()),
        }),
      ),
    });
  if (r.params.length > 0) {
    const segment = fc.oneof(
      { arbitrary: hostileShort.map(encodeURIComponentSafe), weight: 4 },
      {
        arbitrary: fc.constantFrom(
          '%00',
          '%2F',
          '..',
          '%2e%2e',
          '.',
          'a%2Fb',
          '%20',
          '+',
          'AAAAAAAAAAAAAAAAAAAAAA',
          'case-abc123-1',
          'ab',
          'a'.repeat(41),
        ),
        weight: 2,
      },
      { arbitrary: fc.integer({ min: 2_000, max: 24_000 }).map((n) => 'a'.repeat(n)), weight: 1 },
    );
    const bad = fc
      .tuple(fc.string({ unit: 'binary-ascii', maxLength: 8 }), fc.constantFrom(...BAD_ESCAPES))
      .map(([a, b]) => `${encodeURIComponent(a)}${b}`);
    const which = fc.constantFrom(...r.params);
    kinds.push(
      {
        weight: 10,
        arbitrary: fc.tuple(which, segment, entries).map(
          ([p, s, e]): FuzzInput => ({
            kind: 'path',
            segments: { [p]: s },
            query: '',
            origin: true,
            ...(r.method === 'POST'
              ? body('application/x-www-form-urlencoded', new URLSearchParams(e).toString())
              : {}),
          }),
        ),
      },
      {
        weight: 4,
        arbitrary: fc
          .tuple(which, bad)
          .map(([p, s]): FuzzInput => ({ kind: 'path-bad', segments: { [p]: s }, query: '', origin: true })),
      },
    );
  }
  return fc.oneof(...kinds);
}

/** encodeURIComponent, with lone surrogates as invalid UTF-8 (which the server must refuse, 400). */
function encodeURIComponentSafe(s: string): string {
  return encodeLoose(s);
}

/** Whether the server can decode a path segment as sent (otherwise: 400). */
export function decodable(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}
