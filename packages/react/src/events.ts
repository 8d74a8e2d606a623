import type { EventName } from '@lit/react';
import type { ConfabEventMap } from '@confab/inbox-elements';

/** `'confab-open-record'` as the event it names, so a handler gets `CustomEvent<OpenRecordDetail>`. */
function event<K extends keyof ConfabEventMap>(name: K): EventName<ConfabEventMap[K]> {
  return name as EventName<ConfabEventMap[K]>;
}

// Which `on…` prop listens to which event, by the events each element sends.
export const OPEN_RECORD = { onOpenRecord: event('confab-open-record') };
export const SELECT_CONVERSATION = { onSelectConversation: event('confab-select-conversation') };
export const FILTER_CHANGE = { onFilterChange: event('confab-filter-change') };
export const VIEW_LIST_EVENTS = {
  onViewChange: event('confab-view-change'),
  onCompose: event('confab-compose'),
  onOpenSettings: event('confab-open-settings'),
};
