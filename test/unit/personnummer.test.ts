import { describe, expect, it } from 'vitest';
import {
  exampleIdentityNumber,
  formatIdentityNumber,
  type IdentityErrorCode,
  type IdentityKind,
  maskIdentityNumber,
  parseIdentityNumber,
} from '../../functions/core/personnummer.ts';
import { issueText } from '../../functions/web/issue-texts.ts';

// Noon UTC on 2026-11-22 is 2026-11-22 in Sweden as well.
const TODAY = new Date('2026-11-22T12:00:00Z');

// Check digits below were computed by hand with Luhn over YYMMDDNNN (weights 2,1,2,1,…).
describe('parseIdentityNumber: valid numbers', () => {
  const cases: Array<{
    input: string;
    normalized: string;
    birthDate: string;
    kind?: IdentityKind;
    today?: Date;
  }> = [
    // Every accepted form of the same person.
    { input: '811218-9876', normalized: '198112189876', birthDate: '1981-12-18' },
    { input: '8112189876', normalized: '198112189876', birthDate: '1981-12-18' },
    { input: '19811218-9876', normalized: '198112189876', birthDate: '1981-12-18' },
    { input: '198112189876', normalized: '198112189876', birthDate: '1981-12-18' },
    { input: '811218+9876', normalized: '188112189876', birthDate: '1881-12-18' },
    // Surrounding whitespace is trimmed.
    { input: '  811218-9876\t\n', normalized: '198112189876', birthDate: '1981-12-18' },
    { input: '\u00a0198112189876 ', normalized: '198112189876', birthDate: '1981-12-18' },
    // Century choice for 10 digits: most recent year ending in YY that is not after today.
    { input: '121212-1212', normalized: '201212121212', birthDate: '2012-12-12' },
    { input: '121212+1212', normalized: '191212121212', birthDate: '1912-12-12' },
    { input: '301122-1235', normalized: '193011221235', birthDate: '1930-11-22' },
    { input: '261122-1231', normalized: '202611221231', birthDate: '2026-11-22' },
    { input: '261122+1231', normalized: '192611221231', birthDate: '1926-11-22' },
    { input: '261121-1232', normalized: '202611211232', birthDate: '2026-11-21' },
    { input: '261123-1230', normalized: '192611231230', birthDate: '1926-11-23' },
    { input: '261123+1230', normalized: '182611231230', birthDate: '1826-11-23' },
    { input: '010101-1237', normalized: '200101011237', birthDate: '2001-01-01' },
    { input: '991231-1231', normalized: '199912311231', birthDate: '1999-12-31' },
    // 12 digits: the year is taken as given, also when 10 digits would pick another century.
    { input: '19261122-1231', normalized: '192611221231', birthDate: '1926-11-22' },
    { input: '18121212-1212', normalized: '181212121212', birthDate: '1812-12-12' },
    // Leap days.
    { input: '000229-1235', normalized: '200002291235', birthDate: '2000-02-29' },
    { input: '20000229-1235', normalized: '200002291235', birthDate: '2000-02-29' },
    { input: '20200229-1231', normalized: '202002291231', birthDate: '2020-02-29' },
    // Samordningsnummer: day + 60; the normalized number keeps it, the birth date does not.
    {
      input: '900172-1233',
      normalized: '199001721233',
      birthDate: '1990-01-12',
      kind: 'samordningsnummer',
    },
    {
      input: '19900172-1233',
      normalized: '199001721233',
      birthDate: '1990-01-12',
      kind: 'samordningsnummer',
    },
    {
      input: '9001721233',
      normalized: '199001721233',
      birthDate: '1990-01-12',
      kind: 'samordningsnummer',
    },
    {
      input: '261182-1238',
      normalized: '202611821238',
      birthDate: '2026-11-22',
      kind: 'samordningsnummer',
    },
    // Century for a samordningsnummer is decided on the real day (23 Nov is after today).
    {
      input: '261183-1237',
      normalized: '192611831237',
      birthDate: '1926-11-23',
      kind: 'samordningsnummer',
    },
    // Sweden's calendar date decides "today": 23:30 UTC on the 22nd is already the 23rd in Stockholm.
    {
      input: '261123-1230',
      normalized: '202611231230',
      birthDate: '2026-11-23',
      today: new Date('2026-11-22T23:30:00Z'),
    },
    {
      input: '261123-1230',
      normalized: '192611231230',
      birthDate: '1926-11-23',
      today: new Date('2026-11-22T22:59:59Z'),
    },
  ];

  it.each(cases)('$input → $normalized', ({ input, normalized, birthDate, kind, today }) => {
    expect(parseIdentityNumber(input, today ?? TODAY)).toEqual({
      ok: true,
      value: { normalized, birthDate, kind: kind ?? 'personnummer' },
    });
  });

  it('rejects every other check digit for each valid number', () => {
    const valid = [...new Set(cases.map((c) => c.input.trim()))];
    for (const input of valid) {
      const last = Number(input.at(-1));
      for (let digit = 0; digit <= 9; digit++) {
        if (digit === last) continue;
        const wrong = `${input.slice(0, -1)}${digit}`;
        const result = parseIdentityNumber(wrong, TODAY);
        expect(result.ok ? 'ok' : result.code, wrong).toBe('checksum');
      }
    }
  });
});

