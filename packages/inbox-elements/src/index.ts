/**
 * @confab/inbox-elements — the Confab agent inbox as Lit custom elements. This entry exports the
 * classes only (no side effects); import `@confab/inbox-elements/define.js` to register the tags.
 */
export { ConfabInbox } from './inbox/inbox.js';
export { ConfabViewList } from './view-list/view-list.js';
export { ConfabFilterBar } from './filter-bar/filter-bar.js';
export { ConfabConversationList } from './conversation-list/conversation-list.js';
export { ConfabThread } from './thread/thread.js';
export { ConfabReplyEditor, type EditorMode } from './reply-editor/reply-editor.js';
export { ConfabAboutPanel } from './about-panel/about-panel.js';
export { ConfabComposeDialog } from './compose-dialog/compose-dialog.js';
export { ConfabSettingsPanel } from './settings-panel/settings-panel.js';
export { ConfabShortcutsDialog } from './shortcuts-dialog/shortcuts-dialog.js';
export { ConfabTeamSection } from './team-section/team-section.js';
export { ConfabCannedResponses } from './canned-responses/canned-responses.js';
export { ConfabBotAnswers } from './bot-answers/bot-answers.js';
export { ConfabSatisfactionHours } from './satisfaction-hours/satisfaction-hours.js';
export { ConfabLabelSettings } from './label-settings/label-settings.js';
export { ConfabNotifications } from './notifications/notifications.js';
export { ConfabEmailRecipients } from './email-recipients/email-recipients.js';
export { ConfabSignatureSettings } from './signature-settings/signature-settings.js';
export type { InviteDelivery, TeamInvites } from './team-section/invites.js';
export { ConfabElement, type Refusal } from './shared/confab-element.js';
export { StoreController, shallowArrayEqual, type Equality } from '@confab/element-kit';
export { clientContext, localeContext, linksContext, type RecordLinks } from './shared/context.js';
export type {
  ConfabEventMap,
  OpenRecordDetail,
  CreateTicketDetail,
  CreateDealDetail,
  RecordType,
  SelectConversationDetail,
  ViewChangeDetail,
  FilterChangeDetail,
} from './shared/events.js';
export { catalogFor, type Catalog } from './i18n/i18n.js';
export { en } from './i18n/en.js';
export { nl } from './i18n/nl.js';
