import { css, html, nothing, type PropertyValues } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import {
  activityNoteOf,
  createViewingNotice,
  allAgents,
  assigneeOptions,
  labelsOf,
  labelStates,
  contactById,
  isPendingRecord,
  messagesOf,
  ticketById,
  attachmentViews,
  senderNotVerified,
  spamApplies,
  uncopiedCcAddresses,
  type Agent,
  type AgentCommand,
  type ActivityNote,
  type AssigneeOption,
  type Label,
  type Contact,
  type Conversation,
  type Message,
  type Ticket,
  type TypingSignal,
  type ViewingNotice,
  type ViewingSignal,
} from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { LINK_REL, StoreController, shallowArrayEqual } from '@confab/element-kit';
import { MenuController } from '../shared/menu.js';
import { ModalController } from '../shared/dialog.js';
import { FocusKeeper } from '../shared/focus.js';
import { baseStyles } from '../shared/theme.js';
import { emit } from '../shared/events.js';
import { icon } from '../shared/icons.js';
import { linksContext, type RecordLinks } from '../shared/context.js';
import { fillTemplate, linkify } from '../shared/safe-url.js';
import { formatDateTime } from '../i18n/i18n.js';
import { threadStyles } from './thread.styles.js';
import type { SafeEmail } from './email-html.js';
import { renderDelivery } from './delivery-status.js';
import { exportPartsOf } from '../shared/parts.js';
import { labelChip, labelChipStyles } from '../shared/label-chip.js';

/** The reply editor's parts, passed on as this thread's `editor-*` parts. */
const EDITOR_PARTS = exportPartsOf('confab-reply-editor');

interface ThreadModel {
  conversation: Conversation | undefined;
  messages: Message[];
  contact: Contact | undefined;
  ticket: Ticket | undefined;
  agents: Agent[];
  /** Messages to mark "sender not verified", and Cc addresses not copied on replies (issue 20 item 3). */
  unverified: string[];
  uncopied: string[];
  /** T2: who the Assignee menu offers (core decides), with a disabled current assignee marked. */
  assignees: AssigneeOption[];
  /** Issue 16: the conversation's labels, and its activity notes by message id (core words nothing, it resolves names). */
  labels: Label[];
  notes: Map<string, ActivityNote>;
  /** Changes whenever a note's names or label colours do. */
  notesKey: string;
}

function sameOptions(a: AssigneeOption[], b: AssigneeOption[]): boolean {
  return (
    a.length === b.length &&
    a.every((option, i) => option.agent === b[i]!.agent && option.assignable === b[i]!.assignable)
  );
}

function sameModel(a: ThreadModel, b: ThreadModel): boolean {
  return (
    a.conversation === b.conversation &&
    a.contact === b.contact &&
    a.ticket === b.ticket &&
    shallowArrayEqual(a.messages, b.messages) &&
    shallowArrayEqual(a.agents, b.agents) &&
    shallowArrayEqual(a.unverified, b.unverified) &&
    shallowArrayEqual(a.uncopied, b.uncopied) &&
    shallowArrayEqual(a.labels, b.labels) &&
    a.notesKey === b.notesKey &&
    sameOptions(a.assignees, b.assignees)
  );
}

type DialogMode = 'transcript' | 'forward';

/** After a T11 refusal, how long the close control stays disabled before it may be tried again. */
const CLOSE_RETRY_MS = 60_000;

