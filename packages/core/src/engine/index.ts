// The rules of the inbox (SPEC.md): pure and deterministic. Servers and the memory transport run it.
export * from './engine.js';
export * from './state.js';
export * from './views.js';
export { BOT_CLOSE_IDLE_MS } from './agent-commands.js';
export { TYPING_ACTIVITY_WINDOW_MS, typingWindowStart, typingMovesBotClock } from './visitor-activity.js';
export { PREVIEW_LENGTH, previewOf, newConversation } from './records.js';
export { visibleToVisitor, projectTyping, projectViewing } from './projection.js';
export { route, routableAgents, isRoutable } from './routing.js';
export { executeOptimistic } from './optimistic.js';
export { emailKey } from './email.js';
export { senderNotVerified, uncopiedCcAddresses, isUnauthenticatedChannel } from './sender-trust.js';
export { MAX_OPEN_CHATS_PER_VISITOR, MAX_CHAT_STARTS_PER_WINDOW, CHAT_START_WINDOW_MS } from './visitor-commands.js';
export { isAdminCommand } from './dispatch.js';
export * from './team.js';
export {
  attachmentCarrier,
  mayDownloadAttachment,
  conversationsOfContact,
  type AttachmentCarrier,
} from './attachments.js';