describe('parseIdentityNumber: invalid numbers', () => {
  const cases: Array<{ input: string; code: IdentityErrorCode; why: string }> = [
    { input: '', code: 'required', why: 'empty' },
    { input: '   \t ', code: 'required', why: 'only whitespace' },
    // Format.
    { input: '811218987', code: 'format', why: '9 digits' },
    { input: '81121898761', code: 'format', why: '11 digits' },
    { input: '1981121898761', code: 'format', why: '13 digits' },
    { input: '811218-987', code: 'format', why: 'too few digits after separator' },
    { input: '81121A-9876', code: 'format', why: 'letter' },
    { input: 'abcdef-ghij', code: 'format', why: 'only letters' },
    { input: '19811218+9876', code: 'format', why: '+ with 12 digits' },
    { input: '81121-89876', code: 'format', why: 'separator too early' },
    { input: '8112189-876', code: 'format', why: 'separator too late' },
    { input: '1981121-89876', code: 'format', why: 'misplaced separator in 12 digits' },
    { input: '811218--9876', code: 'format', why: 'double separator' },
    { input: '811218-+9876', code: 'format', why: 'two separators' },
    { input: '-8112189876', code: 'format', why: 'leading separator' },
    { input: '8112189876-', code: 'format', why: 'trailing separator' },
    { input: '811218 -9876', code: 'format', why: 'space before separator' },
    { input: '8112 18-9876', code: 'format', why: 'space inside date' },
    { input: '811218/9876', code: 'format', why: 'slash separator' },
    { input: '８１１２１８-９８７６', code: 'format', why: 'full-width digits' },
    // Dates.
    { input: '811318-9876', code: 'date', why: 'month 13' },
    { input: '810018-9876', code: 'date', why: 'month 00' },
    { input: '811200-9876', code: 'date', why: 'day 00' },
    { input: '811232-9876', code: 'date', why: 'day 32' },
    { input: '810431-9876', code: 'date', why: 'April 31' },
    { input: '810230-9876', code: 'date', why: 'Feb 30' },
    { input: '19810229-9876', code: 'date', why: 'Feb 29 in a common year' },
    { input: '19000229-1234', code: 'date', why: '1900-02-29 (not a leap year)' },
    { input: '000229+1235', code: 'date', why: '+ moves 2000-02-29 to 1900-02-29' },
    { input: '17991231-1234', code: 'date', why: 'year before 1800' },
    { input: '811250-9876', code: 'date', why: 'day 50 (neither kind)' },
    { input: '811260-9876', code: 'date', why: 'day 60 (samordningsnummer day 0)' },
    { input: '900192-1234', code: 'date', why: 'samordningsnummer day 92' },
    { input: '900491-1234', code: 'date', why: 'samordningsnummer for April 31 (day 91)' },
    { input: '19810289-1234', code: 'date', why: 'samordningsnummer Feb 29 in a common year' },
    // Future.
    { input: '20261123-1230', code: 'future', why: 'tomorrow' },
    { input: '20300101-1234', code: 'future', why: 'future year' },
    { input: '20261183-1237', code: 'future', why: 'samordningsnummer for tomorrow' },
    // Check digit.
    { input: '811218-9875', code: 'checksum', why: 'wrong check digit' },
    { input: '811218-9867', code: 'checksum', why: 'swapped digits' },
    { input: '19811218-9877', code: 'checksum', why: 'wrong check digit, 12 digits' },
    { input: '900172-1234', code: 'checksum', why: 'wrong check digit, samordningsnummer' },
  ];

  it.each(cases)('$why: "$input" → $code', ({ input, code }) => {
    const result = parseIdentityNumber(input, TODAY);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    const { sv, en } = words(result.code);
    expect(sv.length).toBeGreaterThan(10);
    expect(en.length).toBeGreaterThan(10);
    expect(sv).not.toBe(en);
  });

  /** The catalogue's words for an identity-number issue (the rule itself carries a code only). */
  const words = (code: IdentityErrorCode) => ({
    sv: issueText('sv', { field: 'identityNumber', code }),
    en: issueText('en', { field: 'identityNumber', code }),
  });

  it('gives a distinct message per error code, and never echoes the number', () => {
    const byCode = new Map<IdentityErrorCode, { sv: string; en: string }>();
    for (const { input } of cases) {
      const result = parseIdentityNumber(input, TODAY);
      if (result.ok) throw new Error(`expected ${input} to be invalid`);
      const { sv, en } = words(result.code);
      byCode.set(result.code, { sv, en });
      const digits = input.replace(/[^0-9]/g, '');
      for (const message of [sv, en]) {
        expect(message).not.toMatch(/[0-9]{2}/);
        if (input.trim() !== '') expect(message).not.toContain(input.trim());
        if (digits.length >= 4) expect(message).not.toContain(digits.slice(-4));
      }
    }
    expect([...byCode.keys()].sort()).toEqual(['checksum', 'date', 'format', 'future', 'required']);
    expect(new Set([...byCode.values()].map((m) => m.sv)).size).toBe(5);
    expect(new Set([...byCode.values()].map((m) => m.en)).size).toBe(5);
    expect(byCode.get('checksum')).toEqual({
      sv: 'Kontrollsiffran stämmer inte. Kontrollera numret.',
      en: 'The check digit does not match. Please check the number.',
    });
  });

  it('reports a wrong date before a wrong check digit', () => {
    // 811318-9876 fails both; the date is the more useful message.
    expect(parseIdentityNumber('811318-9876', TODAY)).toMatchObject({ ok: false, code: 'date' });
  });

  it('throws on an invalid today', () => {
    expect(() => parseIdentityNumber('811218-9876', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('formatIdentityNumber and maskIdentityNumber', () => {
  const cases = [
    { input: '8112189876', display: '19811218-9876', masked: '19811218-****' },
    { input: '811218+9876', display: '18811218-9876', masked: '18811218-****' },
    { input: '121212-1212', display: '20121212-1212', masked: '20121212-****' },
    { input: '19900172-1233', display: '19900172-1233', masked: '19900172-****' },
  ];

  it.each(cases)('$input → $display / $masked', ({ input, display, masked }) => {
    const result = parseIdentityNumber(input, TODAY);
    if (!result.ok) throw new Error(`expected ${input} to be valid, got ${result.code}`);
    expect(formatIdentityNumber(result.value)).toBe(display);
    expect(maskIdentityNumber(result.value.normalized)).toBe(masked);
  });

  it.each(['', '8112189876', '19811218-9876', '1981121898761', '19811218987X'])(
    'masks a non-normalized value "%s" completely',
    (value) => {
      expect(maskIdentityNumber(value)).toBe('********-****');
    },
  );
});

describe('what people paste', () => {
  it.each([
    ['19811218 9876', 'a space'],
    ['19811218–9876', 'an en dash'],
    ['811218−9876', 'a minus sign'],
    ['811218‑9876', 'a non-breaking hyphen'],
    ['  811218 9876 ', 'spaces around'],
  ])('accepts %s (%s in place of the hyphen)', (input) => {
    expect(parseIdentityNumber(input, TODAY)).toMatchObject({
      ok: true,
      value: { normalized: '198112189876' },
    });
  });

  it.each(['811218 98 76', '8112 18-9876', '811218--9876', '811218 –9876'])('still refuses %s', (input) => {
    expect(parseIdentityNumber(input, TODAY)).toMatchObject({ ok: false, code: 'format' });
  });

  it('refuses the serial number 000, which is never issued, with its own code', () => {
    // 000 with a check digit that would otherwise pass Luhn.
    for (const c of '0123456789')
      expect(parseIdentityNumber(`19811218-000${c}`, TODAY)).toMatchObject({ ok: false, code: 'serial000' });
    expect(parseIdentityNumber('811218-0019', TODAY)).not.toMatchObject({ code: 'serial000' });
  });
});

describe('exampleIdentityNumber', () => {
  it('gives a valid, distinct number per serial, the known one at 987', () => {
    const numbers = [1, 2, 500, 987, 999].map((n) => exampleIdentityNumber(n));
    expect(numbers[3]).toBe('19811218-9876');
    expect(new Set(numbers).size).toBe(5);
    for (const n of numbers) expect(parseIdentityNumber(n, TODAY).ok).toBe(true);
    expect(() => exampleIdentityNumber(0)).toThrow(RangeError);
    expect(() => exampleIdentityNumber(1000)).toThrow(RangeError);
  });
});
