import { GENDERS, type Gender } from './case.ts';
import type { FieldIssue } from './errors.ts';
import { isDeliverableAddress } from './forms/email.ts';
import { type IdentityNumber, parseIdentityNumber } from './personnummer.ts';

/** What the referral form posts (all strings, as a browser sends them). */
export type ReferralForm = Partial<Record<ReferralField, string>>;

export const REFERRAL_FIELDS = [
  'participantName',
  'identityNumber',
  'email',
  'phone',
  'gender',
  'placementAgreementRef',
  'unitId',
  'adaptationNeeds',
  'languageSupport',
  'language',
  'plannedStart',
  'plannedEnd',
  'submissionId',
] as const;
export type ReferralField = (typeof REFERRAL_FIELDS)[number];

export interface ValidReferral {
  participantName: string;
  identity: IdentityNumber;
  email: string;
  phone: string;
  gender: Gender;
  placementAgreementRef: string;
  unitId: string;
  adaptationNeeds: string;
  languageSupport: boolean;
  language: string;
  plannedStart: string;
  plannedEnd: string;
  submissionId: string;
}

const msg = (field: string, code: string, sv: string, en: string): FieldIssue => ({ field, code, sv, en });

const PHONE = /^\+?[0-9 ()-]{6,20}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SUBMISSION_ID = /^[A-Za-z0-9-]{16,64}$/;

function parseIsoDate(s: string): Date | undefined {
  const m = ISO_DATE.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s ? d : undefined;
}

function addMonths(d: Date, months: number) {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() + months);
  return r;
}

/**
 * Validates a referral. Returns every field-level problem at once (never just the first), each
 * with a Swedish and an English message; the form is re-rendered with what was typed.
 */
export function validateReferral(
  form: ReferralForm,
  ctx: { today: Date; unitIds: readonly string[] },
): { ok: true; value: ValidReferral } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const v = (k: ReferralField) => (form[k] ?? '').trim();

  const participantName = v('participantName').replace(/\s+/g, ' ');
  if (!participantName)
    issues.push(
      msg('participantName', 'required', 'Ange deltagarens namn.', "Enter the participant's name."),
    );
  else if (participantName.length < 2 || participantName.length > 200)
    issues.push(
      msg('participantName', 'length', 'Namnet ska vara 2–200 tecken.', 'The name must be 2–200 characters.'),
    );

  const id = parseIdentityNumber(v('identityNumber'), ctx.today);
  if (!id.ok) issues.push(msg('identityNumber', id.code, id.sv, id.en));

  const email = v('email').toLowerCase();
  if (!email)
    issues.push(
      msg('email', 'required', 'Ange deltagarens e-postadress.', "Enter the participant's e-mail address."),
    );
  else if (!isDeliverableAddress(email))
    issues.push(
      msg(
        'email',
        'format',
        'E-postadressen ser inte giltig ut, t.ex. namn@exempel.se.',
        'The e-mail address does not look valid, e.g. name@example.com.',
      ),
    );

  const phone = v('phone');
  if (!phone)
    issues.push(
      msg('phone', 'required', 'Ange deltagarens telefonnummer.', "Enter the participant's phone number."),
    );
  else if (!PHONE.test(phone) || phone.replace(/\D/g, '').length < 6)
    issues.push(
      msg(
        'phone',
        'format',
        'Telefonnumret får bara innehålla siffror, mellanslag, bindestreck och +.',
        'The phone number may only contain digits, spaces, hyphens and +.',
      ),
    );

  const gender = v('gender');
  if (!(GENDERS as readonly string[]).includes(gender))
    issues.push(
      msg(
        'gender',
        'required',
        'Välj kön för statistiken (eller "vill inte uppge").',
        'Choose a gender for the statistics (or "do not want to say").',
      ),
    );

  const placementAgreementRef = v('placementAgreementRef');
  if (!placementAgreementRef)
    issues.push(
      msg(
        'placementAgreementRef',
        'required',
        'Ange referens till praktiköverenskommelsen.',
        'Enter the placement agreement reference.',
      ),
    );
  else if (placementAgreementRef.length > 100)
    issues.push(
      msg(
        'placementAgreementRef',
        'length',
        'Referensen får vara högst 100 tecken.',
        'The reference may be at most 100 characters.',
      ),
    );

  const unitId = v('unitId');
  if (!ctx.unitIds.includes(unitId))
    issues.push(msg('unitId', 'required', 'Välj önskad arbetsplats.', 'Choose the wished work place.'));

  const adaptationNeeds = v('adaptationNeeds');
  if (adaptationNeeds.length > 2000)
    issues.push(msg('adaptationNeeds', 'length', 'Högst 2000 tecken.', 'At most 2000 characters.'));

  const languageSupport = v('languageSupport') === 'yes';
  if (!['yes', 'no'].includes(v('languageSupport')))
    issues.push(
      msg(
        'languageSupport',
        'required',
        'Ange om deltagaren behöver språkstöd.',
        'State whether the participant needs language support.',
      ),
    );
  const language = v('language');
  if (languageSupport && !language)
    issues.push(
      msg(
        'language',
        'required',
        'Ange vilket språk stödet ska ges på.',
        'Enter the language the support should be given in.',
      ),
    );
  else if (language.length > 100)
    issues.push(msg('language', 'length', 'Högst 100 tecken.', 'At most 100 characters.'));

  const start = parseIsoDate(v('plannedStart'));
  const end = parseIsoDate(v('plannedEnd'));
  const today = new Date(
    Date.UTC(ctx.today.getUTCFullYear(), ctx.today.getUTCMonth(), ctx.today.getUTCDate()),
  );
  if (!start)
    issues.push(
      msg(
        'plannedStart',
        'date',
        'Ange ett giltigt startdatum (ÅÅÅÅ-MM-DD).',
        'Enter a valid start date (YYYY-MM-DD).',
      ),
    );
  else if (start < addMonths(today, -1))
    issues.push(
      msg(
        'plannedStart',
        'past',
        'Startdatumet får inte ligga mer än en månad bakåt i tiden.',
        'The start date may not be more than one month in the past.',
      ),
    );
  if (!end)
    issues.push(
      msg(
        'plannedEnd',
        'date',
        'Ange ett giltigt slutdatum (ÅÅÅÅ-MM-DD).',
        'Enter a valid end date (YYYY-MM-DD).',
      ),
    );
  else if (start && end <= start)
    issues.push(
      msg(
        'plannedEnd',
        'order',
        'Slutdatumet måste vara efter startdatumet.',
        'The end date must be after the start date.',
      ),
    );
  else if (start && end > addMonths(start, 24))
    issues.push(
      msg(
        'plannedEnd',
        'tooLong',
        'En arbetsträning kan pågå högst 24 månader.',
        'A work training can last at most 24 months.',
      ),
    );

  const submissionId = v('submissionId');
  if (!SUBMISSION_ID.test(submissionId))
    issues.push(
      msg(
        'submissionId',
        'format',
        'Formuläret har gått ut. Ladda om sidan och försök igen.',
        'The form has expired. Reload the page and try again.',
      ),
    );

  if (issues.length > 0 || !id.ok) return { ok: false, issues };
  return {
    ok: true,
    value: {
      participantName,
      identity: id.value,
      email,
      phone,
      gender: gender as Gender,
      placementAgreementRef,
      unitId,
      adaptationNeeds,
      languageSupport,
      language: languageSupport ? language : '',
      plannedStart: v('plannedStart'),
      plannedEnd: v('plannedEnd'),
      submissionId,
    },
  };
}

