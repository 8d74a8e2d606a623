/**
 * The chat's rarer forms, loaded when one is shown: the pre-chat form (sites that turn it on) and
 * issue 17's rating after a closed chat. Most visitors see neither, so the first load does not
 * carry them (DESIGN §4).
 */
import { css, html, nothing } from 'lit';
import { MAX_TEXT_LENGTH, type Conversation, type RatingPrompt, type VisitorClient } from '@confab/core';
import { cachedFormatter } from '@confab/element-kit';
import type { WidgetLocale } from '../boot.js';

interface FormStrings {
  conversations: string;
  noConversations: string;
  newConversation: string;
  prechatIntro: string;
  name: string;
  email: string;
  startChat: string;
  rateQuestion: string;
  /** The accessible name of one score. */
  score: (score: number) => string;
  rateComment: string;
  rateSend: string;
  rated: string;
}

const STRINGS: Record<WidgetLocale, FormStrings> = {
  en: {
    conversations: 'Your conversations',
    noConversations: 'No conversations yet',
    newConversation: 'New conversation',
    prechatIntro: 'Before we start, who are we talking to?',
    name: 'Name',
    email: 'Email',
    startChat: 'Start chat',
    rateQuestion: 'How did we do? Rate this conversation from 1 to 5.',
    score: (score) => `${score} out of 5`,
    rateComment: 'Anything to add? (optional)',
    rateSend: 'Send rating',
    rated: 'Thanks for your rating!',
  },
  nl: {
    conversations: 'Je gesprekken',
    noConversations: 'Nog geen gesprekken',
    newConversation: 'Nieuw gesprek',
    prechatIntro: 'Voordat we beginnen: met wie praten we?',
    name: 'Naam',
    email: 'E-mailadres',
    startChat: 'Chat starten',
    rateQuestion: 'Hoe hebben we het gedaan? Geef dit gesprek een cijfer van 1 tot 5.',
    score: (score) => `${score} van 5`,
    rateComment: 'Nog iets toe te voegen? (optioneel)',
    rateSend: 'Beoordeling versturen',
    rated: 'Bedankt voor je beoordeling!',
  },
};

/** What the chat element gives its forms. */
export interface FormsHost {
  client: VisitorClient | null;
  locale: WidgetLocale;
  readonly conversationId: string | null;
  focusWindow(): Promise<void>;
  /** The pre-chat form was answered (or skipped): the message field takes its place. */
  prechatDone(): void;
  openThread(conversationId: string): void;
  startNewConversation(): void;
}

/** The visitor's conversations (W2), newest first, and a new one. */
export function renderHistory(host: FormsHost, threads: readonly Conversation[]) {
  const t = strings(host);
  const time = cachedFormatter(
    `date:${host.locale}`,
    () => new Intl.DateTimeFormat(host.locale, { dateStyle: 'medium', timeStyle: 'short' }),
  );
  return html`
    <section class="history" aria-labelledby="history-title">
      <h3 id="history-title">${t.conversations}</h3>
      ${
        threads.length
          ? html`<ul>
              ${threads.map(
                (thread) =>
                  html`<li>
                    <button type="button" class="thread" @click=${() => host.openThread(thread.id)}>
                      <span class="preview">${thread.preview || '…'}</span>
                      <span class="meta"
                        >${time.format(thread.lastActivityAt)}${thread.status === 'closed' ? ' · ✓' : ''}</span
                      >
                    </button>
                  </li>`,
              )}
            </ul>`
          : html`<p class="empty">${t.noConversations}</p>`
      }
      <button
        type="button"
        class="primary"
        @click=${() => {
          host.startNewConversation();
          void host.focusWindow();
        }}
      >
        ${t.newConversation}
      </button>
    </section>
  `;
}

/** Added to the chat's styles when this part loads. */
const formsStyles = css`
  fieldset {
    margin: 0 0 8px;
    padding: 0;
    border: 0;
  }
  legend {
    margin-bottom: 8px;
  }
  .score {
    display: flex;
    gap: 4px;
    font-weight: 400;
  }
  .away textarea {
    margin-bottom: 8px;
  }
  .prechat {
    padding: 12px 16px 16px;
    border-top: 1px solid var(--_confab-line);
  }
  .prechat p {
    margin: 0 0 8px;
  }
  .prechat input {
    margin-bottom: 10px;
  }
`;

/** This part, once its styles joined the chat's (the first load carries none of them). */
export function withStyles(chat: HTMLElement) {
  const root = chat.shadowRoot!;
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, formsStyles.styleSheet!];
  return { renderHistory, renderPrechat, renderRating };
}

const strings = (host: FormsHost) => STRINGS[host.locale] ?? STRINGS.en;

/** W1: name and email before the first message (`data-prechat`). */
export function renderPrechat(host: FormsHost) {
  const t = strings(host);
  return html`<form part="composer" class="prechat" @submit=${(event: SubmitEvent) => startChat(host, event)}>
    <p>${t.prechatIntro}</p>
    <label for="prechat-name">${t.name}</label>
    <input id="prechat-name" name="name" autocomplete="name" />
    <label for="prechat-email">${t.email}</label>
    <input id="prechat-email" name="email" type="email" autocomplete="email" />
    <button type="submit" class="primary">${t.startChat}</button>
  </form>`;
}

function startChat(host: FormsHost, event: SubmitEvent) {
  event.preventDefault();
  const data = new FormData(event.target as HTMLFormElement);
  const name = String(data.get('name') ?? '').trim();
  const email = String(data.get('email') ?? '').trim();
  host.prechatDone();
  if (host.client && (name || email)) {
    void host.client
      .send({ type: 'visitor.setProfile', ...(name ? { name } : {}), ...(email ? { email } : {}) })
      .catch(() => undefined);
  }
  void host.focusWindow();
}

/** After a chat closed, a rating from 1 to 5 and a comment; then thanks. */
export function renderRating(host: FormsHost, prompt: RatingPrompt | undefined) {
  const t = strings(host);
  if (prompt?.state === 'rated') return html`<p class="notice" role="status">${t.rated}</p>`;
  if (prompt?.state !== 'ask') return nothing;
  return html`<form class="away" @submit=${(event: SubmitEvent) => rate(host, event)}>
    <fieldset>
      <legend>${prompt.question[host.locale] || t.rateQuestion}</legend>
      <div class="row">
        ${[1, 2, 3, 4, 5].map(
          (score) =>
            html`<label class="score"
              ><input type="radio" name="score" value=${score} required aria-label=${t.score(score)} />${score}</label
            >`,
        )}
      </div>
    </fieldset>
    <label for="rating-comment">${t.rateComment}</label>
    <textarea id="rating-comment" name="comment" maxlength=${MAX_TEXT_LENGTH}></textarea>
    <button type="submit" class="primary">${t.rateSend}</button>
  </form>`;
}

function rate(host: FormsHost, event: SubmitEvent) {
  event.preventDefault();
  const data = new FormData(event.target as HTMLFormElement);
  const conversationId = host.conversationId;
  const comment = String(data.get('comment')).trim();
  if (!host.client || !conversationId) return;
  void host.client
    .send({ type: 'visitor.rate', conversationId, score: Number(data.get('score')), ...(comment ? { comment } : {}) })
    .catch(() => undefined);
  // The form goes once the rating is confirmed: focus waits in the message field, not on a button that vanishes.
  void host.focusWindow();
}
