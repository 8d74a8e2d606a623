import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import {
  ATTACHMENT_TYPES,
  httpUploadSender,
  assignableAgents,
  cannedResponsesMatching,
  cannedResponseText,
  composedText,
  emailReplyOf,
  mentionedIds,
  mentionSuggestions,
  replyBlocker,
  latestMessageAt,
  teammatesRepliedAfter,
  type Agent,
  type ConfabError,
  type PendingCommand,
  type UploadSender,
} from '@confab/core';
import { refusalText } from '../i18n/i18n.js';
import { ConfabElement } from '../shared/confab-element.js';
import { StoreController, shallowArrayEqual } from '@confab/element-kit';
import { baseStyles } from '../shared/theme.js';
import { icon } from '../shared/icons.js';
import { replyEditorStyles } from './reply-editor.styles.js';
import { acceptFileDrag, uploadListStyles } from '../shared/upload-list.js';
import { UploadsController } from '../shared/uploads-controller.js';
import type { ConfabEmailRecipients } from '../email-recipients/email-recipients.js';

export type EditorMode = 'reply' | 'comment';

/** `@que` right before the caret: the mention being typed. */
const MENTION_AT_CARET = /(?:^|\s)@([\p{L}\p{N}._-]*)$/u;
/** `/pri` right before the caret, at the start or after a space: a canned response being looked up. */
const SHORTCUT_AT_CARET = /(?:^|\s)\/([a-z0-9-]*)$/;
const MAX_SUGGESTIONS = 6;
/** While a reply is being written, the visitor hears "typing" again this often (it expires after 8 s). */
const TYPING_REPEAT_MS = 3000;

/**
 * The popup under the text field while `@name` or `/shortcut` is typed: what is looked up, where
 * its trigger character is, and the highlighted choice.
 */
interface Lookup {
  kind: 'mention' | 'canned';
  query: string;
  start: number;
  active: number;
}

/** One option of the popup: what it shows, and the text it puts in place of what was typed. */
interface Choice {
  label: string;
  shortcut?: string;
  text: () => string;
}

/** Pending entries change state in place: compare what is shown, not identity. */
function samePending(a: PendingCommand[], b: PendingCommand[]): boolean {
  return (
    a.length === b.length &&
    a.every((entry, i) => entry.id === b[i]!.id && entry.state === b[i]!.state && entry.error === b[i]!.error)
  );
}

function isOwnMessage(pending: PendingCommand, conversationId: string | undefined): boolean {
  const command = pending.command;
  return (
    (command.type === 'message.reply' || command.type === 'message.comment') &&
    command.conversationId === conversationId
  );
}

/**
 * The reply editor (R1, T9): **Reply** goes to the contact, **Comment** is an internal note where
 * `@` suggests teammates to mention. The draft is kept per conversation (across reloads, by the
 * client); messages not yet acknowledged show as sending, refused ones offer Retry and Discard.
 * Typing `/` at the start of a line or after a space lists the team's canned responses (issue 16):
 * arrows choose, Enter or Tab inserts the text with its placeholders filled, Escape closes.
 * Ctrl+Enter (Cmd+Enter) sends.
 *
 * @example
 * <confab-reply-editor .client=${client} conversation-id="c1"></confab-reply-editor>
 *
 * @csspart tabs - The Reply / Comment tabs.
 * @csspart textarea - The text field.
 * @csspart suggestions - The listbox of teammates to mention or canned responses to insert.
 * @csspart send - The send button.
 * @csspart pending - Messages being sent or refused.
 * @csspart blocked - Why a reply cannot go out here (a form without an email address, Messenger's 24 hours); comments still can.
 * @cssproperty --confab-comment-bg - Field background in Comment mode.
 * @cssproperty --confab-accent - Send button.
 *
 * @tagname confab-reply-editor
 */
export class ConfabReplyEditor extends ConfabElement {
  static override styles = [baseStyles, replyEditorStyles, uploadListStyles];

  /** The conversation this editor writes in. */
  @property({ attribute: 'conversation-id' }) accessor conversationId: string | undefined;
  /** Reply to the contact, or comment for the team. */
  @property({ reflect: true }) accessor mode: EditorMode = 'reply';