/**
 * One conversation's full thread (T1): messages and internal comments (clearly different), email
 * headers, the Assignee menu (T2), the ticket link (T3), the More menu (T4: transcript, delete,
 * block sender, mark as spam), Forward (T7), Mark as closed / Reopen (T8, refused by T11 with the
 * reason shown), Filtered and Trash actions, and the reply editor (T9).
 *
 * @example
 * <confab-thread .client=${client} conversation-id="c1" ticket-url-template="https://crm.example/tickets/{id}"></confab-thread>
 *
 * @slot header-start - Before the title (the inbox puts the left-panel toggle here).
 * @slot header-end - After the title (the inbox puts the right-panel toggle here).
 * @fires confab-open-record - The ticket link was followed (cancelable); `detail.type` is `ticket`.
 * @csspart header - The header with title and actions.
 * @csspart assignee - The Assignee menu button.
 * @csspart close - The Mark as closed / Reopen button.
 * @csspart more - The More menu button.
 * @csspart menu - An open menu.
 * @csspart ticket-link - The ticket link (T3).
 * @csspart labels - The conversation's labels under the title (issue 16).
 * @csspart label-menu - The Labels menu button (issue 16).
 * @csspart activity - A dated note of what a team member did (issue 16; beside `message`).
 * @csspart banner - The Filtered, Trash or Sent notice, or the Cc addresses not copied on replies, with its actions.
 * @csspart sender-check - On a message filed under a verified contact by email, form or Messenger: "sender not verified", Confirm sender, Move to a new contact.
 * @csspart log - The list of messages.
 * @csspart message - A message or comment.
 * @csspart reply - A message (beside `message`).
 * @csspart comment - A comment, seen by the team only (beside `message`).
 * @csspart email-html - The box an HTML email is shown in, sanitised (its own content is in its own shadow root).
 * @csspart delivery - Under an outbound email: queued, sent, or not delivered with the mail server's answer and Send again.
 * @csspart editor - The reply editor.
 * @cssproperty --confab-comment-bg - Background of internal comments.
 * @cssproperty --confab-comment-border - Border of internal comments.
 * @cssproperty --confab-accent-soft - Background of outbound messages.
 *
 * @tagname confab-thread
 */
export class ConfabThread extends ConfabElement {
  static override styles = [baseStyles, labelChipStyles, threadStyles];

  /** The conversation shown. */
  @property({ attribute: 'conversation-id' }) accessor conversationId: string | undefined;
  /** T3: URL of a ticket record in the host product; `{id}` is replaced by the ticket id. */
  @property({ attribute: 'ticket-url-template' }) accessor ticketUrlTemplate: string | undefined;

  @consume({ context: linksContext, subscribe: true })
  @state()
  private accessor links: RecordLinks | undefined;

  @state() private accessor notice = '';
  /** Emails the agent reads as plain text, and those whose remote images they allowed. */
  @state() private accessor plainText: ReadonlySet<string> = new Set();
  @state() private accessor remoteAllowed: ReadonlySet<string> = new Set();
  /** Sanitised HTML bodies by `messageId:remote`; filled asynchronously (the sanitiser loads on first use). */
  private readonly safeEmails = new Map<string, SafeEmail>();
  /** The sanitiser's module: loaded with the first HTML email, not with the inbox. */
  private emailHtml: typeof import('./email-html.js') | undefined;
  /** T11: why closing was refused, for this conversation in this state. */
  @state() private accessor closeBlocked: { key: string; reason: string } | undefined;
  @state() private accessor dialogMode: DialogMode | undefined;

  private readonly assigneeMenu = new MenuController(this, 'assignee');
  private readonly moreMenu = new MenuController(this, 'more');
  private readonly labelMenu = new MenuController(this, 'labels');
  private readonly modal = new ModalController(this, 'dialog', () => (this.dialogMode = undefined));
  private lastMessageCount = 0;
  /**
   * A control that goes away with the change it made hands focus on: Mark as closed to Reopen,
   * More (Delete, Block sender, Mark as spam) to the banner's action that undoes it, anything else
   * (sender check, Cc banner, the editor of a deleted conversation) to the thread itself.
   */
  protected readonly focusKeeper = new FocusKeeper(this, (lost) => {
    const root = this.renderRoot;
    const replacement = lost.matches('[part="close"]') ? root.querySelector<HTMLElement>('[part="close"]') : null;
    const undo = lost.closest('.actions') ? root.querySelector<HTMLElement>('.banner .button') : null;
    return replacement ?? undo ?? root.querySelector<HTMLElement>('.log, .empty');
  });
  private closeBlockedTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly model = new StoreController<number, ThreadModel>(
    this,
    () => this.client?.store.revision,
    () => {
      const store = this.client!.store;
      const conversation = this.conversationId ? store.conversation(this.conversationId) : undefined;
      const messages = conversation ? [...store.read(messagesOf, conversation.id)] : [];
      const notes = new Map<string, ActivityNote>();
      for (const message of messages) {
        const note = message.activity ? store.read(activityNoteOf, message) : null;
        if (note) notes.set(message.id, note);
      }
      return {
        conversation,
        messages,
        contact: store.read(contactById, conversation?.contactId),
        ticket: store.read(ticketById, conversation?.ticketId),
        agents: store.read(allAgents),
        unverified: messages.filter((message) => store.read(senderNotVerified, message)).map((message) => message.id),
        uncopied: conversation ? store.read(uncopiedCcAddresses, conversation.id) : [],
        assignees: store.read(assigneeOptions, conversation),
        labels: store.read(labelsOf, conversation),
        notes,
        notesKey: JSON.stringify([...notes.values()]),
      };
    },
    sameModel,
  );

