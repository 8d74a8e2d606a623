import { pickCatalog } from '../i18n/i18n.js';

// The Cc/Bcc fields' words load with them (on first use), not with the inbox's first paint.

/** English words of the Cc/Bcc fields. Every other language has this shape. */
const en = {
  show: 'Cc/Bcc',
  cc: 'Cc',
  bcc: 'Bcc',
  hint: 'Separate addresses with commas. Bcc is not shown to anyone who receives the email.',
  signature: 'Your signature is added below:',
};

export type EmailRecipientsCatalog = typeof en;

const nl: EmailRecipientsCatalog = {
  show: 'Cc/Bcc',
  cc: 'Cc',
  bcc: 'Bcc',
  hint: 'Scheid adressen met komma’s. Bcc ziet niemand die de e-mail ontvangt.',
  signature: 'Je handtekening wordt eronder toegevoegd:',
};

export function emailRecipientsCatalogFor(locale: string): EmailRecipientsCatalog {
  return pickCatalog({ en, nl }, en, locale);
}
