/**
 * The `::part`s of each inbox element, and how `<confab-inbox>` passes them on. A part inside a
 * shadow root is styled only from the root that holds the element, so the inbox re-exports every
 * part of the elements it renders, prefixed with the element's short name: `confab-inbox::part(list-row)`
 * styles what `confab-conversation-list::part(row)` styles. The thread passes its reply editor's
 * parts on as `editor-*`, so the inbox has `thread-editor-textarea`; the settings panel passes its
 * canned responses, Labels and Team sections' on as `canned-*`, `labels-*` and `team-*` (`settings-team-members`). scripts/parts.test.mjs checks
 * that these lists match the parts each element renders.
 */
export const ELEMENT_PARTS = {
  'confab-view-list': {
    prefix: 'views',
    parts: ['nav', 'view', 'count', 'compose', 'footer', 'availability', 'settings'],
  },
  'confab-filter-bar': { prefix: 'filter', parts: ['search', 'filter-button', 'menu', 'chip', 'date-range'] },
  'confab-conversation-list': { prefix: 'list', parts: ['toolbar', 'listbox', 'row', 'checkbox', 'snackbar'] },
  'confab-reply-editor': { prefix: 'editor', parts: ['tabs', 'textarea', 'suggestions', 'send', 'pending', 'blocked'] },
  'confab-thread': {
    prefix: 'thread',
    parts: [
      'header',
      'assignee',
      'label-menu',
      'close',
      'more',
      'menu',
      'ticket-link',
      'labels',
      'banner',
      'log',
      'message',
      'activity',
      'comment',
      'reply',
      'sender-check',
      'email-html',
      'delivery',
      'editor',
    ],
  },
  'confab-about-panel': { prefix: 'about', parts: ['section', 'section-toggle', 'record-link'] },
  'confab-compose-dialog': { prefix: 'compose', parts: ['dialog', 'send'] },
  'confab-settings-panel': {
    prefix: 'settings',
    parts: ['form', 'save', 'signature', 'bot-answers', 'satisfaction-hours', 'canned', 'labels', 'team'],
  },
  'confab-satisfaction-hours': { prefix: 'satisfaction-hours', parts: ['form'] },
  'confab-bot-answers': { prefix: 'bot-answers', parts: ['form', 'answer', 'add'] },
  'confab-canned-responses': { prefix: 'canned', parts: ['form', 'snippet', 'add'] },
  'confab-label-settings': { prefix: 'labels', parts: ['form', 'label'] },
  'confab-team-section': { prefix: 'team', parts: ['members', 'invite'] },
  'confab-shortcuts-dialog': { prefix: 'shortcuts', parts: ['dialog'] },
  'confab-notifications': { prefix: 'notifications', parts: ['button', 'dialog', 'item'] },
} as const;

export type PartsOwner = keyof typeof ELEMENT_PARTS;

/** Every part `tag` exposes, its own and those it passes on from an element inside it. */
export function partsOf(tag: PartsOwner): string[] {
  const own: string[] = [...ELEMENT_PARTS[tag].parts];
  if (tag === 'confab-thread') own.push(...partsOf('confab-reply-editor').map((part) => `editor-${part}`));
  if (tag === 'confab-settings-panel') {
    own.push(...partsOf('confab-bot-answers').map((part) => `bot-answers-${part}`));
    own.push(...partsOf('confab-satisfaction-hours').map((part) => `satisfaction-hours-${part}`));
    own.push(...partsOf('confab-canned-responses').map((part) => `canned-${part}`));
    own.push(...partsOf('confab-label-settings').map((part) => `labels-${part}`));
    own.push(...partsOf('confab-team-section').map((part) => `team-${part}`));
  }
  return own;
}

/** The `exportparts` value that passes on `tag`'s parts with its prefix (`row: list-row, …`). */
export function exportPartsOf(tag: PartsOwner, prefix: string = ELEMENT_PARTS[tag].prefix): string {
  return partsOf(tag)
    .map((part) => `${part}: ${prefix}-${part}`)
    .join(', ');
}
