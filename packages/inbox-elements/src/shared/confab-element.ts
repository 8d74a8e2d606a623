import { LitElement } from 'lit';
import { property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type { AgentCommand, InboxClient, PickedFile } from '@confab/core';
import { clientContext, localeContext } from './context.js';
import { catalogFor, catalogLoaded, markLanguage, pageLang, refusalText, type Catalog } from '../i18n/i18n.js';

/** A refused command, explained in the user's language. */
export interface Refusal {
  /** Text to show. */
  message: string;
  /** The SPEC rule that refused it (`T11`), when a rule did. */
  rule?: string;
  code?: string;
}

/**
 * What every inbox element shares: the client (from `<confab-inbox>` by context, or set as the
 * `.client` property), the language, and the theme attribute.
 */
export class ConfabElement extends LitElement {
  /** The core client whose state this element renders. Set it, or place the element inside `<confab-inbox>`. */
  @consume({ context: clientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: InboxClient | undefined;

  /** BCP 47 language tag (`en`, `nl`). Default: the inbox's locale, else the nearest `lang` attribute. */
  @property({ reflect: true }) accessor locale: string | undefined;

  /** `light` or `dark`; without it the element follows the system's preference. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | undefined;

  @consume({ context: localeContext, subscribe: true })
  @state()
  protected accessor inheritedLocale: string | undefined;

  constructor() {
    super();
    // WCAG 3.1.2: the element's text is marked in the language it is written in, whatever the page's.
    this.addController({ hostUpdate: () => markLanguage(this, this.resolvedLocale) });
  }

  /** The language in use. */
  get resolvedLocale(): string {
    return this.locale || this.inheritedLocale || (this.isConnected ? pageLang(this) : undefined) || 'en';
  }

  /** An element in a language still loading waits for it: its first words are in its language. */
  protected override async scheduleUpdate(): Promise<void> {
    const loaded = catalogLoaded(this.resolvedLocale);
    if (loaded) await loaded;
    super.scheduleUpdate();
  }

  /** The catalog of the language in use. */
  protected get t(): Catalog {
    return catalogFor(this.resolvedLocale);
  }

  /** Explains a refusal in the user's language. */
  protected describeError(error: unknown): Refusal {
    const { rule, code } = (error ?? {}) as Partial<Refusal>;
    return { message: refusalText(this.t, error), rule, code };
  }

  /**
   * Sends a command (with `files` whose upload waits for the connection: they go up first); resolves
   * with the refusal, or null when the backend accepted it.
   */
  protected async run(command: AgentCommand, files?: readonly PickedFile[]): Promise<Refusal | null> {
    if (!this.client) return { message: this.t.errorCodes.internal, code: 'internal' };
    try {
      await this.client.send(command, files);
      return null;
    } catch (error) {
      return this.describeError(error);
    }
  }
}
