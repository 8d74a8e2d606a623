import { createContext } from '@lit/context';
import type { InboxClient } from '@confab/core';

/** The client, provided by `<confab-inbox>` (or any provider) to every element inside it. */
export const clientContext = createContext<InboxClient | undefined>(Symbol('confab-client'));

/** The locale chosen on `<confab-inbox>`, so nested parts speak the same language. */
export const localeContext = createContext<string | undefined>(Symbol('confab-locale'));

/** Host-supplied URL templates (T3, A1): `{type}` and `{id}` are replaced. */
export interface RecordLinks {
  ticketUrlTemplate?: string;
  recordUrlTemplate?: string;
}
export const linksContext = createContext<RecordLinks | undefined>(Symbol('confab-links'));
