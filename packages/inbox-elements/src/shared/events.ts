import { typedEmit } from '@confab/element-kit';
import type { ConversationFilter } from '@confab/core';
import type { AnnounceDetail } from './announcer.js';

/** Records the host product owns (SPEC A): the SDK asks the host to open them. */
export type RecordType = 'contact' | 'ticket' | 'company' | 'deal';

export interface OpenRecordDetail {
  type: RecordType;
  id: string;
}
/** A2: the ticket an agent asked for, before Confab creates it. */
export interface CreateTicketDetail {
  conversationId: string;
  contactId: string | null;
  name: string;
}
/** A7: the deal an agent asked for, before Confab creates it. */
export interface CreateDealDetail {
  conversationId: string;
  contactId: string | null;
  name: string;
  amount: number;
  currency: string;
}
export interface SelectConversationDetail {
  conversationId: string;
}
export interface ViewChangeDetail {
  viewId: string;
}
export interface FilterChangeDetail {
  filter: ConversationFilter;
  search: string;
}

/**
 * Every DOM event of the inbox elements: bubbling, composed `CustomEvent`s. Events for actions the
 * SDK cannot do itself are cancelable: `preventDefault()` tells the element the host handled it.
 */
export interface ConfabEventMap {
  /** A1, A2, A8, T3: open a record of the host product. Cancel it to stop the default link. */
  'confab-open-record': CustomEvent<OpenRecordDetail>;
  /** A2: Create ticket was submitted. Cancel it to create the ticket in your own product instead of in Confab. */
  'confab-create-ticket': CustomEvent<CreateTicketDetail>;
  /** A7: Create deal was submitted. Cancel it to create the deal in your own product instead of in Confab. */
  'confab-create-deal': CustomEvent<CreateDealDetail>;
  /** T1: a conversation was chosen in the list or the About panel. */
  'confab-select-conversation': CustomEvent<SelectConversationDetail>;
  /** A view (V1–V12 or saved) was chosen. */
  'confab-view-change': CustomEvent<ViewChangeDetail>;
  /** F1–F3: the filter menu or the search changed. */
  'confab-filter-change': CustomEvent<FilterChangeDetail>;
  /** C1: Compose was chosen. Cancel it to show your own composer. */
  'confab-compose': CustomEvent<Record<string, never>>;
  /** I1: Settings was chosen. Cancel it to show your own settings page. */
  'confab-open-settings': CustomEvent<Record<string, never>>;
  /** Text for screen readers (result counts, empty states, mentions); `<confab-inbox>` reads it out. */
  'confab-announce': CustomEvent<AnnounceDetail>;
  /** Issue 16: how many notifications the agent has not seen (a host can put it in the tab title). */
  'confab-unread-change': CustomEvent<{ count: number }>;
  /** The shortcuts dialog's switch: single-key shortcuts on or off. */
  'confab-shortcuts-change': CustomEvent<{ singleKey: boolean }>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends ConfabEventMap {}
}

/** Dispatches a typed `confab-*` event from `host`. Returns false when a listener cancelled it. */
export const emit = typedEmit<ConfabEventMap>();
