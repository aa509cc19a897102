import type { Lang } from './i18n.ts';

/** What a person reads when a request is refused by the web's security rules (functions/http/security.ts). */
const TEXTS = {
  crossSite: {
    sv: 'Formuläret skickades inte från Stegvis egna sidor och togs inte emot. Gå tillbaka, ladda om sidan och försök igen.',
    en: "The form was not sent from Stegvis's own pages and was not accepted. Go back, reload the page and try again.",
  },
  tooLarge: {
    sv: 'Det som skickades är för stort. Korta texten och försök igen.',
    en: 'What was sent is too large. Shorten the text and try again.',
  },
  badRequest: {
    sv: 'Adressen går inte att läsa. Kontrollera länken.',
    en: 'The address cannot be read. Check the link.',
  },
} as const satisfies Record<string, Record<Lang, string>>;

export type SecurityTextKey = keyof typeof TEXTS;

export function securityText(lang: Lang, key: SecurityTextKey): string {
  return TEXTS[key][lang];
}
