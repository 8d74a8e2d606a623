import { pickCatalog } from '../i18n/i18n.js';

// The bot answers section's words load with it (on first use), not with the inbox's first paint.

/** English words of the bot answers section. Every other language has this shape. */
const en = {
  title: 'Bot answers',
  help: 'When the bot is on, it answers a visitor whose message contains one of an answer’s keywords (whole words; case and accents do not matter). Quick replies are answered the same way.',
  none: 'No answers yet: the bot says the fallback to every message.',
  adminOnly: 'Only an admin can change the bot’s answers.',
  answer: (keywords: string) => (keywords ? `Answer to “${keywords}”` : 'New answer'),
  keywords: 'Keywords, separated by commas',
  text: 'Answer',
  offerHandover: 'Also offer to talk to a person',
  fallback: 'When no answer matches',
  remove: 'Remove',
  removeFor: (keywords: string) => (keywords ? `Remove the answer to “${keywords}”` : 'Remove new answer'),
  add: 'Add answer',
  save: 'Save bot answers',
  saved: 'Bot answers saved',
  badKeywords: 'Every answer needs at least one keyword.',
  badText: 'Every answer needs a text.',
  badFallback: 'The fallback cannot be empty.',
};

export type BotAnswersCatalog = typeof en;

const nl: BotAnswersCatalog = {
  title: 'Antwoorden van de bot',
  help: 'Als de bot aan staat, antwoordt hij een bezoeker wiens bericht een van de trefwoorden van een antwoord bevat (hele woorden; hoofdletters en accenten tellen niet). Snelle antwoorden worden net zo beantwoord.',
  none: 'Nog geen antwoorden: de bot zegt op elk bericht de standaardtekst.',
  adminOnly: 'Alleen een beheerder kan de antwoorden van de bot wijzigen.',
  answer: (keywords) => (keywords ? `Antwoord op ‘${keywords}’` : 'Nieuw antwoord'),
  keywords: 'Trefwoorden, gescheiden door komma’s',
  text: 'Antwoord',
  offerHandover: 'Ook aanbieden om met een medewerker te praten',
  fallback: 'Als geen antwoord past',
  remove: 'Verwijderen',
  removeFor: (keywords) => (keywords ? `Het antwoord op ‘${keywords}’ verwijderen` : 'Nieuw antwoord verwijderen'),
  add: 'Antwoord toevoegen',
  save: 'Antwoorden van de bot opslaan',
  saved: 'Antwoorden van de bot opgeslagen',
  badKeywords: 'Elk antwoord heeft minstens één trefwoord nodig.',
  badText: 'Elk antwoord heeft een tekst nodig.',
  badFallback: 'De standaardtekst mag niet leeg zijn.',
};

export function botAnswersCatalogFor(locale: string): BotAnswersCatalog {
  return pickCatalog({ en, nl }, en, locale);
}
