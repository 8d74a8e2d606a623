import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { agentNotification, type AgentNotification, type InboxClient, type Message } from '@confab/core';
import { ConfabElement } from '../shared/confab-element.js';
import { ModalController } from '../shared/dialog.js';
import { baseStyles } from '../shared/theme.js';
import { icon } from '../shared/icons.js';
import { emit } from '../shared/events.js';
import { formatStarted } from '../i18n/i18n.js';
import { chime, DEFAULT_PREFS, loadPrefs, savePrefs, type NotificationPrefs } from './notification-prefs.js';
import { notificationsStyles } from './notifications.styles.js';
import { notificationsCatalogFor, type NotificationsCatalog } from './notifications-i18n.js';

/** How many notifications the list keeps (the oldest go first). */
const KEPT = 50;
const KINDS: AgentNotification['kind'][] = ['mention', 'new-chat', 'reply'];

/**
 * The agent's notifications (issue 16): a button with the unread count that opens them in a modal
 * dialog. What counts is core's `agentNotification`: a teammate mentions them (R1), a new chat is
 * routed to them, a contact replies in their conversation. Each kind, a sound and desktop
 * notifications (asked for on the click that turns them on, shown while the page is hidden) are
 * the agent's choice, kept in this browser. Choosing one opens its conversation. The list holds
 * what arrived while the inbox was open.
 *
 * @example
 * <confab-notifications .client=${client}></confab-notifications>
 *
 * @fires confab-unread-change - The unread count changed; `detail.count`.
 * @fires confab-select-conversation - A notification was chosen; `detail.conversationId`.
 * @csspart button - The button with the unread count.
 * @csspart dialog - The dialog box.
 * @csspart item - One notification.
 *
 * @tagname confab-notifications
 */
export class ConfabNotifications extends ConfabElement {
  static override styles = [baseStyles, notificationsStyles];

  @state() private accessor items: AgentNotification[] = [];
  @state() private accessor unread = 0;
  @state() private accessor open = false;
  @state() private accessor prefs: NotificationPrefs = DEFAULT_PREFS;
  @state() private accessor blocked = false;

  private readonly modal = new ModalController(this, 'dialog', () => (this.open = false));
  private listeningTo: InboxClient | undefined;
  private stopListening: (() => void) | undefined;
  private prefsOf: string | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopListening?.();
    this.stopListening = this.listeningTo = undefined;
  }

  protected override updated(): void {
    if (this.client !== this.listeningTo) {
      this.stopListening?.();
      this.listeningTo = this.client;
      this.stopListening = this.client?.on('message', (message) => this.receive(message));
    }
    const me = this.client?.me.get()?.id;
    if (me && me !== this.prefsOf) {
      this.prefsOf = me;
      this.prefs = loadPrefs(me);
    }
  }

  /** Opens the list; everything in it counts as seen. */
  async show(): Promise<void> {
    this.open = true;
    this.setUnread(0);
    await this.modal.open();
  }

  private receive(message: Message): void {
    const client = this.client;
    const notification = client && client.store.read(agentNotification, message, client.me.get()?.id);
    if (!notification || !this.prefs.kinds[notification.kind]) return;
    this.items = [notification, ...this.items].slice(0, KEPT);
    if (!this.open) this.setUnread(this.unread + 1);
    if (this.prefs.sound) chime();
    if (this.prefs.desktop && document.hidden && 'Notification' in window && Notification.permission === 'granted') {
      const shown = new Notification(this.describe(notification), { tag: notification.messageId, lang: this.lang });
      shown.onclick = () => {
        window.focus();
        this.choose(notification);
      };
    }
  }

  private setUnread(count: number): void {
    if (count === this.unread) return;
    this.unread = count;
    emit(this, 'confab-unread-change', { count });
  }

  /** The notifications' words in the language in use. */
  private get nt(): NotificationsCatalog {
    return notificationsCatalogFor(this.resolvedLocale);
  }

  private describe(notification: AgentNotification): string {
    const from = notification.from || this.t.unknownContact;
    return this.nt.notificationText[notification.kind](from, notification.text.slice(0, 140));
  }

  private choose(notification: AgentNotification): void {
    this.modal.close();
    emit(this, 'confab-select-conversation', { conversationId: notification.conversationId });
  }

  private setPrefs(prefs: NotificationPrefs): void {
    this.prefs = prefs;
    const me = this.client?.me.get()?.id;
    if (me) savePrefs(me, prefs);
  }

  /** Desktop notifications: the browser's permission is asked on this click, never before. */
  private onDesktop = async (event: Event): Promise<void> => {
    const wanted = (event.target as HTMLInputElement).checked;
    this.blocked = false;
    if (wanted && 'Notification' in window && Notification.permission !== 'granted') {
      const answer = await Notification.requestPermission();
      if (answer !== 'granted') {
        this.blocked = true;
        (event.target as HTMLInputElement).checked = false;
        return;
      }
    }
    this.setPrefs({ ...this.prefs, desktop: wanted && 'Notification' in window });
  };

  override render() {
    const nt = this.nt;
    return html`<button
        class="icon-button bell"
        part="button"
        aria-label=${this.unread ? nt.notificationsUnread(this.unread) : nt.notifications}
        title=${nt.notifications}
        @click=${() => this.show()}
      >
        ${icon('bell')}${this.unread ? html`<span class="badge" aria-hidden="true">${this.unread}</span>` : nothing}
      </button>
      <dialog part="dialog" aria-labelledby="notifications-title">${this.open ? this.renderBody() : nothing}</dialog>`;
  }

  private renderBody() {
    const t = this.t;
    const nt = this.nt;
    const now = Date.now();
    return html`<div class="dialog-header">
        <h2 id="notifications-title">${nt.notifications}</h2>
        <button type="button" class="icon-button" aria-label=${t.close} @click=${() => this.modal.close()}>
          ${icon('close')}
        </button>
      </div>
      <div class="dialog-body">
        ${
          this.items.length
            ? html`<ul class="items" aria-labelledby="notifications-title">
                ${this.items.map(
                  (item) =>
                    html`<li>
                      <button class="item" part="item" @click=${() => this.choose(item)}>
                        <span class="text">${this.describe(item)}</span>
                        <span class="when">${formatStarted(item.at, now, this.resolvedLocale)}</span>
                      </button>
                    </li>`,
                )}
              </ul>`
            : html`<p class="muted">${nt.noNotifications}</p>`
        }
        <fieldset>
          <legend>${nt.notifyMeOf}</legend>
          ${KINDS.map(
            (kind) =>
              html`<label class="choice"
                ><input
                  type="checkbox"
                  .checked=${this.prefs.kinds[kind]}
                  @change=${(event: Event) =>
                    this.setPrefs({
                      ...this.prefs,
                      kinds: { ...this.prefs.kinds, [kind]: (event.target as HTMLInputElement).checked },
                    })}
                />${nt.notificationKinds[kind]}</label
              >`,
          )}
          <label class="choice"
            ><input
              type="checkbox"
              .checked=${this.prefs.sound}
              @change=${(event: Event) =>
                this.setPrefs({ ...this.prefs, sound: (event.target as HTMLInputElement).checked })}
            />${nt.notificationSound}</label
          >
          <label class="choice"
            ><input
              type="checkbox"
              .checked=${this.prefs.desktop}
              aria-describedby=${this.blocked ? 'desktop-blocked' : nothing}
              @change=${this.onDesktop}
            />${nt.desktopNotifications}</label
          >
          <p id="desktop-blocked" class="error" role="alert">${this.blocked ? nt.desktopBlocked : ''}</p>
        </fieldset>
      </div>`;
  }
}
