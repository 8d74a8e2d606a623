import type { Attachment } from '../model/model.js';
import { writable, type Readable } from '../store/readable.js';
import { attachmentRefusal, DEFAULT_UPLOAD_MAX_BYTES } from './attachments.js';

/** Why an upload failed: the server's typed refusals, or the way there. */
export type UploadErrorCode = 'too-large' | 'type-not-allowed' | 'type-mismatch' | 'unauthenticated' | 'network';

export class UploadError extends Error {
  constructor(readonly code: UploadErrorCode) {
    super(`upload failed: ${code}`);
    this.name = 'UploadError';
  }
}

/** A file as the composers hand it over (a browser `File`). */
export interface PickedFile extends Blob {
  readonly name: string;
}

/** Sends one file; reports bytes sent; resolves with what the server stored, or rejects with an UploadError. */
export type UploadSender = (file: PickedFile, onProgress: (loaded: number) => void) => Promise<Attachment>;

/** One file being attached to the message being written. */
export interface Upload {
  /** Stable for this list (the file has no id until the server gives it one). */
  key: string;
  name: string;
  type: string;
  size: number;
  /** Bytes sent so far. */
  loaded: number;
  state: 'uploading' | 'done' | 'failed';
  error?: UploadErrorCode;
  /** What the message carries, once uploaded. */
  attachment?: Attachment;
}

/**
 * The files of a message being written (issue 16): each uploads as soon as it is picked, with its
 * progress; a refused one says why and may be retried or removed. A file the server would refuse
 * (type, size) fails at once, without a transfer.
 *
 * @example
 * const uploads = createUploads(httpUploadSender({ url: '/api/files' }), () => client.status.get().uploadMaxBytes);
 * uploads.add(input.files[0]);
 * uploads.subscribe((list) => render(list));
 * await client.send({ type: 'message.reply', conversationId, text, attachments: uploads.attachments() });
 */
export interface Uploads extends Readable<readonly Upload[]> {
  add(file: PickedFile): void;
  retry(key: string): void;
  remove(key: string): void;
  clear(): void;
  /** The uploaded files, in the order they were picked. */
  attachments(): Attachment[];
  /** Whether any file is still on its way (the message waits for it). */
  busy(): boolean;
  /**
   * The files whose upload failed on the way (offline): they may wait in the outbox with their
   * message (`client.send(command, files)`), which uploads them once the client is back online.
   */
  offline(): PickedFile[];
  /** The largest file taken, in bytes: the server's limit once known, else the default (for the words of `too-large`). */
  maxBytes(): number;
}

let counter = 0;

/**
 * `maxBytes` is the server's limit, or a function that reads it when a file is picked (the
 * client's `status.uploadMaxBytes`, which the server's welcome sets); unknown, the default.
 */
export function createUploads(
  send: UploadSender,
  maxBytes: number | (() => number | undefined) = DEFAULT_UPLOAD_MAX_BYTES,
): Uploads {
  const limit = () => (typeof maxBytes === 'function' ? maxBytes() : maxBytes) ?? DEFAULT_UPLOAD_MAX_BYTES;
  const list = writable<readonly Upload[]>([]);
  const files = new Map<string, PickedFile>();
  const update = (key: string, patch: Partial<Upload>) =>
    list.set(list.get().map((upload) => (upload.key === key ? { ...upload, ...patch } : upload)));

  function start(key: string): void {
    const file = files.get(key)!;
    const refused = attachmentRefusal(file, limit());
    if (refused) return update(key, { state: 'failed', error: refused });
    update(key, { state: 'uploading', loaded: 0 });
    send(file, (loaded) => {
      if (files.has(key)) update(key, { loaded });
    }).then(
      (attachment) => {
        if (files.has(key)) update(key, { state: 'done', loaded: file.size, attachment });
      },
      (error: unknown) => {
        if (files.has(key))
          update(key, { state: 'failed', error: error instanceof UploadError ? error.code : 'network' });
      },
    );
  }

  return {
    get: list.get,
    subscribe: list.subscribe,
    add(file) {
      const key = `upload-${++counter}`;
      files.set(key, file);
      list.set([
        ...list.get(),
        { key, name: file.name, type: file.type, size: file.size, loaded: 0, state: 'uploading' },
      ]);
      start(key);
    },
    retry(key) {
      if (files.has(key)) start(key);
    },
    remove(key) {
      files.delete(key);
      list.set(list.get().filter((upload) => upload.key !== key));
    },
    clear() {
      files.clear();
      list.set([]);
    },
    attachments: () => list.get().flatMap((upload) => (upload.attachment ? [upload.attachment] : [])),
    busy: () => list.get().some((upload) => upload.state === 'uploading'),
    offline: () => list.get().flatMap((upload) => (upload.error === 'network' ? [files.get(upload.key)!] : [])),
    maxBytes: limit,
  };
}

const SERVER_REFUSALS: readonly string[] = ['too-large', 'type-not-allowed', 'type-mismatch', 'unauthenticated'];

/**
 * Uploads over HTTP (`POST /api/files`) with progress. Without `token`, the page's own session
 * cookie goes along (the inbox on the server's origin); with one, it is sent as a bearer token
 * (the widget on a customer's page) — never in the URL.
 */
export function httpUploadSender(options: { url: string; token?: () => string | null | undefined }): UploadSender {
  return (file, onProgress) =>
    new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('POST', options.url);
      const token = options.token?.();
      if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
      request.setRequestHeader('content-type', file.type);
      request.setRequestHeader('x-confab-file-name', encodeURIComponent(file.name));
      request.upload.onprogress = (event) => onProgress(event.loaded);
      request.onerror = () => reject(new UploadError('network'));
      request.onload = () => {
        let body: { id?: string; name?: string; type?: string; size?: number; error?: { code?: string } } = {};
        try {
          body = JSON.parse(request.responseText) as typeof body;
        } catch {
          // Not our JSON (a proxy's error page): a failure of the way there.
        }
        if (request.status === 201 && body.id)
          return resolve({
            id: body.id,
            name: body.name ?? file.name,
            type: body.type ?? file.type,
            size: body.size ?? 0,
          });
        const code = body.error?.code ?? '';
        reject(new UploadError(SERVER_REFUSALS.includes(code) ? (code as UploadErrorCode) : 'network'));
      };
      request.send(file);
    });
}
