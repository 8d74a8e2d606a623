/**
 * The chat's files (issue 16), loaded on first use (a file picked, pasted or dropped, or a message
 * with files to show): uploads with progress and typed errors, and the files of messages — images
 * as previews, other files as name, type and size with a download. Kept out of the first load: the
 * widget's budget has room for the attach button only (DESIGN §4).
 */
import { css, html, nothing, type ReactiveControllerHost } from 'lit';
import { AsyncDirective, directive, PartType, type ElementPart, type PartInfo } from 'lit/async-directive.js';
import {
  attachmentViews,
  createUploads,
  formatFileSize,
  httpUploadSender,
  INLINE_IMAGE_TYPES,
  type Attachment,
  type AttachmentView,
  type PickedFile,
  type TimelineItem,
  type Upload,
  type Uploads,
  type VisitorClient,
  type UploadErrorCode,
} from '@confab/core';
import { StoreController } from '@confab/element-kit';
import type { WidgetLocale } from '../boot.js';
import { FILE_STRINGS } from './files-i18n.js';

/** What the chat element gives this module. */
export interface FilesHost extends ReactiveControllerHost {
  locale: WidgetLocale;
  /** Origin of the Confab server; '' for the page's own. */
  server: string;
  /** Its session token goes with each request as a bearer token, never in a URL. */
  client: Pick<VisitorClient, 'sessionToken' | 'status' | 'connection'> | null;
}

/** How long an upload waits for the server to answer the hello before it goes without a session. */
const SESSION_WAIT_MS = 10_000;

/**
 * Resolves when an upload can say who sends it. A first-time visitor's socket opens before the
 * welcome brings the session token, and an upload without one is refused: it waits for the token.
 * When a connection attempt fails it goes at once, fails on the way, and waits in the outbox with
 * its message (the client starts out offline too, before its first attempt: that is no failure).
 */
function sessionReady(host: FilesHost): Promise<void> {
  const client = host.client;
  if (!client || client.sessionToken() !== '') return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      stops.forEach((stop) => stop());
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(finish, SESSION_WAIT_MS);
    const stops = [
      client.status.subscribe(() => client.sessionToken() !== '' && finish()),
      client.connection.subscribe((state) => state === 'offline' && finish()),
    ];
  });
}

/** Fetches a file with the visitor's token: an `<img>` or a link cannot carry one. */
async function fetchFile(url: string, token: string): Promise<Blob> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (!response.ok) throw new Error(`${response.status}`);
  return response.blob();
}

/**
 * An image preview: fetched with the token once it scrolls into view and the server has the
 * message (before, the file is nobody's to see), or a file still on this device; shown from an
 * object URL that is revoked when the image leaves the DOM.
 */
class AuthorizedImage extends AsyncDirective {
  private image: HTMLImageElement;
  private url: string | Blob = '';
  private token = '';
  private objectUrl = '';
  private observer: IntersectionObserver | undefined;

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('authorizedImage goes on an <img>');
    this.image = (part as ElementPart).element as HTMLImageElement;
  }

  render(_source: string | Blob, _token: string, _ready: boolean) {
    return nothing;
  }

  override update(_part: ElementPart, [url, token, ready]: [string | Blob, string, boolean]) {
    if (ready && url !== this.url) {
      this.url = url;
      this.token = token;
      this.release();
      this.watch();
    }
    return nothing;
  }

  private watch() {
    this.observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      this.observer?.disconnect();
      const url = this.url;
      (typeof url === 'string' ? fetchFile(url, this.token) : Promise.resolve(url)).then(
        (blob) => {
          if (url !== this.url || !this.isConnected) return;
          this.objectUrl = URL.createObjectURL(blob);
          this.image.src = this.objectUrl;
        },
        () => this.image.setAttribute('data-failed', ''),
      );
    });
    this.observer.observe(this.image);
  }

  private release() {
    this.observer?.disconnect();
    this.observer = undefined;
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = '';
    this.image.removeAttribute('src');
  }

  protected override disconnected() {
    this.release();
  }

  protected override reconnected() {
    if (this.url) this.watch();
  }
}

const authorizedImage = directive(AuthorizedImage);

/** Added to the chat's styles when this part loads (the first load carries none of them). */
const filesStyles = css`
  .uploads,
  .attachments {
    flex-basis: 100%;
    margin: 0;
    padding: 0;
    list-style: none;
    font-size: 13px;
  }
  .uploads li,
  .attachments li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 8px;
    margin: 4px 0;
    overflow-wrap: anywhere;
  }
  progress {
    width: 100%;
    accent-color: var(--_confab-accent);
  }
  .attachments img {
    display: block;
    max-width: 100%;
    height: auto;
    aspect-ratio: 4 / 3;
    object-fit: contain;
    border-radius: 8px;
    background: var(--_confab-line);
  }
`;

/** What a message being sent carries: its uploaded files, and those that wait in the outbox. */
export interface OutgoingFiles {
  command: { attachments?: Attachment[] };
  waiting: PickedFile[];
  count: number;
}

/** Errors worth trying again: the way there failed, or the session was not there yet. */
const RETRYABLE: readonly UploadErrorCode[] = ['network', 'unauthenticated'];

