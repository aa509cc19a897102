import type { Lang } from './i18n.ts';

/**
 * Texts of the personal-data pages (register extract, erasure) and the audit log's words for the
 * privacy events, Swedish and English. Looked up through processText like the other texts.
 */
type Entry = { sv: string; en: string };
const e = (sv: string, en: string): Entry => ({ sv, en });

export const PRIVACY_TEXTS: Record<string, Entry> = {
  navPrivacy: e('Personuppgifter', 'Personal data'),
  privacyTitle: e('Personuppgifter', 'Personal data'),
  privacyIntro: e(
    'Registerutdrag (GDPR art. 15) för en deltagare, och hur länge uppgifterna sparas. Personnumret skickas i formuläret, aldrig i adressen. Varje utdrag loggas med ditt namn och skälet.',
    "A participant's register extract (GDPR art. 15), and how long data is kept. The identity number is sent in the form, never in the address. Every extract is logged with your name and the reason.",
  ),
  extractHeading: e('Gör ett registerutdrag', 'Make a register extract'),
  field_privacyIdentity: e(
    'Deltagarens personnummer eller samordningsnummer',
    "The participant's identity number",
  ),
  hint_privacyReason: e(
    'Till exempel: begäran från deltagaren den 3 maj, ärende 12.',
    "For example: the participant's request of 3 May, case 12.",
  ),
  makeExtract: e('Gör utdrag', 'Make the extract'),
  retentionHeading: e('Hur länge uppgifter sparas', 'How long data is kept'),
  retentionKind: e('Uppgifter', 'Data'),
  retentionPeriod: e('Sparas', 'Kept'),
  retentionKept: e('Kvar efteråt', 'What stays'),
  retention_participantCase: e('Ärende där arbetsträningen startade', 'A case whose training started'),
  retention_referralNotStarted: e(
    'Anvisning som aldrig startade (avböjd, återtagen)',
    'A referral that never started (declined, withdrawn)',
  ),
  retention_talkNotes: e('Anteckningar från handledningssamtal', 'Supervision talk notes'),
  retention_participantLinks: e('Deltagarens svarslänkar', "The participant's answer links"),
  retention_mailLedger: e('Logg över skickade e-postmeddelanden (bara id)', 'Ledger of mail sent (ids only)'),
  retention_submissionMarkers: e('Skydd mot dubbla inskick', 'Double-submit markers'),
  retention_auditEvents: e('Granskningsloggen', 'The audit log'),
  from_closing: e('efter avslut', 'after closing'),
  from_creation: e('efter att de skapats', 'after they were made'),
  from_meeting: e('efter mötet', 'after the meeting'),
  from_event: e('efter händelsen', 'after the event'),
  pvYears: e('{n} år', '{n} years'),
  pvDays: e('{n} dagar', '{n} days'),
  keptStatistics: e(
    'Statistik utan identitet: kön, målgrupp, ESF+-uppgifter vid start, åldersgrupp, datum, arbetstid, utfall och en envägsnyckel av personnumret (så att en återkommande deltagare räknas en gång).',
    'Statistics without identity: gender, target group, ESF+ entry data, age band, dates, working time, outcomes and a one-way key of the identity number (a returning participant counts once).',
  ),
  keptNothing: e('Inget', 'Nothing'),
  extractTitle: e('Registerutdrag', 'Register extract'),
  extractLead: e(
    'Utdrag enligt artikel 15 i dataskyddsförordningen (GDPR) om personuppgifter som behandlas i Stegvis för personnummer {id}. Framställt {at}.',
    'Extract under Article 15 of the General Data Protection Regulation (GDPR) of the personal data processed in Stegvis for identity number {id}. Made {at}.',
  ),
  extractNone: e(
    'Det finns inga personuppgifter om den här personen i Stegvis. Ärenden vars uppgifter har tagits bort (gallring eller radering) finns bara kvar som statistik utan identitet.',
    'Stegvis holds no personal data about this person. Cases whose data was removed (retention or erasure) remain only as statistics without identity.',
  ),
  extractCase: e('Ärende {ref}', 'Case {ref}'),
  sec_person: e('Personen', 'The person'),
  sec_referral: e('Anvisningen', 'The referral'),
  sec_statistics: e('Uppgifter för ESF+ vid start', 'ESF+ data at entry'),
  sec_meetings: e('Möten och svar', 'Meetings and answers'),
  sec_plan: e('Individuell planering', 'Individual plan'),
  sec_talks: e('Handledningssamtal', 'Supervision talks'),
  sec_followUps: e('Uppföljningsmöten', 'Follow-up meetings'),
  sec_workingTime: e('Arbetstid', 'Working time'),
  sec_pauses: e('Uppehåll och läkarutlåtande', "Pauses and the doctor's statement"),
  sec_activities: e('Aktiviteter', 'Activities'),
  sec_closing: e('Avslut', 'Closing'),
  referredOn: e('Anvisad', 'Referred'),
  caseOfficerContact: e('Handläggarens kontaktuppgifter', "The case officer's contact details"),
  supervisorName: e('Handledare', 'Supervisor'),
  pvIntake_accepted: e('Antagen', 'Accepted'),
  pvIntake_declined: e('Avböjd', 'Declined'),
  intakeDecision: e('Beslut vid mottagning', 'Intake decision'),
  pvAnswer: e('Svar', 'Answer'),
  answerMessage: e('Meddelande', 'Message'),
  pauseReason: e('Skäl till uppehåll', 'Reason for the pause'),
  resumed: e('Återupptagen', 'Resumed'),
  earlyClosing: e('Avslutad i förtid', 'Closed early'),
  closureReason: e('Skäl till avslut', 'Reason for closing'),
  afterClosingNote: e('Uppföljning efter avslut', 'Follow-up after closing'),
  purposesHeading: e('Varför uppgifterna behandlas', 'Why the data is processed'),
  purposesText: e(
    'För att planera, genomföra och följa upp arbetsträningen som den anvisande myndigheten beställt (avtal och myndighetens uppdrag), för att kalla till möten och påminna, och för att redovisa statistik utan identitet till finansiärer (ESF+). Uppgifter om hälsa och arbetsförmåga behandlas bara för att anpassa arbetsträningen (GDPR art. 9.2 b och h).',
    'To plan, carry out and follow up the work training the referring authority ordered (agreement and the authority’s task), to invite to meetings and remind, and to report statistics without identity to funders (ESF+). Data on health and work capacity is processed only to adapt the training (GDPR art. 9(2)(b) and (h)).',
  ),
  recipientsHeading: e('Vem som ser uppgifterna', 'Who sees the data'),
  recipientsText: e(
    'Arbetsplatsens praktikansvariga, den tilldelade handledaren, handläggaren hos den anvisande organisationen ({orgs}) och arbetsplatsen ({units}). Administratörer ser ärendenummer, inte personuppgifter. Finansiärer får bara statistik där små tal (under 5) döljs.',
    "The unit's placement coordinators, the assigned supervisor, the case officer at the referring organisation ({orgs}) and the unit ({units}). Administrators see case references, not personal data. Funders get statistics only, with small counts (under 5) hidden.",
  ),
  sourceHeading: e('Varifrån uppgifterna kommer', 'Where the data comes from'),
  sourceText: e(
    'Från anvisningen som handläggaren ({officers}) skickade, från personen själv vid möten och via svarslänkar, och från personalen som antecknar under arbetsträningen.',
    'From the referral the case officer ({officers}) sent, from the person at meetings and through answer links, and from the staff who record the training.',
  ),
  rightsHeading: e('Dina rättigheter', 'Your rights'),
  rightsText: e(
    'Du har rätt att få veta vilka uppgifter som behandlas (det här utdraget), att få felaktiga uppgifter rättade, att få uppgifter raderade när de inte längre behövs eller behandlas felaktigt, att begära begränsning och att invända. Du kan klaga hos Integritetsskyddsmyndigheten (IMY), imy.se.',
    'You have the right to know what data is processed (this extract), to have wrong data corrected, to have data erased when it is no longer needed or processed wrongly, to ask for restriction and to object. You can complain to the Swedish Authority for Privacy Protection (IMY), imy.se.',
  ),
  print: e('Skriv ut', 'Print'),
  eraseLink: e(
    'Radera deltagarens uppgifter (begäran enligt lag)…',
    "Erase the participant's data (legal request)…",
  ),
  eraseTitle: e('Radera personuppgifter i {ref}', 'Erase the personal data of {ref}'),
  eraseExplain: e(
    'Deltagarens personuppgifter i de här ärendena tas bort nu: namn, personnummer, kontaktuppgifter, hälsa och anpassningar, anteckningar, svarslänkar och e-postlogg. Ett pågående ärende avslutas först: körningen stoppas, kommande möten ställs in och platsen lämnas tillbaka. Statistik utan identitet finns kvar. Det går inte att ångra.',
    "The participant's personal data in these cases is removed now: name, identity number, contact details, health and adaptations, notes, answer links and the mail ledger. An active case is closed first: its run is stopped, coming meetings are cancelled and its place is given back. Statistics without identity stay. This cannot be undone.",
  ),
  eraseCases: e('Ärenden som berörs', 'Cases affected'),
  eraseConfirm: e('Radera', 'Erase'),
  erasedBanner: e(
    'Personuppgifterna i det här ärendet är borttagna ({by}, {at}). Bara statistik utan identitet finns kvar.',
    'The personal data of this case has been removed ({by}, {at}). Only statistics without identity remain.',
  ),
  erasedBy_erasure: e('radering på begäran', 'erasure on request'),
  erasedBy_retention: e('gallring', 'retention'),
  'action_privacy.read': e(
    'Läste personnummer eller hälsouppgifter',
    'Read the identity number or health data',
  ),
  'action_privacy.extract': e('Registerutdrag', 'Register extract'),
  'action_privacy.erase': e('Radering av personuppgifter', 'Erasure of personal data'),
  'action_privacy.retention': e('Gallring av personuppgifter', 'Personal data removed by retention'),
  readKind_identityNumber: e('personnummer', 'identity number'),
  readKind_health: e('hälsa och anpassningar', 'health and adaptations'),
};

export function privacyText(lang: Lang, key: string): string | undefined {
  return PRIVACY_TEXTS[key]?.[lang];
}
