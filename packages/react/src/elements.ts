// Generated from custom-elements.json by scripts/manifest.mjs: do not edit; run npm run build (or node scripts/manifest.mjs).
import type {
  ConfabAboutPanel,
  ConfabBotAnswers,
  ConfabCannedResponses,
  ConfabComposeDialog,
  ConfabConversationList,
  ConfabEmailRecipients,
  ConfabFilterBar,
  ConfabInbox,
  ConfabLabelSettings,
  ConfabNotifications,
  ConfabReplyEditor,
  ConfabSatisfactionHours,
  ConfabSettingsPanel,
  ConfabShortcutsDialog,
  ConfabSignatureSettings,
  ConfabTeamSection,
  ConfabThread,
  ConfabViewList,
  CreateDealDetail,
  CreateTicketDetail,
  FilterChangeDetail,
  OpenRecordDetail,
  SelectConversationDetail,
  ViewChangeDetail,
} from '@confab/inbox-elements';
import type { ConfabChat } from '@confab/chat-widget';

/** Every Confab tag: its element class and its events (event name → event type). */
export interface ConfabElements {
  'confab-about-panel': {
    element: ConfabAboutPanel;
    events: {
      'confab-open-record': CustomEvent<OpenRecordDetail>;
      'confab-select-conversation': CustomEvent<SelectConversationDetail>;
      'confab-create-ticket': CustomEvent<CreateTicketDetail>;
      'confab-create-deal': CustomEvent<CreateDealDetail>;
    };
  };
  'confab-bot-answers': {
    element: ConfabBotAnswers;
    events: Record<never, never>;
  };
  'confab-canned-responses': {
    element: ConfabCannedResponses;
    events: Record<never, never>;
  };
  'confab-compose-dialog': {
    element: ConfabComposeDialog;
    events: Record<never, never>;
  };
  'confab-conversation-list': {
    element: ConfabConversationList;
    events: {
      'confab-select-conversation': CustomEvent<SelectConversationDetail>;
    };
  };
  'confab-email-recipients': {
    element: ConfabEmailRecipients;
    events: Record<never, never>;
  };
  'confab-filter-bar': {
    element: ConfabFilterBar;
    events: {
      'confab-filter-change': CustomEvent<FilterChangeDetail>;
    };
  };
  'confab-inbox': {
    element: ConfabInbox;
    events: {
      'confab-view-change': CustomEvent<ViewChangeDetail>;
      'confab-select-conversation': CustomEvent<SelectConversationDetail>;
      'confab-open-record': CustomEvent<OpenRecordDetail>;
      'confab-compose': CustomEvent<Record<string, never>>;
      'confab-open-settings': CustomEvent<Record<string, never>>;
    };
  };
  'confab-label-settings': {
    element: ConfabLabelSettings;
    events: Record<never, never>;
  };
  'confab-notifications': {
    element: ConfabNotifications;
    events: {
      'confab-unread-change': CustomEvent<{ count: number }>;
      'confab-select-conversation': CustomEvent<SelectConversationDetail>;
    };
  };
  'confab-reply-editor': {
    element: ConfabReplyEditor;
    events: Record<never, never>;
  };
  'confab-satisfaction-hours': {
    element: ConfabSatisfactionHours;
    events: Record<never, never>;
  };
  'confab-settings-panel': {
    element: ConfabSettingsPanel;
    events: Record<never, never>;
  };
  'confab-shortcuts-dialog': {
    element: ConfabShortcutsDialog;
    events: {
      'confab-shortcuts-change': CustomEvent<{ singleKey: boolean }>;
    };
  };
  'confab-signature-settings': {
    element: ConfabSignatureSettings;
    events: Record<never, never>;
  };
  'confab-team-section': {
    element: ConfabTeamSection;
    events: Record<never, never>;
  };
  'confab-thread': {
    element: ConfabThread;
    events: {
      'confab-open-record': CustomEvent<OpenRecordDetail>;
    };
  };
  'confab-view-list': {
    element: ConfabViewList;
    events: {
      'confab-view-change': CustomEvent<ViewChangeDetail>;
      'confab-compose': CustomEvent<Record<string, never>>;
      'confab-open-settings': CustomEvent<Record<string, never>>;
    };
  };
  'confab-chat': {
    element: ConfabChat;
    events: {
      'confab-close-request': CustomEvent<Record<string, never>>;
      'confab-message-sent': CustomEvent<{ conversationId: string | null; text: string }>;
      'confab-conversation-started': CustomEvent<{ conversationId: string }>;
      'confab-conversation-change': CustomEvent<{ conversationId: string | null }>;
    };
  };
}
