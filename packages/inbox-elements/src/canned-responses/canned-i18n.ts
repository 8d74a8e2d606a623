import { pickCatalog } from '../i18n/i18n.js';

// The canned responses section's words load with it (on first use), not with the inbox's first paint.

/** English words of the canned responses section. Every other language has this shape. */
const en = {
  title: 'Canned responses',
  help: 'Type / in a reply to insert one. {{contact.name}}, {{contact.email}} and {{agent.name}} are filled in.',
  none: 'No canned responses yet.',
  adminOnly: 'Only an admin can change the canned responses.',
  snippet: (shortcut: string) => (shortcut ? `Canned response /${shortcut}` : 'New canned response'),
  shortcut: 'Shortcut (lowercase letters, digits and dashes)',
  name: 'Title',
  textEn: 'Text in English',
  textNl: 'Text in Dutch',
  remove: 'Remove',
  removeFor: (shortcut: string) => (shortcut ? `Remove canned response /${shortcut}` : 'Remove new canned response'),
  add: 'Add canned response',
  save: 'Save canned responses',
  saved: 'Canned responses saved',
  badShortcut: 'A shortcut uses only lowercase letters, digits and dashes, and starts with a letter or digit.',
  badTitle: 'Every canned response needs a title.',
};

export type CannedCatalog = typeof en;

const nl: CannedCatalog = {
  title: 'Standaardantwoorden',
  help: 'Typ / in een antwoord om er een in te voegen. {{contact.name}}, {{contact.email}} en {{agent.name}} worden ingevuld.',
  none: 'Nog geen standaardantwoorden.',
  adminOnly: 'Alleen een beheerder kan de standaardantwoorden wijzigen.',
  snippet: (shortcut) => (shortcut ? `Standaardantwoord /${shortcut}` : 'Nieuw standaardantwoord'),
  shortcut: 'Sneltoets (kleine letters, cijfers en streepjes)',
  name: 'Titel',
  textEn: 'Tekst in het Engels',
  textNl: 'Tekst in het Nederlands',
  remove: 'Verwijderen',
  removeFor: (shortcut) =>
    shortcut ? `Standaardantwoord /${shortcut} verwijderen` : 'Nieuw standaardantwoord verwijderen',
  add: 'Standaardantwoord toevoegen',
  save: 'Standaardantwoorden opslaan',
  saved: 'Standaardantwoorden opgeslagen',
  badShortcut:
    'Een sneltoets bestaat alleen uit kleine letters, cijfers en streepjes, en begint met een letter of cijfer.',
  badTitle: 'Elk standaardantwoord heeft een titel nodig.',
};

export function cannedCatalogFor(locale: string): CannedCatalog {
  return pickCatalog({ en, nl }, en, locale);
}
