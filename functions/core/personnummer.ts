/**
 * Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer),
 * following Skatteverket's rules. Pure: no AWS, no environment, no system time (`today` is passed in).
 *
 * `today` is an instant; its calendar date is taken in Sweden (Europe/Stockholm), since that is
 * where the number is issued and where "born today" is decided.
 */

export type IdentityKind = 'personnummer' | 'samordningsnummer';

export interface IdentityNumber {
  /** 12 digits, YYYYMMDDNNNC, no separator (for samordningsnummer the day keeps its +60) */
  normalized: string;
  kind: IdentityKind;
  /** Real birth date, YYYY-MM-DD (for samordningsnummer: day - 60) */
  birthDate: string;
}

export type IdentityErrorCode = 'required' | 'format' | 'date' | 'future' | 'serial000' | 'checksum';

export type ParseIdentityResult =
  | { ok: true; value: IdentityNumber }
  | { ok: false; code: IdentityErrorCode };

/** Samordningsnummer add this to the day of month. */
const COORDINATION_DAY_OFFSET = 60;
const MIN_YEAR = 1800;

/** YYMMDD[-+]NNNC or YYMMDDNNNC; ASCII digits only. */
const SHORT_FORM = /^[0-9]{6}[-+]?[0-9]{4}$/;
/** YYYYMMDD-NNNC or YYYYMMDDNNNC; `+` is not allowed with a four-digit year. */
const LONG_FORM = /^[0-9]{8}-?[0-9]{4}$/;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function fail(code: IdentityErrorCode): ParseIdentityResult {
  return { ok: false, code };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDate({ year, month, day }: CalendarDate): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

// Made on first use: building a time-zone formatter costs ~12 ms, at every cold start otherwise.
let stockholmDate: Intl.DateTimeFormat | undefined;
const stockholmFormatter = () =>
  (stockholmDate ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }));

/** The calendar date of an instant in Sweden. */
function swedishCalendarDate(instant: Date): CalendarDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError('parseIdentityNumber: today is an invalid Date');
  const parts = stockholmFormatter().formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/**
 * A valid made-up number for demos and tests: born on `birthDate` (YYYYMMDD), serial 1–999. Each
 * serial is a different person, so meetings and clashes behave as they would for real people.
 */
export function exampleIdentityNumber(serial: number, birthDate = '19811218'): string {
  if (!Number.isInteger(serial) || serial < 1 || serial > 999) throw new RangeError('serial must be 1–999');
  const nine = `${birthDate.slice(2)}${String(serial).padStart(3, '0')}`;
  return `${birthDate}-${nine.slice(6)}${luhnCheckDigit(nine)}`;
}

/** Luhn check digit over YYMMDDNNN (weights 2,1,2,1,…). */
function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

export function parseIdentityNumber(input: string, today: Date): ParseIdentityResult {
  // What people paste: a space, an en dash or another dash in place of the hyphen.
  const text =
    typeof input === 'string'
      ? input
          .trim()
          .replace(/[\u2010-\u2015\u2212\uFE63\uFF0D]/g, '-')
          .replace(/^(\d{6}|\d{8})\s+(\d{4})$/, '$1-$2')
      : '';
  if (text === '') return fail('required');

  let digits: string;
  let plus = false;
  if (SHORT_FORM.test(text)) {
    plus = text.includes('+');
    digits = text.replace(/[-+]/, '');
  } else if (LONG_FORM.test(text)) {
    digits = text.replace('-', '');
  } else {
    return fail('format');
  }

  const todayDate = swedishCalendarDate(today);
  // The last ten digits are YYMMDDNNNC in both forms.
  const tail = digits.slice(-10);
  const month = Number(tail.slice(2, 4));
  const day = Number(tail.slice(4, 6));
  const kind: IdentityKind = day > COORDINATION_DAY_OFFSET ? 'samordningsnummer' : 'personnummer';
  const realDay = kind === 'samordningsnummer' ? day - COORDINATION_DAY_OFFSET : day;

  let year: number;
  if (digits.length === 12) {
    year = Number(digits.slice(0, 4));
  } else {
    // Most recent year ending in YY whose (real) date is not after today...
    const yy = Number(tail.slice(0, 2));
    year = todayDate.year - (((todayDate.year % 100) - yy + 100) % 100);
    if (compareDates({ year, month, day: realDay }, todayDate) > 0) year -= 100;
    // ...and `+` marks a person who has turned 100.
    if (plus) year -= 100;
  }

  const birth: CalendarDate = { year, month, day: realDay };
  if (year < MIN_YEAR || !isRealDate(birth)) return fail('date');
  if (compareDates(birth, todayDate) > 0) return fail('future');

  // The birth number (serial) 000 is never issued (Skatteverket).
  if (tail.slice(6, 9) === '000') return fail('serial000');
  if (luhnCheckDigit(tail.slice(0, 9)) !== Number(tail[9])) return fail('checksum');

  return {
    ok: true,
    value: {
      normalized: `${pad(year, 4)}${tail.slice(2)}`,
      kind,
      birthDate: `${pad(birth.year, 4)}-${pad(birth.month, 2)}-${pad(birth.day, 2)}`,
    },
  };
}

/** For display: YYYYMMDD-NNNC */
export function formatIdentityNumber(id: IdentityNumber): string {
  return `${id.normalized.slice(0, 8)}-${id.normalized.slice(8)}`;
}

/**
 * Masked for lists: YYYYMMDD-****. Anything that is not a normalized number (12 ASCII digits) is
 * masked completely, so a malformed value is never shown.
 */
export function maskIdentityNumber(normalized: string): string {
  if (!/^[0-9]{12}$/.test(normalized)) return '********-****';
  return `${normalized.slice(0, 8)}-****`;
}
