import { processText } from './process-texts.ts';

export const LANGS = ['sv', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const isLang = (s: string | undefined): s is Lang => s === 'sv' || s === 'en';

/** UI strings. Swedish is the default; every key has both languages. */
const STRINGS = {
  appName: { sv: 'Stegvis', en: 'Stegvis' },
  skipToContent: { sv: 'Hoppa till innehållet', en: 'Skip to content' },
  signOut: { sv: 'Logga ut', en: 'Sign out' },
  signedInAs: { sv: 'Inloggad som', en: 'Signed in as' },
  otherLanguage: { sv: 'In English', en: 'På svenska' },
  navReferrals: { sv: 'Anvisningar', en: 'Referrals' },
  navTodo: { sv: 'Att göra', en: 'To do' },
  navMyCases: { sv: 'Mina deltagare', en: 'My participants' },
  navNewReferral: { sv: 'Ny anvisning', en: 'New referral' },
  navRuns: { sv: 'Arbetsflöden', en: 'Workflow runs' },
  navPlacements: { sv: 'Placeringar', en: 'Placements' },
  mainNav: { sv: 'Huvudmeny', en: 'Main menu' },
  errorSummary: { sv: 'Formuläret innehåller fel', en: 'There is a problem with the form' },
  newReferralTitle: { sv: 'Ny anvisning till arbetsträning', en: 'New referral to work training' },
  newReferralIntro: {
    sv: 'Fält markerade med * är obligatoriska. Uppgifterna skyddas och visas bara för dem som behöver dem.',
    en: 'Fields marked * are required. The information is protected and shown only to those who need it.',
  },
  participant: { sv: 'Deltagare', en: 'Participant' },
  participantName: { sv: 'Namn', en: 'Name' },
  identityNumber: {
    sv: 'Personnummer eller samordningsnummer',
    en: 'Personal identity number or coordination number',
  },
  identityNumberHint: { sv: 'ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN', en: 'YYYYMMDD-NNNN or YYMMDD-NNNN' },
  email: { sv: 'E-post', en: 'E-mail' },
  phone: { sv: 'Telefon', en: 'Phone' },
  gender: { sv: 'Kön (för statistik)', en: 'Gender (for statistics)' },
  gender_woman: { sv: 'Kvinna', en: 'Woman' },
  gender_man: { sv: 'Man', en: 'Man' },
  gender_nonBinary: { sv: 'Icke-binär / annat', en: 'Non-binary / other' },
  gender_undisclosed: { sv: 'Vill inte uppge', en: 'Do not want to say' },
  caseOfficer: { sv: 'Handläggare', en: 'Case officer' },
  placement: { sv: 'Placering', en: 'Placement' },
  placementAgreementRef: { sv: 'Referens till praktiköverenskommelse', en: 'Placement agreement reference' },
  unitId: { sv: 'Önskad arbetsplats', en: 'Wished work place' },
  chooseUnit: { sv: 'Välj arbetsplats', en: 'Choose a work place' },
  placesTotal: { sv: 'platser', en: 'places' },
  needs: { sv: 'Behov av anpassning och stöd', en: 'Needs for adaptation and support' },
  adaptationNeeds: { sv: 'Behov av anpassning', en: 'Needs for adaptation' },
  adaptationNeedsHint: {
    sv: 'Beskriv bara det arbetsplatsen behöver veta för att anpassa arbetet.',
    en: 'Describe only what the work place needs to know to adapt the work.',
  },
  languageSupport: { sv: 'Behöver deltagaren språkstöd?', en: 'Does the participant need language support?' },
  yes: { sv: 'Ja', en: 'Yes' },
  no: { sv: 'Nej', en: 'No' },
  language: { sv: 'Språk för stöd', en: 'Language for support' },
  mailLanguage: {
    sv: 'Språk i e-post och på svarssidan till deltagaren',
    en: 'Language of e-mail and the answer page to the participant',
  },
  mailLanguage_sv: { sv: 'Svenska', en: 'Swedish' },
  mailLanguage_en: { sv: 'Engelska', en: 'English' },
  period: { sv: 'Planerad period', en: 'Planned period' },
  plannedStart: { sv: 'Planerat startdatum', en: 'Planned start date' },
  plannedEnd: { sv: 'Planerat slutdatum', en: 'Planned end date' },
  dateHint: { sv: 'ÅÅÅÅ-MM-DD', en: 'YYYY-MM-DD' },
  submitReferral: { sv: 'Skicka anvisning', en: 'Submit referral' },
  referralsTitle: { sv: 'Anvisningar', en: 'Referrals' },
  noReferrals: { sv: 'Inga anvisningar ännu.', en: 'No referrals yet.' },
  reference: { sv: 'Ärende', en: 'Case' },
  created: { sv: 'Skapad', en: 'Created' },
  status: { sv: 'Status', en: 'Status' },
  phase: { sv: 'Steg', en: 'Step' },
  unit: { sv: 'Arbetsplats', en: 'Work place' },
  caseTitle: { sv: 'Ärende', en: 'Case' },
  referralReceived: {
    sv: 'Anvisningen är mottagen. Praktikansvarig föreslår en tid för studiebesök.',
    en: 'The referral has been received. The placement coordinator will propose a study-visit time.',
  },
  studyVisit: { sv: 'Studiebesök', en: 'Study visit' },
  proposeStudyVisit: { sv: 'Föreslå tid för studiebesök', en: 'Propose a study-visit time' },
  date: { sv: 'Datum', en: 'Date' },
  startTime: { sv: 'Starttid', en: 'Start time' },
  endTime: { sv: 'Sluttid', en: 'End time' },
  timeHint: { sv: 'TT:MM', en: 'HH:MM' },
  location: { sv: 'Plats', en: 'Place' },
  sendInvitation: { sv: 'Skicka inbjudan', en: 'Send invitation' },
  recordOutcome: { sv: 'Registrera utfall av studiebesöket', en: 'Record the outcome of the study visit' },
  outcome: { sv: 'Vill deltagaren börja?', en: 'Does the participant want to start?' },
  outcome_wantsToStart: { sv: 'Ja, vill börja', en: 'Yes, wants to start' },
  outcome_declined: { sv: 'Nej, vill inte börja', en: 'No, does not want to start' },
  declineReason: { sv: 'Skäl', en: 'Reason' },
  save: { sv: 'Spara', en: 'Save' },
  outcomeSaved: { sv: 'Utfallet är sparat.', en: 'The outcome has been saved.' },
  time: { sv: 'Tid', en: 'Time' },
  invitationSent: { sv: 'Inbjudan skickad', en: 'Invitation sent' },
  invitationPending: { sv: 'Inbjudan skickas', en: 'Invitation being sent' },
  closedReason: { sv: 'Avslutat', en: 'Closed' },
  runsTitle: { sv: 'Arbetsflöden', en: 'Workflow runs' },
  run: { sv: 'Körning', en: 'Run' },
  currentStep: { sv: 'Aktuellt steg', en: 'Current step' },
  started: { sv: 'Startad', en: 'Started' },
  stopped: { sv: 'Avslutad', en: 'Stopped' },
  noRuns: { sv: 'Inga körningar.', en: 'No runs.' },
  allStatuses: { sv: 'Alla', en: 'All' },
  filter: { sv: 'Filtrera', en: 'Filter' },
  nextPage: { sv: 'Nästa sida', en: 'Next page' },
  history: { sv: 'Händelser', en: 'Event history' },
  event: { sv: 'Händelse', en: 'Event' },
  state: { sv: 'Tillstånd', en: 'State' },
  errorDetail: { sv: 'Fel', en: 'Error' },
  notFound: { sv: 'Sidan eller ärendet finns inte.', en: 'The page or case does not exist.' },
  forbidden: {
    sv: 'Du har inte behörighet till den här sidan.',
    en: 'You are not allowed to see this page.',
  },
  conflict: {
    sv: 'Steget är redan gjort eller ändrat av någon annan.',
    en: 'The step is already done or was changed by someone else.',
  },
  serverError: {
    sv: 'Något gick fel. Försök igen om en stund.',
    en: 'Something went wrong. Please try again shortly.',
  },
  backToStart: { sv: 'Till startsidan', en: 'To the start page' },
  participantContact: { sv: 'Deltagarens kontaktuppgifter', en: "Participant's contact details" },
  phase_studyVisitScheduling: { sv: 'Väntar på tid för studiebesök', en: 'Waiting for a study-visit time' },
  phase_studyVisitProposed: {
    sv: 'Inbjudan till studiebesök skickas',
    en: 'Study-visit invitation being sent',
  },
  phase_studyVisitInvited: { sv: 'Inbjuden till studiebesök', en: 'Invited to study visit' },
  phase_studyVisitDeclined: { sv: 'Avslutas: vill inte börja', en: 'Closing: does not want to start' },
  phase_startupMeeting: { sv: 'Vill börja: uppstartsmöte', en: 'Wants to start: start-up meeting' },
  phase_closed: { sv: 'Avslutat', en: 'Closed' },
  status_active: { sv: 'Aktivt', en: 'Active' },
  run_RUNNING: { sv: 'Pågår', en: 'Running' },
  run_SUCCEEDED: { sv: 'Klar', en: 'Succeeded' },
  run_FAILED: { sv: 'Misslyckad', en: 'Failed' },
  run_TIMED_OUT: { sv: 'Tidsgräns nådd', en: 'Timed out' },
  run_ABORTED: { sv: 'Avbruten', en: 'Aborted' },
  run_PENDING_REDRIVE: { sv: 'Väntar på omstart', en: 'Pending redrive' },
  state_LoadCase: { sv: 'Läser ärendet', en: 'Reading the case' },
  state_RouteByPhase: { sv: 'Väljer steg', en: 'Choosing the step' },
  state_NotifyCoordinators: { sv: 'Meddelar praktikansvariga', en: 'Notifying coordinators' },
  state_AwaitStudyVisitProposal: {
    sv: 'Väntar på tid för studiebesök',
    en: 'Waiting for a study-visit time',
  },
  state_RemindStudyVisitProposal: {
    sv: 'Påminner om tid för studiebesök',
    en: 'Reminding about a study-visit time',
  },
  state_SendStudyVisitInvitation: {
    sv: 'Skickar inbjudan till studiebesök',
    en: 'Sending the study-visit invitation',
  },
  state_AwaitStudyVisitOutcome: {
    sv: 'Väntar på utfall av studiebesök',
    en: 'Waiting for the study-visit outcome',
  },
  state_RemindStudyVisitOutcome: {
    sv: 'Påminner om utfall av studiebesök',
    en: 'Reminding about the study-visit outcome',
  },
  state_CloseCase: { sv: 'Avslutar ärendet', en: 'Closing the case' },
  state_ReadyForStartupMeeting: { sv: 'Klar för uppstartsmöte', en: 'Ready for the start-up meeting' },
  state_CaseClosed: { sv: 'Ärendet avslutat', en: 'Case closed' },
  state_UnknownPhase: { sv: 'Okänt steg', en: 'Unknown phase' },
  status_closed: { sv: 'Avslutat', en: 'Closed' },
} as const satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof STRINGS;

export function t(lang: Lang, key: StringKey): string {
  return STRINGS[key][lang];
}

/** Looks up a dynamic key (e.g. `phase_${phase}`), falling back to the raw value. */
export function tDynamic(lang: Lang, key: string): string {
  const entry = (STRINGS as Record<string, Record<Lang, string>>)[key];
  return processText(lang, key) ?? (entry ? entry[lang] : key);
}