  /**
   * How files are uploaded. Default: `POST /api/files` on the page's own origin with its session
   * cookie (the inbox served by the Confab server); set one for a server elsewhere.
   */
  @property({ attribute: false }) accessor upload: UploadSender = httpUploadSender({ url: '/api/files' });

  @state() private accessor text = '';
  /** The draft's Cc and Bcc of an email reply, as typed. */
  @state() private accessor copies = { cc: '', bcc: '' };
  /** Files of the message being written, uploading as soon as they are picked (only in a conversation). */
  private readonly files = new UploadsController(this, {
    keepFocus: () => this.textarea()?.focus(),
    accepts: () => !!this.conversationId,
  });
  /** The mention or canned response being looked up, and the highlighted choice. */
  @state() private accessor lookup: Lookup | undefined;
  /** The newest message's time when this reply was begun: teammates' replies after it collide. */
  private writingAfter: number | undefined;
  /** Teammates who replied while this reply was being written; shown until sent anyway or edited away. */
  @state() private accessor collision: string[] = [];

  private readonly pending = new StoreController<PendingCommand[], PendingCommand[]>(
    this,
    () => this.client?.pending,
    (all) => all.filter((p) => isOwnMessage(p, this.conversationId)).map((p) => ({ ...p })),
    samePending,
  );
  /** Whether a reply here goes out as email, and the signature the engine will add to it. */
  private readonly emailReply = new StoreController<unknown, { signature: string } | null>(
    this,
    () => this.client?.store.revision,
    () =>
      this.conversationId ? this.client!.store.read(emailReplyOf, this.conversationId, this.client!.store.me) : null,
    (a, b) => a?.signature === b?.signature && !a === !b,
  );
  private readonly agents = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.read(assignableAgents),
    shallowArrayEqual<Agent>,
  );

  /** Why a reply would reach no one here (the engine's rule), or null. */
  private readonly blocker = new StoreController<unknown, ConfabError | null>(
    this,
    () => this.client?.store.revision,
    () => (this.conversationId ? this.client!.store.read(replyBlocker, this.conversationId, Date.now()) : null),
    (a, b) => a?.reason === b?.reason,
  );

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('conversationId') || changed.has('client')) && this.client && this.conversationId) {
      this.text = this.client.drafts.get(this.conversationId) ?? '';
      this.lookup = undefined;
      this.writingAfter = undefined;
      this.collision = [];
      // Files picked for one conversation are not sent in another; its Cc and Bcc stay in its draft.
      if (changed.has('conversationId')) {
        this.files.clear();
        this.recipients()?.reset?.();
      }
      this.copies = {
        cc: this.client.drafts.get(this.conversationId, 'cc'),
        bcc: this.client.drafts.get(this.conversationId, 'bcc'),
      };
    }
  }

  protected override updated(changed: PropertyValues): void {
    // The Cc/Bcc fields load when an email reply is first written, not with the inbox.
    if (this.emailReply.value) void import('../email-recipients/define.js');
    // The highlighted choice of a long list stays in sight as the arrows move it.
    if (changed.has('lookup') && this.lookup)
      this.renderRoot.querySelector(`#choice-${this.lookup.active}`)?.scrollIntoView({ block: 'nearest' });
  }

  /** Moves focus to the text field. */
  override focus(): void {
    this.textarea()?.focus();
  }

  override render() {
    const t = this.t;
    const choices = this.choices();
    const open = choices.length > 0;
    const active = this.lookup?.active ?? 0;
    const pending = this.pending.value ?? [];
    const blocked = this.mode === 'reply' ? (this.blocker.value ?? null) : null;
    const email = this.emailReply.value;
    return html`
      ${
        pending.length
          ? html`<ul class="pending" part="pending">
              ${pending.map((p) =>
                p.state === 'failed'
                  ? html`<li class="failed">
                      <span>${t.failed(this.describeError(p.error).message)}</span>
                      <button class="button" @click=${() => this.retry(p.id)}>${t.retry}</button>
                      <button class="button" @click=${() => this.discard(p)}>${t.discard}</button>
                    </li>`
                  : html`<li>
                      ${p.files?.length ? t.sendingWithFiles(p.files.map((file) => file.name).join(', ')) : t.sending}
                    </li>`,
              )}
            </ul>`
          : nothing
      }
      <div role="tablist" part="tabs" aria-label=${t.editorModes} @keydown=${this.onTabKeydown}>
        ${this.renderTab('reply', t.reply, 'reply')} ${this.renderTab('comment', t.comment, 'comment')}
      </div>
      <div role="tabpanel" id="panel" aria-labelledby="tab-${this.mode}">
        <div class="box" @dragover=${acceptFileDrag} @drop=${this.files.brought}>
          ${
            open
              ? html`<ul
                  class="suggestions"
                  part="suggestions"
                  id="choices"
                  role="listbox"
                  aria-label=${this.lookup?.kind === 'canned' ? t.cannedResponses : t.mentionSuggestions}
                >
                  ${choices.map(
                    (choice, index) =>
                      html`<li
                        id="choice-${index}"
                        role="option"
                        aria-selected=${index === active ? 'true' : 'false'}
                        @mousedown=${(event: Event) => event.preventDefault()}
                        @click=${() => this.pick(choice)}
                      >
                        ${choice.label}${choice.shortcut ? html` <span class="shortcut">/${choice.shortcut}</span>` : nothing}
                      </li>`,
                  )}
                </ul>`
              : nothing
          }
          <textarea
            part="textarea"
            aria-label=${this.mode === 'reply' ? t.reply : t.internalComment}
            aria-autocomplete="list"
            aria-controls=${open ? 'choices' : nothing}
            aria-activedescendant=${open ? `choice-${active}` : nothing}
            placeholder=${this.mode === 'reply' ? t.replyPlaceholder : t.commentPlaceholder}
            .value=${live(this.text)}
            ?disabled=${!this.conversationId}
            @input=${this.onInput}
            @keydown=${this.onKeydown}
            @paste=${this.files.brought}
            @blur=${() => (this.lookup = undefined)}
          ></textarea>
        </div>
        ${this.files.render(this.t, this.resolvedLocale)}
        ${
          email && this.mode === 'reply'
            ? html`<confab-email-recipients
                .signature=${email.signature}
                .cc=${live(this.copies.cc)}
                .bcc=${live(this.copies.bcc)}
                @input=${this.onCopiesInput}
                .locale=${this.resolvedLocale}
                .theme=${this.theme}
              ></confab-email-recipients>`
            : nothing
        }
        ${blocked ? html`<p class="blocked" part="blocked" id="blocked">${refusalText(t, blocked)}</p>` : nothing}
        ${
          this.collision.length
            ? html`<p class="blocked" role="alert">
                ${t.repliedMeanwhile(this.collision.join(', '))}
                <button class="button" @click=${() => this.send(true)}>${t.sendAnyway}</button>
              </p>`
            : nothing
        }
        <div class="bottom">
          <button
            class="button attach"
            aria-label=${t.attachFile}
            title=${t.attachFile}
            ?disabled=${!this.conversationId}
            @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}
          >
            ${icon('attach')}
          </button>
          <input
            type="file"
            multiple
            hidden
            tabindex="-1"
            accept=${ATTACHMENT_TYPES.join(',')}
            @change=${this.files.picked}
          />
          <span class="hint">${t.sendHint}</span>
          <button
            class="button primary"
            part="send"
            ?disabled=${!this.canSend() || blocked !== null}
            aria-describedby=${blocked ? 'blocked' : nothing}
            @click=${() => this.send()}
          >
            ${this.mode === 'reply' ? t.send : t.comment}
          </button>
        </div>
      </div>
    `;
  }

  private renderTab(mode: EditorMode, label: string, iconName: string) {
    const selected = this.mode === mode;
    return html`<button
      role="tab"
      id="tab-${mode}"
      aria-selected=${selected ? 'true' : 'false'}
      aria-controls="panel"
      tabindex=${selected ? '0' : '-1'}
      @click=${() => this.setMode(mode)}
    >
      ${icon(iconName)}${label}
    </button>`;
  }

  /** Keeps the Cc and Bcc as typed in the conversation's draft. */
  private onCopiesInput = (event: Event): void => {
    const fields = event.currentTarget as Partial<ConfabEmailRecipients>;
    this.copies = { cc: fields.cc ?? '', bcc: fields.bcc ?? '' };
    if (!this.client || !this.conversationId) return;
    this.client.drafts.set(this.conversationId, this.copies.cc, 'cc');
    this.client.drafts.set(this.conversationId, this.copies.bcc, 'bcc');
  };

  /** The Cc/Bcc fields (their methods arrive once their code has loaded). */
  private recipients(): Partial<ConfabEmailRecipients> | null {
    return this.renderRoot?.querySelector('confab-email-recipients') ?? null;
  }

  private textarea(): HTMLTextAreaElement | null {
    return this.renderRoot?.querySelector('textarea') ?? null;
  }

  private setMode(mode: EditorMode): void {
    this.mode = mode;
    this.lookup = undefined;
    if (mode === 'comment') this.stopTyping();
  }

  /** The conversation the contact was last told a reply is being typed in, and when. */
  private typingConversation: string | undefined;
  private typingSentAt = 0;

  /**
   * Tells the contact a reply is being written (W1, typing both ways). Only in Reply mode: an
   * internal comment must not even show that someone is writing (R2).
   */
  private signalTyping(): void {
    const conversationId = this.conversationId;
    if (!this.client || !conversationId || this.mode !== 'reply' || !this.text.trim()) return this.stopTyping();
    if (this.typingConversation === conversationId && Date.now() - this.typingSentAt < TYPING_REPEAT_MS) return;
    if (this.typingConversation !== conversationId) this.stopTyping();
    this.typingConversation = conversationId;
    this.typingSentAt = Date.now();
    void this.client.send({ type: 'typing', conversationId, typing: true }).catch(() => undefined);
  }

  private stopTyping(): void {
    const conversationId = this.typingConversation;
    if (!conversationId || !this.client) return;
    this.typingConversation = undefined;
    this.typingSentAt = 0;
    void this.client.send({ type: 'typing', conversationId, typing: false }).catch(() => undefined);
  }

  override disconnectedCallback(): void {
    this.stopTyping();
    super.disconnectedCallback();
  }

  private onTabKeydown = async (event: KeyboardEvent): Promise<void> => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    this.setMode(this.mode === 'reply' ? 'comment' : 'reply');
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#tab-${this.mode}`)?.focus();
  };

  /** What the popup offers: teammates to mention (comments only), or the canned responses found. */
  private choices(): Choice[] {
    const lookup = this.lookup;
    const client = this.client;
    if (!lookup || !client) return [];
    if (lookup.kind === 'canned') {
      const locale = this.resolvedLocale.toLowerCase().startsWith('nl') ? 'nl' : 'en';
      const context = { conversationId: this.conversationId ?? '', agentId: client.store.me, locale } as const;
      return client.store.read(cannedResponsesMatching, lookup.query).map((response) => ({
        label: response.title,
        shortcut: response.shortcut,
        text: () => client.store.read(cannedResponseText, response.shortcut, context),
      }));
    }
    if (this.mode !== 'comment') return [];
    return mentionSuggestions(this.agents.value ?? [], lookup.query, MAX_SUGGESTIONS).map((agent) => ({
      label: agent.name,
      text: () => `@${agent.name} `,
    }));
  }

  /** Text, or at least one uploaded file, and nothing still uploading. */
  private canSend(): boolean {
    const list = this.files.value;
    if (list.some((file) => file.state === 'uploading')) return false;
    // A file whose upload failed on the way goes with a message that has text (it waits in the outbox).
    return this.text.trim() !== '' || list.some((file) => file.state === 'done');
  }

  private onInput = (event: Event): void => {
    const field = event.target as HTMLTextAreaElement;
    this.text = field.value;
    if (this.client && this.conversationId && this.writingAfter === undefined)
      this.writingAfter = this.client.store.read(latestMessageAt, this.conversationId);
    if (this.client && this.conversationId) this.client.drafts.set(this.conversationId, this.text);
    const before = field.value.slice(0, field.selectionStart ?? field.value.length);
    const canned = SHORTCUT_AT_CARET.exec(before);
    const mention = this.mode === 'comment' ? MENTION_AT_CARET.exec(before) : null;
    const match = canned ?? mention;
    this.lookup = match
      ? {
          kind: canned ? 'canned' : 'mention',
          query: match[1] ?? '',
          start: before.length - (match[1]?.length ?? 0) - 1,
          active: 0,
        }
      : undefined;
    this.signalTyping();
  };

  private onKeydown = (event: KeyboardEvent): void => {
    const choices = this.choices();
    if (choices.length && this.lookup) {
      const count = choices.length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.lookup = { ...this.lookup, active: (this.lookup.active + step + count) % count };
        return;
      }
      if ((event.key === 'Enter' && !event.ctrlKey && !event.metaKey) || event.key === 'Tab') {
        event.preventDefault();
        void this.pick(choices[this.lookup.active]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.lookup = undefined;
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.send();
    }
  };

  /** Puts the choice's text in place of the `@name` or `/shortcut` typed. */
  private async pick(choice: Choice): Promise<void> {
    const field = this.textarea();
    if (!this.lookup || !field) return;
    const caret = field.selectionStart ?? this.text.length;
    const inserted = choice.text();
    this.text = this.text.slice(0, this.lookup.start) + inserted + this.text.slice(caret);
    const position = this.lookup.start + inserted.length;
    this.lookup = undefined;
    if (this.client && this.conversationId) this.client.drafts.set(this.conversationId, this.text);
    await this.updateComplete;
    field.focus();
    field.setSelectionRange(position, position);
  }

  /**
   * Sends the text as a reply or a comment. A reply a teammate's reply overtook while it was being
   * written waits for a second "send" (collision), so that the contact does not get two answers.
   */
  send = async (anyway = false): Promise<void> => {
    // Sent as typed; only stray blank lines before it and whitespace after it are dropped.
    const text = composedText(this.text);
    const conversationId = this.conversationId;
    if (!this.canSend() || !conversationId || !this.client) return;
    const attachments = this.files.attachments();
    const withFiles = attachments.length ? { attachments } : {};
    const waiting = this.files.offline();
    const copies = (this.mode === 'reply' && this.recipients()?.copies?.()) || {};
    // Ctrl+Enter too: a reply that would reach no one stays a draft (the editor says why).
    if (this.mode === 'reply' && this.blocker.value) return;
    if (this.mode === 'reply' && !anyway) {
      const since = this.writingAfter ?? Infinity;
      const me = this.client.me.get()?.id ?? null;
      this.collision = this.client.store.read(teammatesRepliedAfter, conversationId, since, me);
      if (this.collision.length) return;
    }
    this.collision = [];
    this.writingAfter = undefined;
    const mentions = mentionedIds(text, this.agents.value ?? []);
    this.stopTyping();
    this.text = '';
    this.lookup = undefined;
    this.client.drafts.set(conversationId, '');
    this.client.drafts.set(conversationId, '', 'cc');
    this.client.drafts.set(conversationId, '', 'bcc');
    this.copies = { cc: '', bcc: '' };
    this.files.clear();
    this.recipients()?.reset?.();
    // A refusal shows through `client.pending` (failed, with Retry); nothing else to do here.
    await this.run(
      this.mode === 'reply'
        ? { type: 'message.reply', conversationId, text, ...withFiles, ...copies }
        : { type: 'message.comment', conversationId, text, mentions, ...withFiles },
      waiting,
    );
  };

  private retry(commandId: string): void {
    this.client?.retry(commandId).catch(() => undefined);
  }

  private discard(pending: PendingCommand): void {
    this.client?.discard(pending.id);
    // Give the text back, so that discarding a failed message does not lose what was written.
    const command = pending.command;
    if (!this.text && (command.type === 'message.reply' || command.type === 'message.comment')) {
      this.text = command.text;
      if (this.conversationId) this.client?.drafts.set(this.conversationId, this.text);
    }
  }
}
