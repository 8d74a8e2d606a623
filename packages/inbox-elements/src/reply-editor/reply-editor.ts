import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import {
  assignableAgents,
  composedText,
  mentionedIds,
  replyBlocker,
  type Agent,
  type ConfabError,
  type PendingCommand,
} from '@confab/core';
import { refusalText } from '../i18n/i18n.js';
import { ConfabElement } from '../shared/confab-element.js';
import { StoreController, shallowArrayEqual } from '@confab/element-kit';
import { baseStyles } from '../shared/theme.js';
import { icon } from '../shared/icons.js';
import { replyEditorStyles } from './reply-editor.styles.js';

export type EditorMode = 'reply' | 'comment';

/** `@que` right before the caret: the mention being typed. */
const MENTION_AT_CARET = /(?:^|\s)@([\p{L}\p{N}._-]*)$/u;
const MAX_SUGGESTIONS = 6;
/** While a reply is being written, the visitor hears "typing" again this often (it expires after 8 s). */
const TYPING_REPEAT_MS = 3000;

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
 * Ctrl+Enter (Cmd+Enter) sends.
 *
 * @example
 * <confab-reply-editor .client=${client} conversation-id="c1"></confab-reply-editor>
 *
 * @csspart tabs - The Reply / Comment tabs.
 * @csspart textarea - The text field.
 * @csspart suggestions - The mention suggestions listbox.
 * @csspart send - The send button.
 * @csspart pending - Messages being sent or refused.
 * @csspart blocked - Why a reply cannot go out here (a form without an email address, Messenger's 24 hours); comments still can.
 * @cssproperty --confab-comment-bg - Field background in Comment mode.
 * @cssproperty --confab-accent - Send button.
 *
 * @tagname confab-reply-editor
 */
export class ConfabReplyEditor extends ConfabElement {
  static override styles = [baseStyles, replyEditorStyles];

  /** The conversation this editor writes in. */
  @property({ attribute: 'conversation-id' }) accessor conversationId: string | undefined;
  /** Reply to the contact, or comment for the team. */
  @property({ reflect: true }) accessor mode: EditorMode = 'reply';

  @state() private accessor text = '';
  /** The mention being typed, and the highlighted suggestion. */
  @state() private accessor mention: { query: string; start: number; active: number } | undefined;

  private readonly pending = new StoreController<PendingCommand[], PendingCommand[]>(
    this,
    () => this.client?.pending,
    (all) => all.filter((p) => isOwnMessage(p, this.conversationId)).map((p) => ({ ...p })),
    samePending,
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
      this.mention = undefined;
    }
  }

  /** Moves focus to the text field. */
  override focus(): void {
    this.textarea()?.focus();
  }

  override render() {
    const t = this.t;
    const suggestions = this.suggestions();
    const open = suggestions.length > 0;
    const active = this.mention?.active ?? 0;
    const pending = this.pending.value ?? [];
    const blocked = this.mode === 'reply' ? (this.blocker.value ?? null) : null;
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
                  : html`<li>${t.sending}</li>`,
              )}
            </ul>`
          : nothing
      }
      <div role="tablist" part="tabs" aria-label=${t.editorModes} @keydown=${this.onTabKeydown}>
        ${this.renderTab('reply', t.reply, 'reply')} ${this.renderTab('comment', t.comment, 'comment')}
      </div>
      <div role="tabpanel" id="panel" aria-labelledby="tab-${this.mode}">
        <div class="box">
          ${
            open
              ? html`<ul
                  class="suggestions"
                  part="suggestions"
                  id="mentions"
                  role="listbox"
                  aria-label=${t.mentionSuggestions}
                >
                  ${suggestions.map(
                    (agent, index) =>
                      html`<li
                        id="mention-${index}"
                        role="option"
                        aria-selected=${index === active ? 'true' : 'false'}
                        @mousedown=${(event: Event) => event.preventDefault()}
                        @click=${() => this.pick(agent)}
                      >
                        ${agent.name}
                      </li>`,
                  )}
                </ul>`
              : nothing
          }
          <textarea
            part="textarea"
            aria-label=${this.mode === 'reply' ? t.reply : t.internalComment}
            aria-autocomplete=${this.mode === 'comment' ? 'list' : nothing}
            aria-controls=${open ? 'mentions' : nothing}
            aria-activedescendant=${open ? `mention-${active}` : nothing}
            placeholder=${this.mode === 'reply' ? t.replyPlaceholder : t.commentPlaceholder}
            .value=${live(this.text)}
            ?disabled=${!this.conversationId}
            @input=${this.onInput}
            @keydown=${this.onKeydown}
            @blur=${() => (this.mention = undefined)}
          ></textarea>
        </div>
        ${blocked ? html`<p class="blocked" part="blocked" id="blocked">${refusalText(t, blocked)}</p>` : nothing}
        <div class="bottom">
          <span class="hint">${t.sendHint}</span>
          <button
            class="button primary"
            part="send"
            ?disabled=${!this.text.trim() || blocked !== null}
            aria-describedby=${blocked ? 'blocked' : nothing}
            @click=${this.send}
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

  private textarea(): HTMLTextAreaElement | null {
    return this.renderRoot?.querySelector('textarea') ?? null;
  }

  private setMode(mode: EditorMode): void {
    this.mode = mode;
    this.mention = undefined;
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

  private suggestions(): Agent[] {
    if (!this.mention || this.mode !== 'comment') return [];
    const query = this.mention.query.toLowerCase();
    return (this.agents.value ?? [])
      .filter(
        (agent) =>
          agent.name
            .toLowerCase()
            .split(/\s+/)
            .some((word) => word.startsWith(query)) || agent.name.toLowerCase().startsWith(query),
      )
      .slice(0, MAX_SUGGESTIONS);
  }

  private onInput = (event: Event): void => {
    const field = event.target as HTMLTextAreaElement;
    this.text = field.value;
    if (this.client && this.conversationId) this.client.drafts.set(this.conversationId, this.text);
    const before = field.value.slice(0, field.selectionStart ?? field.value.length);
    const match = this.mode === 'comment' ? MENTION_AT_CARET.exec(before) : null;
    this.mention = match
      ? { query: match[1] ?? '', start: before.length - (match[1]?.length ?? 0) - 1, active: 0 }
      : undefined;
    this.signalTyping();
  };

  private onKeydown = (event: KeyboardEvent): void => {
    const suggestions = this.suggestions();
    if (suggestions.length && this.mention) {
      const count = suggestions.length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.mention = { ...this.mention, active: (this.mention.active + step + count) % count };
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        this.pick(suggestions[this.mention.active]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.mention = undefined;
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.send();
    }
  };

  private async pick(agent: Agent): Promise<void> {
    const field = this.textarea();
    if (!this.mention || !field) return;
    const caret = field.selectionStart ?? this.text.length;
    const inserted = `@${agent.name} `;
    this.text = this.text.slice(0, this.mention.start) + inserted + this.text.slice(caret);
    const position = this.mention.start + inserted.length;
    this.mention = undefined;
    if (this.client && this.conversationId) this.client.drafts.set(this.conversationId, this.text);
    await this.updateComplete;
    field.focus();
    field.setSelectionRange(position, position);
  }

  /** Sends the text as a reply or a comment. */
  send = async (): Promise<void> => {
    // Sent as typed; only stray blank lines before it and whitespace after it are dropped.
    const text = composedText(this.text);
    const conversationId = this.conversationId;
    if (!text || !conversationId || !this.client) return;
    // Ctrl+Enter too: a reply that would reach no one stays a draft (the editor says why).
    if (this.mode === 'reply' && this.blocker.value) return;
    const mentions = mentionedIds(text, this.agents.value ?? []);
    this.stopTyping();
    this.text = '';
    this.mention = undefined;
    this.client.drafts.set(conversationId, '');
    // A refusal shows through `client.pending` (failed, with Retry); nothing else to do here.
    await this.run(
      this.mode === 'reply'
        ? { type: 'message.reply', conversationId, text }
        : { type: 'message.comment', conversationId, text, mentions },
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
