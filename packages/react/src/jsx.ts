// Types only: lets React 19 apps write the Confab tags directly in JSX, without the components of
// this package. React 19 sets a custom element's known properties as properties (so `client={client}`
// hands over the object) and listens to `on<event-name>` props as DOM events, e.g.
// `onconfab-open-record`. Load once, anywhere in the app: `import type {} from '@confab/react/jsx';`
// The props are derived from the element classes, so they cannot drift from the elements.
import type * as React from 'react';
import type {
  ConfabAboutPanel,
  ConfabComposeDialog,
  ConfabConversationList,
  ConfabEventMap,
  ConfabFilterBar,
  ConfabInbox,
  ConfabReplyEditor,
  ConfabSettingsPanel,
  ConfabShortcutsDialog,
  ConfabThread,
  ConfabViewList,
} from '@confab/inbox-elements';
import type { ConfabChat, ConfabChatEventDetails } from '@confab/chat-widget';
import type { LitElement } from 'lit';

type IfEquals<X, Y, A, B> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A : B;

/** The keys of T that can be assigned: not methods, not getters without a setter. */
type SettableKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown
    ? never
    : IfEquals<{ [Q in K]: T[K] }, { -readonly [Q in K]: T[K] }, K, never>;
}[keyof T];

/** An element's own properties (those LitElement and HTMLElement do not have), all optional. */
export type ElementProperties<E> = Partial<Pick<E, Exclude<SettableKeys<E>, keyof LitElement>>>;

/** `on<event-name>` handler props for the events in `Events` (event name → event). */
export type EventProps<Events> = {
  [K in keyof Events & string as `on${K}`]?: (event: Events[K]) => void;
};

/** What a tag accepts in JSX: React's attributes for an HTML element, its properties, its events. */
export type CustomElementProps<E, Events = object> = React.DetailedHTMLProps<React.HTMLAttributes<E>, E> &
  ElementProperties<E> &
  EventProps<Events>;

type Pick2<K extends keyof ConfabEventMap> = Pick<ConfabEventMap, K>;
type ChatEvents = { [K in keyof ConfabChatEventDetails]: CustomEvent<ConfabChatEventDetails[K]> };

/** Every Confab tag with its props: for React 19 here, and for any other framework's own typing. */
export interface ConfabIntrinsicElements {
  'confab-inbox': CustomElementProps<ConfabInbox, ConfabEventMap>;
  'confab-view-list': CustomElementProps<
    ConfabViewList,
    Pick2<'confab-view-change' | 'confab-compose' | 'confab-open-settings'>
  >;
  'confab-filter-bar': CustomElementProps<ConfabFilterBar, Pick2<'confab-filter-change'>>;
  'confab-conversation-list': CustomElementProps<ConfabConversationList, Pick2<'confab-select-conversation'>>;
  'confab-thread': CustomElementProps<ConfabThread, Pick2<'confab-open-record'>>;
  'confab-reply-editor': CustomElementProps<ConfabReplyEditor>;
  'confab-about-panel': CustomElementProps<
    ConfabAboutPanel,
    Pick2<'confab-open-record' | 'confab-select-conversation'>
  >;
  'confab-compose-dialog': CustomElementProps<ConfabComposeDialog>;
  'confab-settings-panel': CustomElementProps<ConfabSettingsPanel>;
  'confab-shortcuts-dialog': CustomElementProps<ConfabShortcutsDialog>;
  'confab-chat': CustomElementProps<ConfabChat, ChatEvents>;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface IntrinsicElements extends ConfabIntrinsicElements {}
  }
}