export interface StudyVisitForm {
  date?: string;
  startTime?: string;
  endTime?: string;
  location?: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Converts a Stockholm wall-clock time to an instant (handles CET/CEST). */
export function stockholmToInstant(date: string, time: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // Offset of Stockholm at the guessed instant; iterate once for the DST edge.
  let ts = guess - stockholmOffsetMs(guess);
  ts = guess - stockholmOffsetMs(ts);
  return new Date(ts);
}

export function stockholmOffsetMs(ts: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Stockholm',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(ts));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return asUtc - Math.floor(ts / 60000) * 60000;
}

export function validateStudyVisit(
  form: StudyVisitForm,
  ctx: { now: number },
): { ok: true; value: { start: Date; end: Date; location: string } } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const date = (form.date ?? '').trim();
  const startTime = (form.startTime ?? '').trim();
  const endTime = (form.endTime ?? '').trim();
  const location = (form.location ?? '').trim();
  if (!parseIsoDate(date))
    issues.push(
      msg('date', 'date', 'Ange ett giltigt datum (ÅÅÅÅ-MM-DD).', 'Enter a valid date (YYYY-MM-DD).'),
    );
  if (!HHMM.test(startTime))
    issues.push(msg('startTime', 'time', 'Ange starttid som TT:MM.', 'Enter the start time as HH:MM.'));
  if (!HHMM.test(endTime))
    issues.push(msg('endTime', 'time', 'Ange sluttid som TT:MM.', 'Enter the end time as HH:MM.'));
  if (!location)
    issues.push(msg('location', 'required', 'Ange plats för mötet.', 'Enter the place of the meeting.'));
  else if (location.length > 300)
    issues.push(msg('location', 'length', 'Högst 300 tecken.', 'At most 300 characters.'));
  // The time checks run whenever the date and times can be read, beside the field errors: a
  // person learns everything wrong with the form in one round.
  const timesReadable = !!parseIsoDate(date) && HHMM.test(startTime) && HHMM.test(endTime);
  const start = timesReadable ? stockholmToInstant(date, startTime) : undefined;
  const end = timesReadable ? stockholmToInstant(date, endTime) : undefined;
  if (start && end && end <= start)
    issues.push(
      msg(
        'endTime',
        'order',
        'Sluttiden måste vara efter starttiden.',
        'The end time must be after the start time.',
      ),
    );
  if (start && start.getTime() < ctx.now)
    issues.push(msg('date', 'past', 'Tiden måste ligga i framtiden.', 'The time must be in the future.'));
  else if (start && start.getTime() > ctx.now + 180 * 24 * 3600 * 1000)
    issues.push(
      msg(
        'date',
        'tooFar',
        'Tiden kan ligga högst sex månader fram.',
        'The time can be at most six months ahead.',
      ),
    );
  if (issues.length > 0 || !start || !end) return { ok: false, issues };
  return { ok: true, value: { start, end, location } };
}
