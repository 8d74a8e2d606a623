import type { ReactiveControllerHost } from 'lit';
import { createUploads, type InboxClient, type Upload, type Uploads, type UploadSender } from '@confab/core';
import { StoreController } from '@confab/element-kit';
import type { Catalog } from '../i18n/i18n.js';
import { filesBrought, renderUploadList } from './upload-list.js';

/** An element that writes a message with files: the reply editor, the compose dialog. */
export interface UploadsHost extends ReactiveControllerHost {
  /** How files are sent; a new sender starts a new list. */
  upload: UploadSender;
  client: InboxClient | undefined;
}

export interface UploadsControllerOptions {
  /** Where focus goes when the button that had it gives way (Retry, Remove) or the file chooser closes. */
  keepFocus(): void;
  /** Whether files may be added now (the reply editor needs a conversation). Default: always. */
  accepts?(): boolean;
}

/**
 * The files of a message being written (issue 16), as the reply editor and the compose dialog
 * both hold them: a core `Uploads` list made with the host's sender and checked against the
 * server's limit (its welcome), the host re-rendered on each change, and the handlers of the
 * file chooser, paste and drop.
 */
export class UploadsController {
  private uploads: Uploads | undefined;
  private sender: UploadSender | undefined;
  private readonly list: StoreController<readonly Upload[], readonly Upload[]>;

  constructor(
    private readonly host: UploadsHost,
    private readonly options: UploadsControllerOptions,
  ) {
    this.list = new StoreController(
      host,
      () => this.current(),
      (list) => list,
    );
  }

  /** This host's list, made with its current sender. */
  private current(): Uploads {
    if (!this.uploads || this.sender !== this.host.upload) {
      this.uploads = createUploads(this.host.upload, () => this.host.client?.status.get().uploadMaxBytes);
      this.sender = this.host.upload;
    }
    return this.uploads;
  }

  /** The files as last rendered. */
  get value(): readonly Upload[] {
    return this.list.value ?? [];
  }

  add(files: Iterable<File>): void {
    if (this.options.accepts?.() === false) return;
    for (const file of files) this.current().add(file);
  }

  retry(key: string): void {
    this.uploads?.retry(key);
    this.options.keepFocus();
  }

  remove(key: string): void {
    this.uploads?.remove(key);
    this.options.keepFocus();
  }

  clear(): void {
    this.uploads?.clear();
  }

  /** The uploaded files, for the command. */
  attachments() {
    return this.uploads?.attachments() ?? [];
  }

  /** Files whose upload met no connection: they wait in the outbox with the message. */
  offline() {
    return this.uploads?.offline() ?? [];
  }

  busy(): boolean {
    return this.uploads?.busy() ?? false;
  }

  /** The file chooser's change: its files are added, and it is emptied for the next pick. */
  readonly picked = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    this.add(input.files ?? []);
    input.value = '';
    this.options.keepFocus();
  };

  /** A paste or a drop that brings files attaches them. */
  readonly brought = (event: ClipboardEvent | DragEvent): void => {
    const files = filesBrought(event);
    if (files) this.add(files);
  };

  /** The list of files, with the server's limit named for a file too large. */
  render(t: Catalog, locale: string) {
    return renderUploadList(t, this.value, locale, this.current().maxBytes(), this);
  }
}
