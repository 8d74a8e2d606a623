import { pickCatalog } from '../i18n/i18n.js';

// The signature section's words load with the settings, not with the inbox's first paint.

/** English words of the signature section. Every other language has this shape. */
const en = {
  title: 'Your email signature',
  help: 'Added below your email replies and new emails; never to chats, Messenger or comments.',
  signature: 'Signature',
  save: 'Save signature',
  saved: 'Signature saved',
  removed: 'Signature removed',
};

export type SignatureSettingsCatalog = typeof en;

const nl: SignatureSettingsCatalog = {
  title: 'Je e-mailhandtekening',
  help: 'Komt onder je antwoorden per e-mail en nieuwe e-mails; nooit onder chats, Messenger of opmerkingen.',
  signature: 'Handtekening',
  save: 'Handtekening opslaan',
  saved: 'Handtekening opgeslagen',
  removed: 'Handtekening verwijderd',
};

export function signatureSettingsCatalogFor(locale: string): SignatureSettingsCatalog {
  return pickCatalog({ en, nl }, en, locale);
}