/** The files of the message being written, and how messages show theirs. */
export class ChatFiles {
  readonly uploads: Uploads;
  private readonly list: StoreController<readonly Upload[]>;

  constructor(private readonly host: FilesHost) {
    const root = (host as unknown as HTMLElement).shadowRoot!;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, filesStyles.styleSheet!];
    const send = httpUploadSender({
      url: `${host.server.replace(/\/+$/, '')}/api/files`,
      token: () => host.client?.sessionToken(),
    });
    this.uploads = createUploads(
      (file, onProgress) => sessionReady(host).then(() => send(file, onProgress)),
      () => host.client?.status.get().uploadMaxBytes,
    );
    this.list = new StoreController(host, () => this.uploads);
  }

  private get t() {
    return FILE_STRINGS[this.host.locale] ?? FILE_STRINGS.en;
  }

  /**
   * Resolves once no file is uploading: with the uploaded files and those that wait for the
   * connection (they go into the outbox with the message), or null when one was refused.
   */
  settled(): Promise<OutgoingFiles | null> {
    return new Promise((resolve) => {
      const check = (list: readonly Upload[]) => {
        if (list.some((file) => file.state === 'uploading')) return false;
        const refused = list.some((file) => file.state === 'failed' && file.error !== 'network');
        const attachments = this.uploads.attachments();
        const waiting = this.uploads.offline();
        resolve(
          refused
            ? null
            : {
                command: attachments.length ? { attachments } : {},
                waiting,
                count: attachments.length + waiting.length,
              },
        );
        return true;
      };
      // A store tells of changes only: what is there now may be settled already.
      if (check(this.uploads.get())) return;
      const stop = this.uploads.subscribe((list) => check(list) && stop());
    });
  }

  /** The files picked for the message: progress, why one failed (Retry, Remove), or ready. */
  renderUploads() {
    const t = this.t;
    const list = this.list.value ?? [];
    if (!list.length) return nothing;
    const locale = this.host.locale;
    return html`<ul class="uploads" aria-label=${t.filesToSend}>
      ${list.map(
        (file) =>
          html`<li>
            ${
              file.state === 'uploading'
                ? html`<span>${file.name}</span
                    ><progress aria-label=${t.uploading(file.name)} max=${file.size} value=${file.loaded}></progress>`
                : file.state === 'failed'
                  ? html`<span role="alert"
                        >${
                          file.error === 'network'
                            ? t.offline(file.name)
                            : t.uploadFailed(
                                file.name,
                                t.errors[file.error ?? 'network'](formatFileSize(this.uploads.maxBytes(), locale)),
                              )
                        }</span
                      >${
                        RETRYABLE.includes(file.error ?? 'network')
                          ? html`<button type="button" class="link" @click=${() => this.uploads.retry(file.key)}>
                              ${t.retryUpload(file.name)}
                            </button>`
                          : nothing
                      }`
                  : html`<span>${t.uploaded(file.name, formatFileSize(file.size, locale))}</span>`
            }
            <button type="button" class="link" @click=${() => this.remove(file.key)}>${t.removeFile(file.name)}</button>
          </li>`,
      )}
    </ul>`;
  }

  /**
   * A message's files: images inline (sized, fetched when seen), the rest with a download; then
   * those that wait in the outbox for the connection, shown from this device.
   */
  renderAttachments({ attachments, waitingFiles: waiting, delivery }: TimelineItem) {
    // The team's, or the visitor's once the server has it (before, a file is nobody's to see).
    const confirmed = !delivery || delivery === 'sent';
    const t = this.t;
    const token = this.host.client?.sessionToken() ?? '';
    const locale = this.host.locale;
    return html`<ul class="attachments" aria-label=${t.attachments}>
      ${waiting.map(
        (file) =>
          html`<li data-waiting>
            ${
              INLINE_IMAGE_TYPES.includes(file.type)
                ? html`<img alt=${t.image(file.name)} width="200" height="150" ${authorizedImage(file, '', true)} />`
                : nothing
            }<span class="meta">${t.waitingFile(file.name, formatFileSize(file.size, locale))}</span>
          </li>`,
      )}
      ${attachmentViews(attachments, this.host.server, this.host.locale).map(
        (file) =>
          html`<li>
            ${
              file.kind === 'image'
                ? html`<img
                    alt=${t.image(file.name)}
                    width="200"
                    height="150"
                    ${authorizedImage(file.url, token, confirmed)}
                  />`
                : html`<button type="button" class="link" @click=${() => this.download(file)}>
                      ${t.download(file.name)}</button
                    ><span class="meta">${file.type}, ${file.sizeText}</span>`
            }
          </li>`,
      )}
    </ul>`;
  }

  private remove(key: string) {
    this.uploads.remove(key);
    // The button that had focus is gone: the message field keeps it.
    (this.host as unknown as HTMLElement).shadowRoot?.querySelector<HTMLElement>('#composer')?.focus();
  }

  /** Saves a file through a link to an object URL (the link to the server could not carry the token). */
  private async download(file: AttachmentView) {
    const blob = await fetchFile(file.url, this.host.client?.sessionToken() ?? '').catch(() => null);
    if (!blob) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = file.name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
}
