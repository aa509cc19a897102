import type { Lang } from './i18n.ts';

/**
 * Texts of the admin console's unit and account pages, Swedish and English, with the words of
 * their form issues (`issue_<field>.<code>`). Looked up through processText like the other texts.
 */
type Entry = { sv: string; en: string };
const e = (sv: string, en: string): Entry => ({ sv, en });

export const ADMIN_TEXTS: Record<string, Entry> = {
  navUnits: e('Arbetsplatser', 'Units'),
  navStaff: e('Konton', 'Accounts'),
  unitsTitle: e('Arbetsplatser', 'Units'),
  unitsIntro: e(
    'Arbetsplatsernas platser, kö och regler. Fler platser ger de köande en plats direkt, i den ordning de antogs.',
    "The units' places, queue and rules. More places give queued referrals a place at once, in order of acceptance.",
  ),
  addUnit: e('Lägg till arbetsplats', 'Add a unit'),
  newUnitTitle: e('Ny arbetsplats', 'New unit'),
  editUnitTitle: e('Redigera arbetsplats', 'Edit unit'),
  unitName: e('Namn', 'Name'),
  places: e('Platser', 'Places'),
  placesUsed: e('Upptagna', 'Used'),
  placesFree: e('Lediga', 'Free'),
  queueLength: e('I kö', 'Queued'),
  edit: e('Redigera', 'Edit'),
  editUnitNamed: e('Redigera {name}', 'Edit {name}'),
  unitAbout: e('Arbetsplatsen', 'The unit'),
  unitDescription: e('Beskrivning', 'Description'),
  unitAddress: e('Adress', 'Address'),
  unitPhone: e('Telefon', 'Phone'),
  unitPhoneHint: e(
    'Deltagarna får numret i sina e-postmeddelanden.',
    'Participants get the number in their e-mails.',
  ),
  unitTasks: e('Arbetsuppgifter', 'Work tasks'),
  oneALine: e('En per rad.', 'One a line.'),
  unitCapacity: e('Platser', 'Places'),
  placesHint: e(
    'Just nu upptagna: {inUse}. Färre platser än upptagna går att spara: ingen förlorar sin plats, men ingen ny får någon förrän antalet är under det nya.',
    'Held now: {inUse}. Fewer places than are held can be saved: nobody loses their place, but no one new gets one until fewer are held than the new number.',
  ),
  unitClocks: e('Samtal och uppföljning', 'Talks and follow-up'),
  talkIntervalDays: e('Dagar mellan handledningssamtal', 'Days between supervision talks'),
  talkEscalationDays: e(
    'Dagar efter ett försenat samtal innan praktikansvarig meddelas',
    'Days after a late talk before the coordinator is told',
  ),
  followUpIntervalDays: e('Dagar mellan uppföljningsmöten', 'Days between follow-up meetings'),
  clocksHint: e(
    'Ändringar flyttar kommande datum för arbetsplatsens pågående placeringar.',
    "Changes move the coming dates of the unit's running placements.",
  ),
  ladder: e('Arbetstidstrappa (procent av heltid)', 'Working-time ladder (percent of full time)'),
  ladderHint: e(
    'Stigande steg, t.ex. 25, 40, 50, 75, 100. De två första stegen under 50.',
    'Rising steps, e.g. 25, 40, 50, 75, 100. The first two steps below 50.',
  ),
  unitPeople: e('Personal', 'Staff'),
  coordinatorEmails: e('Praktikansvarigas e-postadresser', "Coordinators' e-mail addresses"),
  supervisorsField: e('Handledare', 'Supervisors'),
  supervisorsHint: e('En per rad: namn, e-postadress.', 'One a line: name, e-mail address.'),
  saveUnit: e('Spara arbetsplatsen', 'Save the unit'),
  createUnit: e('Skapa arbetsplatsen', 'Create the unit'),
  backToUnits: e('Tillbaka till arbetsplatserna', 'Back to the units'),
  unitSaved: e('Arbetsplatsen är sparad.', 'The unit is saved.'),
  unitCreated: e('Arbetsplatsen är skapad.', 'The unit is created.'),
  unitMoved: e(
    '{n} anvisningar i kön fick en plats. Praktikansvariga har fått besked.',
    '{n} queued referrals got a place. The coordinators have been told.',
  ),
  unitOverfull: e(
    '{n} fler platser är upptagna än det nya antalet. Ingen ny placering förrän de är färre.',
    '{n} more places are held than the new number. No new placement until fewer are held.',
  ),
  openAgain: e('Öppna arbetsplatsen igen', 'Open the unit again'),

  staffTitle: e('Konton', 'Accounts'),
  staffIntro: e(
    'Personal och handläggare som kan logga in. Ett avstängt konto kan inte logga in och dess pågående inloggningar slutar gälla direkt.',
    'Staff and case officers who can sign in. A disabled account cannot sign in, and its current sessions stop at once.',
  ),
  staffName: e('Namn', 'Name'),
  staffEmail: e('E-post', 'E-mail'),
  staffRole: e('Roll', 'Role'),
  staffOrganisation: e('Organisation', 'Organisation'),
  staffOrganisationHint: e(
    'Organisationens id, t.ex. malmo-stad-ama. Handläggare ser bara sin organisations anvisningar.',
    "The organisation's id, e.g. malmo-stad-ama. Case officers see only their organisation's referrals.",
  ),
  staffStatus: e('Status', 'Status'),
  staffEnabled: e('Aktivt', 'Active'),
  staffDisabled: e('Avstängt', 'Disabled'),
  role_coordinator: e('Praktikansvarig', 'Coordinator'),
  role_supervisor: e('Handledare', 'Supervisor'),
  role_admin: e('Administratör', 'Admin'),
  role_referrer: e('Handläggare (anvisare)', 'Case officer (referrer)'),
  chooseRole: e('Välj roll', 'Choose a role'),
  inviteTitle: e('Bjud in', 'Invite'),
  inviteButton: e('Skicka inbjudan', 'Send the invitation'),
  invited: e('Inbjudan är skickad.', 'The invitation is sent.'),
  disable: e('Stäng av', 'Disable'),
  enable: e('Aktivera', 'Enable'),
  disableTitle: e('Stäng av kontot', 'Disable the account'),
  enableTitle: e('Aktivera kontot', 'Enable the account'),
  disableIntro: e(
    '{name} ({email}) kan inte logga in efter detta, och pågående inloggningar slutar gälla direkt.',
    '{name} ({email}) cannot sign in after this, and current sessions stop at once.',
  ),
  enableIntro: e('{name} ({email}) kan logga in igen.', '{name} ({email}) can sign in again.'),
  reasonField: e('Anledning', 'Reason'),
  reasonHint: e('Sparas i granskningsloggen.', 'Kept in the audit trail.'),
  cancel: e('Avbryt', 'Cancel'),
  disabledNotice: e('Kontot är avstängt.', 'The account is disabled.'),
  enabledNotice: e('Kontot är aktiverat.', 'The account is enabled.'),
  unchangedNotice: e('Kontot var redan i det läget.', 'The account was already so.'),
  noStaff: e('Inga konton.', 'No accounts.'),
  actions: e('Åtgärd', 'Action'),

  'issue_unitName.required': e('Ange arbetsplatsens namn.', "Enter the unit's name."),
  'issue_unitName.length': e('Namnet ska vara 2–120 tecken.', 'The name must be 2–120 characters.'),
  'issue_unitName.duplicate': e(
    'Det finns redan en arbetsplats med det namnet.',
    'A unit with that name exists.',
  ),
  'issue_address.required': e('Ange arbetsplatsens adress.', "Enter the unit's address."),
  'issue_unitPhone.format': e(
    'Ange telefonnumret med siffror, t.ex. 040-12 34 56.',
    'Enter the phone number in digits, e.g. 040-12 34 56.',
  ),
  'issue_tasks.required': e('Ange minst en arbetsuppgift.', 'Enter at least one work task.'),
  'issue_tasks.tooMany': e('Högst {max} arbetsuppgifter.', 'At most {max} work tasks.'),
  'issue_tasks.length': e(
    'Varje arbetsuppgift högst {max} tecken.',
    'Each work task at most {max} characters.',
  ),
  'issue_tasks.duplicate': e('En arbetsuppgift står två gånger.', 'A work task is listed twice.'),
  'issue_places.required': e('Ange antal platser.', 'Enter the number of places.'),
  issue_range: e('Ange ett heltal från {min} till {max}.', 'Enter a whole number from {min} to {max}.'),
  'issue_ladder.required': e('Ange arbetstidstrappan.', 'Enter the working-time ladder.'),
  'issue_ladder.ladder': e(
    'Trappan ska vara minst två stigande heltal upp till högst 100, de två första under 50 (t.ex. 25, 40, 50, 75, 100).',
    'The ladder must be at least two rising whole numbers up to 100 at most, the first two below 50 (e.g. 25, 40, 50, 75, 100).',
  ),
  'issue_coordinatorEmails.required': e(
    'Ange minst en praktikansvarigs e-postadress.',
    "Enter at least one coordinator's e-mail address.",
  ),
  'issue_coordinatorEmails.emailLine': e(
    'Rad {line} är inte en giltig e-postadress.',
    'Line {line} is not a valid e-mail address.',
  ),
  'issue_coordinatorEmails.duplicate': e('En adress står två gånger.', 'An address is listed twice.'),
  'issue_coordinatorEmails.tooMany': e('Högst {max} adresser.', 'At most {max} addresses.'),
  'issue_supervisors.supervisorLine': e(
    'Rad {line}: skriv namn, komma och en giltig e-postadress.',
    'Line {line}: write a name, a comma and a valid e-mail address.',
  ),
  'issue_supervisors.duplicate': e(
    'En handledares adress står två gånger.',
    "A supervisor's address is listed twice.",
  ),
  'issue_supervisors.tooMany': e('Högst {max} handledare.', 'At most {max} supervisors.'),
  'issue_version.stale': e(
    'Någon annan har sparat arbetsplatsen efter att du öppnade den. Inget sparades: öppna den igen för att se ändringarna.',
    'Someone else saved the unit after you opened it. Nothing was saved: open it again to see their changes.',
  ),
  'issue_version.format': e(
    'Formuläret är för gammalt. Öppna arbetsplatsen igen.',
    'The form is out of date. Open the unit again.',
  ),
  'issue_staffName.required': e('Ange personens namn.', "Enter the person's name."),
  'issue_staffName.length': e('Namnet ska vara 2–120 tecken.', 'The name must be 2–120 characters.'),
  'issue_staffEmail.required': e('Ange personens e-postadress.', "Enter the person's e-mail address."),
  'issue_staffEmail.format': e(
    'Ange en giltig e-postadress, t.ex. namn@exempel.se.',
    'Enter a valid e-mail address, e.g. name@example.com.',
  ),
  'issue_staffEmail.duplicate': e(
    'Det finns redan ett konto med den e-postadressen.',
    'An account with that e-mail address exists.',
  ),
  'issue_staffRole.required': e('Välj en av rollerna.', 'Choose one of the roles.'),
  'issue_staffOrganisation.required': e('Ange organisationens id.', "Enter the organisation's id."),
  'issue_staffOrganisation.length': e('Id:t ska vara 2–100 tecken.', 'The id must be 2–100 characters.'),
  'issue_staffOrganisation.format': e(
    'Små bokstäver a–z, siffror och bindestreck, t.ex. malmo-stad-ama.',
    'Lower-case letters a–z, digits and hyphens, e.g. malmo-stad-ama.',
  ),
  'issue_formId.format': e(
    'Formuläret är för gammalt. Ladda om sidan.',
    'The form is out of date. Reload the page.',
  ),
  'issue_reason.self': e('Du kan inte stänga av ditt eget konto.', 'You cannot disable your own account.'),
};

export function adminText(lang: Lang, key: string): string | undefined {
  return ADMIN_TEXTS[key]?.[lang];
}
