/**
 * @confab/chat-widget — the visitor chat window as a Lit element, for pages that build their own
 * embedding (most sites use the script tag instead: dist/bundles/confab-widget.js). No side
 * effects: import `@confab/chat-widget/define.js` to register `<confab-chat>`.
 */
export { ConfabChat, type ConfabChatEventDetails } from './chat/confab-chat.js';
export { STRINGS, resolveLocale, type Strings } from './i18n.js';
export type {
  AppApi,
  Availability,
  ConfabApi,
  ConfabEventDetails,
  ConfabEventName,
  ConfabListener,
  ConfabState,
  WidgetConfig,
  WidgetLocale,
} from './boot.js';