  private readonly me = new StoreController(this, () => this.client?.me);

  private readonly typing = new StoreController<TypingSignal[], TypingSignal[]>(
    this,
    () => this.client?.typing,
    (signals) => signals.filter((s) => s.conversationId === this.conversationId && s.typing),
    shallowArrayEqual,
  );

  /** Collision: the teammates who have this conversation open too. */
  private readonly viewers = new StoreController<ViewingSignal[], ViewingSignal[]>(
    this,
    () => this.client?.viewing,
    (signals) => signals.filter((s) => s.conversationId === this.conversationId),
    shallowArrayEqual,
  );

  /** Tells the teammates which conversation this thread shows (one notice per client). */
  private viewingNotice: { client: NonNullable<ConfabThread['client']>; notice: ViewingNotice } | undefined;

  private tellViewing(): void {
    const client = this.isConnected ? this.client : null;
    if (this.viewingNotice?.client !== client) {
      this.viewingNotice?.notice.stop();
      this.viewingNotice = client
        ? {
            client,
            notice: createViewingNotice((conversationId, viewing) => {
              void client.send({ type: 'viewing', conversationId, viewing }).catch(() => undefined);
            }),
          }
        : undefined;
    }
    // A conversation drawn before the server confirmed it has no id the others know.
    const id = this.conversationId;
    this.viewingNotice?.notice.view(id && !isPendingRecord(id) && this.model.value?.conversation ? id : null);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.tellViewing();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.closeBlockedTimer);
    this.tellViewing();
  }

  /** Moves keyboard focus to the messages (or to "no conversation"). */
  override focus(): void {
    this.renderRoot.querySelector<HTMLElement>('.log, .empty')?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) {
      this.notice = '';
      this.lastMessageCount = 0;
    }
  }

  protected override updated(): void {
    this.tellViewing();
    const count = this.model.value?.messages.length ?? 0;
    if (count !== this.lastMessageCount) {
      this.lastMessageCount = count;
      const log = this.renderRoot.querySelector('.log');
      if (log) log.scrollTop = log.scrollHeight;
    }
  }

  override render() {
    const t = this.t;
    const model = this.model.value;
    const conversation = model?.conversation;
    if (!conversation || !model) {
      return html`<header part="header">
          <div class="title-row">
            <slot name="header-start"></slot>
            <h2>${t.threadLabel}</h2>
            <slot name="header-end"></slot>
          </div>
        </header>
        <p class="empty" tabindex="-1">${t.noConversation}</p>`;
    }
    const contactName = model.contact?.name || model.contact?.email || t.unknownContact;
    const inTrash = conversation.trashedAt !== null;
    const typing = this.typing.value ?? [];
    const contactTyping = typing.find((signal) => signal.who === 'contact');
    const replying = typing.filter((signal) => signal.who === 'agent').map((signal) => signal.name);
    const viewing = (this.viewers.value ?? []).map((signal) => signal.name).filter((name) => !replying.includes(name));
    return html`
      <header part="header">
        <div class="title-row">
          <slot name="header-start"></slot>
          <h2>${conversation.subject || contactName}</h2>
          ${conversation.status === 'closed' ? html`<span class="badge">${t.closed}</span>` : nothing}
          <slot name="header-end"></slot>
        </div>
        ${model.ticket ? this.renderTicketLink(model.ticket) : nothing}
        ${
          model.labels.length
            ? html`<ul class="labels" part="labels" aria-label=${t.labels}>
                ${model.labels.map((label) => html`<li>${labelChip(label)}</li>`)}
              </ul>`
            : nothing
        }
        ${inTrash ? nothing : this.renderActions(conversation, model.assignees)}
        ${replying.length ? html`<p class="collision">${t.replying(replying.join(', '))}</p>` : nothing}
        ${viewing.length ? html`<p class="collision">${t.viewing(viewing.join(', '))}</p>` : nothing}
      </header>
      ${this.renderBanner(conversation)} ${this.renderUncopied(conversation, model.uncopied)}
      <p class="notice" role="alert">${this.notice}</p>
      <div class="log" part="log" role="log" aria-label=${t.threadLabel} tabindex="0">
        <ol aria-label=${t.threadLabel}>
          ${model.messages.filter((m) => !m.suppressed).map((message, index, all) => this.renderMessage(message, model, isLastEmail(all, index)))}
        </ol>
      </div>
      <div class="typing" aria-live="polite">${contactTyping ? t.typing(contactTyping.name) : ''}</div>
      ${inTrash ? nothing : html`<confab-reply-editor part="editor" exportparts=${EDITOR_PARTS} .client=${this.client} .conversationId=${conversation.id} .locale=${this.locale} theme=${this.theme ?? nothing}></confab-reply-editor>`}
      ${this.renderDialog()}
    `;
  }

  private renderTicketLink(ticket: Ticket) {
    const template = this.ticketUrlTemplate ?? this.links?.ticketUrlTemplate;
    const href = fillTemplate(template, { type: 'ticket', id: ticket.id });
    const label = this.t.ticketLink(ticket.name);
    const onOpen = (event: Event) => {
      const handledByHost = !emit(this, 'confab-open-record', { type: 'ticket', id: ticket.id }, true);
      if (handledByHost) event.preventDefault();
    };
    return html`<div>
      ${
        href
          ? html`<a class="ticket-link" part="ticket-link" href=${href} target="_blank" rel=${LINK_REL} @click=${onOpen}
              >${label}</a
            >`
          : html`<button class="button ticket-link" part="ticket-link" @click=${onOpen}>${label}</button>`
      }
    </div>`;
  }

  private renderActions(conversation: Conversation, assignees: AssigneeOption[]) {
    const t = this.t;
    const current = assignees.find((option) => option.agent.id === conversation.assigneeId);
    // A disabled assignee keeps the conversation until someone reassigns it, and is named so.
    const nameOf = (option: AssigneeOption) =>
      option.assignable ? option.agent.name : t.disabledAgent(option.agent.name);
    const closeKey = `${conversation.id}:${conversation.lastVisitorActivityAt}:${conversation.bot}:${conversation.assigneeId}`;
    const blocked = this.closeBlocked?.key === closeKey ? this.closeBlocked.reason : undefined;
    const isOpen = conversation.status === 'open';
    return html`<div class="actions">
      <div class="anchor">
        <button
          id=${this.assigneeMenu.triggerId}
          class="button"
          part="assignee"
          aria-haspopup="menu"
          aria-expanded=${this.assigneeMenu.open ? 'true' : 'false'}
          aria-controls=${this.assigneeMenu.menuId}
          @click=${this.assigneeMenu.toggle}
          @keydown=${this.assigneeMenu.onTriggerKeydown}
        >
          ${t.assignTo}: ${current ? nameOf(current) : t.unassigned}${icon('chevron')}
        </button>
        ${
          this.assigneeMenu.open
            ? html`<div
                id=${this.assigneeMenu.menuId}
                class="menu"
                part="menu"
                role="menu"
                aria-label=${t.assignTo}
                @keydown=${this.assigneeMenu.onMenuKeydown}
              >
                ${[
                  { id: null, name: t.unassigned, assignable: true },
                  ...assignees.map((option) => ({
                    id: option.agent.id,
                    name: nameOf(option),
                    assignable: option.assignable,
                  })),
                ].map(
                  (item) =>
                    html`<button
                      role="menuitemradio"
                      tabindex="-1"
                      aria-checked=${conversation.assigneeId === item.id ? 'true' : 'false'}
                      aria-disabled=${item.assignable ? nothing : 'true'}
                      @click=${() => (item.assignable ? this.assign(item.id) : undefined)}
                    >
                      <span class="check-mark" aria-hidden="true"
                        >${conversation.assigneeId === item.id ? '✓' : ''}</span
                      >${item.name}
                    </button>`,
                )}
              </div>`
            : nothing
        }
      </div>
      <div class="anchor">
        <button
          id=${this.labelMenu.triggerId}
          class="button"
          part="label-menu"
          aria-haspopup="menu"
          aria-expanded=${this.labelMenu.open ? 'true' : 'false'}
          aria-controls=${this.labelMenu.menuId}
          @click=${this.labelMenu.toggle}
          @keydown=${this.labelMenu.onTriggerKeydown}
        >
          ${t.labels}${icon('chevron')}
        </button>
        ${this.labelMenu.open ? this.renderLabelMenu(conversation) : nothing}
      </div>
      <span class="spacer"></span>
      ${
        isOpen
          ? html`<button
              class="button"
              part="close"
              aria-disabled=${blocked ? 'true' : 'false'}
              aria-describedby=${blocked ? 'close-reason' : nothing}
              @click=${() => this.setStatus('closed', closeKey, !!blocked)}
            >
              ${t.markClosed}
            </button>`
          : html`<button class="button" part="close" @click=${() => this.setStatus('open', closeKey, false)}>
              ${t.reopen}
            </button>`
      }
      <div class="anchor end">
        <button
          id=${this.moreMenu.triggerId}
          class="button"
          part="more"
          aria-haspopup="menu"
          aria-expanded=${this.moreMenu.open ? 'true' : 'false'}
          aria-controls=${this.moreMenu.menuId}
          @click=${this.moreMenu.toggle}
          @keydown=${this.moreMenu.onTriggerKeydown}
        >
          ${t.more}${icon('chevron')}
        </button>
        ${
          this.moreMenu.open
            ? html`<div
                id=${this.moreMenu.menuId}
                class="menu"
                part="menu"
                role="menu"
                aria-label=${t.more}
                @keydown=${this.moreMenu.onMenuKeydown}
              >
                <button role="menuitem" tabindex="-1" @click=${() => this.openDialog('transcript')}>
                  ${t.sendTranscript}…
                </button>
                <button role="menuitem" tabindex="-1" @click=${this.trash}>${t.delete}</button>
                ${
                  conversation.filtered === 'blocked'
                    ? nothing
                    : html`<button role="menuitem" tabindex="-1" @click=${this.blockSender}>${t.blockSender}</button>`
                }
                ${
                  conversation.filtered === null && spamApplies(conversation)
                    ? html`<button role="menuitem" tabindex="-1" @click=${this.markSpam}>${t.markSpam}</button>`
                    : nothing
                }
              </div>`
            : nothing
        }
      </div>
      ${blocked ? html`<span id="close-reason" class="reason">${blocked}</span>` : nothing}
    </div>`;
  }

  private renderBanner(conversation: Conversation) {
    const t = this.t;
    if (conversation.trashedAt !== null) {
      return html`<div class="banner" part="banner">
        <p>${t.trashBanner}</p>
        <button
          class="button"
          @click=${() => this.act({ type: 'conversation.restore', conversationIds: [conversation.id] })}
        >
          ${t.restore}
        </button>
        <button
          class="button danger"
          @click=${() => this.act({ type: 'conversation.deleteForever', conversationIds: [conversation.id] })}
        >
          ${t.deleteForever}
        </button>
      </div>`;
    }
    if (conversation.filtered !== null) {
      const contactId = conversation.contactId;
      return html`<div class="banner" part="banner">
        <p>${t.filteredBanner[conversation.filtered] ?? ''}</p>
        ${
          conversation.filtered === 'blocked' && contactId
            ? html`<button class="button" @click=${() => this.act({ type: 'contact.unblock', contactId })}>
                ${t.unblock}
              </button>`
            : html`<button
                class="button"
                @click=${() => this.act({ type: 'conversation.unfilter', conversationId: conversation.id })}
              >
                ${t.notSpam}
              </button>`
        }
      </div>`;
    }
    if (conversation.sentOnly) return html`<div class="banner" part="banner"><p>${t.sentBanner}</p></div>`;
    return nothing;
  }

  private renderMessage(message: Message, model: ThreadModel, lastEmail: boolean) {
    const t = this.t;
    const author = this.authorName(message, model);
    const time = html`<time datetime=${new Date(message.createdAt).toISOString()}
      >${formatDateTime(message.createdAt, this.resolvedLocale)}</time
    >`;
    const note = model.notes.get(message.id);
    if (note) {
      const who = note.actor || t.someone;
      const words =
        note.type === 'assigned'
          ? t.activity.assigned(who, note.assignee ?? null)
          : note.type === 'labelAdded' || note.type === 'labelRemoved'
            ? t.activity[note.type](who, note.label!.name)
            : note.type === 'rated'
              ? t.activity.rated(who, note.score!, note.comment!)
              : t.activity[note.type](who);
      return html`<li class="message system activity" part="message activity">${words} · ${time}</li>`;
    }
    if (message.kind === 'system') {
      return html`<li class="message system" part="message">
        ${message.text} · ${time} ${renderDelivery(message, t, () => void this.sendAgain(message))}
      </li>`;
    }
    const isComment = message.kind === 'comment';
    const mentions = message.mentions
      .map((id) => model.agents.find((agent) => agent.id === id)?.name)
      .filter((name): name is string => !!name);
    // Shown at once, before the server confirmed it (optimistic): marked as sending.
    const sending = isPendingRecord(message.id);
    return html`<li
      class="message ${isComment ? 'comment' : message.direction} ${sending ? 'sending' : ''}"
      part="message ${isComment ? 'comment' : 'reply'}"
    >
      <div class="message-head">
        ${isComment ? html`<span class="kind">${icon('comment')}${t.internalComment}</span>` : nothing}
        <span class="author">${author}</span>
        ${time} ${sending ? html`<span>${t.sending}</span>` : nothing}
      </div>
      ${
        message.email
          ? html`<dl class="headers">
              <dt>${t.from}</dt>
              <dd>${message.email.from}</dd>
              <dt>${t.to}</dt>
              <dd>${message.email.to.join(', ')}</dd>
              ${
                message.email.cc.length
                  ? html`<dt>${t.cc}</dt>
                      <dd>${message.email.cc.join(', ')}</dd>`
                  : nothing
              }
              ${
                message.email.bcc?.length
                  ? html`<dt>${t.bcc}</dt>
                      <dd>${message.email.bcc.join(', ')}</dd>`
                  : nothing
              }
              <dt>${t.subject}</dt>
              <dd>${message.email.subject}</dd>
            </dl>`
          : nothing
      }
      ${model.unverified.includes(message.id) ? this.renderSenderCheck(message) : nothing} ${this.renderBody(message)}
      ${mentions.length ? html`<div class="message-head">@ ${mentions.join(', ')}</div>` : nothing}
      ${message.attachments.length ? this.renderAttachments(message) : nothing}
      ${
        lastEmail && message.conversationId
          ? html`<div class="message-actions">
              <button class="button" @click=${() => this.openDialog('forward')}>${icon('reply')}${t.forward}</button>
            </div>`
          : nothing
      }
      ${renderDelivery(message, t, () => void this.sendAgain(message))}
    </li>`;
  }

  /**
   * The message's text; an email with HTML is shown formatted, sanitised, in its own shadow root,
   * with remote content held back until the agent allows it; plain text is one click away.
   */
  /** Images as lazy previews in a fixed box (no layout shift), other files as name, type and size. */
  private renderAttachments(message: Message) {
    const t = this.t;
    return html`<ul class="attachments" aria-label=${t.attachments}>
      ${attachmentViews(message.attachments, location.origin, this.resolvedLocale).map(
        (file) =>
          html`<li>
            ${
              file.kind === 'image'
                ? html`<a class="image-link" href=${file.url} target="_blank" rel=${LINK_REL}
                    ><img src=${file.url} alt=${t.attachmentImage(file.name)} loading="lazy" width="240" height="180"
                  /></a>`
                : html`<a href=${file.url} download=${file.name}>${t.downloadFile(file.name)}</a>
                    <span class="file-meta">${file.type}, ${file.sizeText}</span>`
            }
          </li>`,
      )}
    </ul>`;
  }

  private renderBody(message: Message) {
    const t = this.t;
    const text = html`<p class="text">${linkify(message.text)}</p>`;
    const source = message.email?.html;
    if (!source) return text;
    const id = message.id;
    const toggle = (set: ReadonlySet<string>) => {
      const next = new Set(set);
      if (!next.delete(id)) next.add(id);
      return next;
    };
    const plain = this.plainText.has(id);
    const switcher = html`<button class="button" @click=${() => (this.plainText = toggle(this.plainText))}>
      ${plain ? t.showFormatted : t.showPlainText}
    </button>`;
    if (plain)
      return html`${text}
        <div class="message-actions">${switcher}</div>`;
    const remote = this.remoteAllowed.has(id);
    const key = `${id}:${remote}`;
    const safe = this.safeEmails.get(key);
    if (!safe) {
      void import('./email-html.js')
        .then((module) => (this.emailHtml = module).sanitizeEmail(source, remote))
        .then(
          (result) => {
            this.safeEmails.set(key, result);
            this.requestUpdate();
          },
          // A page whose Trusted Types policy names no `dompurify` cannot parse HTML: plain text it is.
          () => (this.plainText = new Set([...this.plainText, id])),
        );
      return text;
    }
    return html`<div
        class="email-html"
        part="email-html"
        ${ref((host) => this.emailHtml?.mountEmail(host, key, safe, EMAIL_BOX.styleSheet!))}
      ></div>
      <div class="message-actions">
        ${switcher}
        ${
          safe.blocked && !remote
            ? html`<span class="remote-note">${t.remoteBlocked}</span>
                <button class="button" @click=${() => (this.remoteAllowed = toggle(this.remoteAllowed))}>
                  ${t.showRemote}
                </button>`
            : nothing
        }
      </div>`;
  }

  private async sendAgain(message: Message) {
    await this.act({ type: 'message.resend', conversationId: message.conversationId, messageId: message.id });
    await this.updateComplete;
    // The button went with the failure: focus stays on that email's delivery line.
    this.renderRoot.querySelector<HTMLElement>(`.delivery[data-message-id="${CSS.escape(message.id)}"]`)?.focus();
  }

  /** Issue 20 item 3: a message filed under a verified contact by a channel that proves nothing. */
  private renderSenderCheck(message: Message) {
    const t = this.t;
    const conversationId = message.conversationId;
    const address = message.email?.from ?? this.client?.store.read(contactById, message.authorId)?.email ?? '';
    return html`<div class="sender-check" part="sender-check" role="group" aria-label=${t.senderNotVerified}>
      <p><strong>${t.senderNotVerified}</strong> ${t.senderNotVerifiedWhy(address)}</p>
      <button
        class="button"
        @click=${() => this.act({ type: 'message.confirmSender', conversationId, messageId: message.id })}
      >
        ${t.confirmSender}
      </button>
      <button
        class="button"
        @click=${() => this.act({ type: 'message.splitSender', conversationId, messageId: message.id })}
      >
        ${t.splitSender}
      </button>
    </div>`;
  }

  /** Cc addresses of inbound mail that the team's replies do not copy until someone says so. */
  private renderUncopied(conversation: Conversation, addresses: string[]) {
    if (!addresses.length) return nothing;
    const t = this.t;
    return html`<div class="banner" part="banner">
      <p>${t.notCopied}: ${addresses.join(', ')}</p>
      ${addresses.map(
        (address) =>
          html`<button
            class="button"
            @click=${() => this.act({ type: 'conversation.copyOnReplies', conversationId: conversation.id, address })}
          >
            ${t.copyOnReplies(address)}
          </button>`,
      )}
    </div>`;
  }

  private renderDialog() {
    const t = this.t;
    const mode = this.dialogMode;
    return html`<dialog aria-labelledby="dialog-title" @submit=${this.submitDialog}>
      ${
        mode
          ? html`<form method="dialog">
              <div class="dialog-header">
                <h2 id="dialog-title">${mode === 'forward' ? t.forward : t.sendTranscript}</h2>
                <button type="button" class="icon-button" aria-label=${t.close} @click=${() => this.modal.close()}>
                  ${icon('close')}
                </button>
              </div>
              <div class="dialog-body">
                <label class="field">
                  <span>${mode === 'forward' ? t.forwardTo : t.transcriptTo}</span>
                  <input name="to" type="email" required autofocus />
                </label>
                ${
                  mode === 'forward'
                    ? html`<label class="field"
                        ><span>${t.note}</span><textarea name="note" rows="3"></textarea>
                      </label>`
                    : nothing
                }
              </div>
              <div class="dialog-actions">
                <button type="button" class="button" @click=${() => this.modal.close()}>${t.cancel}</button>
                <button type="submit" class="button primary">${t.send}</button>
              </div>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  private authorName(message: Message, model: ThreadModel): string {
    const t = this.t;
    if (message.authorType === 'bot') return t.bot;
    if (message.authorType === 'agent') {
      if (this.me.value?.id === message.authorId) return t.you;
      return model.agents.find((agent) => agent.id === message.authorId)?.name ?? '';
    }
    if (message.authorType === 'contact') {
      const contact = this.client?.store.read(contactById, message.authorId);
      return contact?.name || contact?.email || message.email?.from || t.unknownContact;
    }
    return '';
  }

  private async openDialog(mode: DialogMode): Promise<void> {
    // Focus first goes back to More, so that closing the dialog returns it there, not to a menu item that is gone.
    this.moreMenu.close();
    this.dialogMode = mode;
    await this.modal.open();
  }

  private submitDialog = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const conversationId = this.conversationId;
    if (!conversationId) return;
    const data = new FormData(event.target as HTMLFormElement);
    const to = String(data.get('to') ?? '').trim();
    const note = String(data.get('note') ?? '').trim();
    const mode = this.dialogMode;
    this.modal.close();
    if (mode === 'forward')
      await this.act({ type: 'conversation.forward', conversationId, to, ...(note ? { note } : {}) });
    else await this.act({ type: 'conversation.sendTranscript', conversationId, to });
  };

  /** Issue 16: each team label, checked when the conversation has it; choosing one puts it on or takes it off. */
  private renderLabelMenu(conversation: Conversation) {
    const t = this.t;
    const states = this.client!.store.read(labelStates, [conversation.id]);
    return html`<div
      id=${this.labelMenu.menuId}
      class="menu"
      part="menu"
      role="menu"
      aria-label=${t.labels}
      @keydown=${this.labelMenu.onMenuKeydown}
    >
      ${
        states.length
          ? states.map(({ label, applied }) => {
              const has = applied === 'all';
              return html`<button
                role="menuitemcheckbox"
                tabindex="-1"
                aria-checked=${has ? 'true' : 'false'}
                @click=${() => this.toggleLabel(label.id, has)}
              >
                <span class="check-mark" aria-hidden="true">${has ? '✓' : ''}</span>${labelChip(label)}
              </button>`;
            })
          : html`<div role="menuitem" tabindex="-1" aria-disabled="true">${t.noLabels}</div>`
      }
    </div>`;
  }

  private async toggleLabel(labelId: string, remove: boolean): Promise<void> {
    this.labelMenu.close();
    if (!this.conversationId) return;
    const type = remove ? 'conversation.removeLabel' : 'conversation.addLabel';
    await this.act({ type, conversationIds: [this.conversationId], labelId });
  }

  private async assign(assigneeId: string | null): Promise<void> {
    this.assigneeMenu.close();
    if (this.conversationId)
      await this.act({ type: 'conversation.assign', conversationId: this.conversationId, assigneeId });
  }

  private async setStatus(status: 'open' | 'closed', closeKey: string, blocked: boolean): Promise<void> {
    if (blocked || !this.conversationId) return;
    this.notice = '';
    const error = await this.run({ type: 'conversation.setStatus', conversationIds: [this.conversationId], status });
    if (!error) return;
    // A rule refusal (T11) disables the control, with the reason beside it, until the conversation changes.
    if (status === 'closed' && error.rule === 'T11') {
      this.closeBlocked = { key: closeKey, reason: error.message };
      // Time alone can lift T11 (30 quiet minutes): offer the control again after a while.
      clearTimeout(this.closeBlockedTimer);
      this.closeBlockedTimer = setTimeout(() => (this.closeBlocked = undefined), CLOSE_RETRY_MS);
    } else this.notice = this.t.error(error.message);
  }

  private trash = (): void => {
    this.moreMenu.close();
    if (this.conversationId) void this.act({ type: 'conversation.trash', conversationIds: [this.conversationId] });
  };

  private blockSender = (): void => {
    this.moreMenu.close();
    if (this.conversationId) void this.act({ type: 'conversation.blockSender', conversationId: this.conversationId });
  };

  private markSpam = (): void => {
    this.moreMenu.close();
    if (this.conversationId) void this.act({ type: 'conversation.markSpam', conversationId: this.conversationId });
  };

  private async act(command: AgentCommand): Promise<void> {
    this.notice = '';
    const error = await this.run(command);
    if (error) this.notice = this.t.error(error.message);
  }
}

/** T7 forwards "from the most recent email": the button sits on the last message with email fields. */
function isLastEmail(messages: Message[], index: number): boolean {
  if (!messages[index]?.email || messages[index]?.kind !== 'reply') return false;
  for (let i = index + 1; i < messages.length; i += 1)
    if (messages[i]?.email && messages[i]?.kind === 'reply') return false;
  return true;
}

/** Styles of the box an email's HTML is shown in: mail is written for a light page, and may not leave its box. */
const EMAIL_BOX = css`
  :host {
    display: block;
    contain: content;
    overflow: auto;
    max-inline-size: 100%;
    padding: 8px 12px;
    border-radius: 6px;
    background: #fff;
    color: #1d2433;
    color-scheme: light;
    font:
      14px/1.5 system-ui,
      sans-serif;
  }
  img {
    max-inline-size: 100%;
    block-size: auto;
  }
`;
