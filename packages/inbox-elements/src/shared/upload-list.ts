import { css, html, nothing } from 'lit';
import { formatFileSize, type Upload } from '@confab/core';
import type { Catalog } from '../i18n/i18n.js';

// The files of a message being written, shared by the reply editor and the compose dialog (issue 16):
// both hold a core `Uploads` list; this is how it reads to the agent.

export const uploadListStyles = css`
  .files {
    display: grid;
    gap: 4px;
    margin: 6px 0 0;
    padding: 0;
    list-style: none;
    font-size: 12px;
  }
  .files li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .files li.failed [role='alert'] {
    color: var(--_danger, #b42318);
  }
  .files progress {
    width: 120px;
  }
`;

/** What the agent can do with a file in the list. */
export interface UploadActions {
  retry(key: string): void;
  remove(key: string): void;
}

/**
 * The files picked: progress while uploading, why one failed (with Retry when it may help), and Remove.
 * `maxBytes` is the limit a too large file is told of (the server's).
 */
export function renderUploadList(
  t: Catalog,
  list: readonly Upload[],
  locale: string,
  maxBytes: number,
  actions: UploadActions,
) {
  if (!list.length) return nothing;
  return html`<ul class="files" aria-label=${t.filesToSend}>
    ${list.map(
      (file) =>
        html`<li class=${file.state}>
          ${
            file.state === 'uploading'
              ? html`<span>${file.name}</span>
                  <progress aria-label=${t.uploading(file.name)} max=${file.size} value=${file.loaded}></progress>`
              : file.state === 'failed'
                ? html`<span role="alert"
                      >${t.uploadFailed(file.name, t.uploadErrors[file.error ?? 'network'](formatFileSize(maxBytes, locale)))}</span
                    >
                    ${
                      file.error === 'network' || file.error === 'unauthenticated'
                        ? html`<button class="button" type="button" @click=${() => actions.retry(file.key)}>
                            ${t.retryUpload(file.name)}
                          </button>`
                        : nothing
                    }`
                : html`<span>${t.uploaded(file.name, formatFileSize(file.size, locale))}</span>`
          }
          <button class="button" type="button" @click=${() => actions.remove(file.key)}>
            ${t.removeFile(file.name)}
          </button>
        </li>`,
    )}
  </ul>`;
}

/** The files a paste or a drop brings (then it is theirs: the default is prevented), or null. */
export function filesBrought(event: ClipboardEvent | DragEvent): FileList | null {
  const files = 'clipboardData' in event ? event.clipboardData?.files : event.dataTransfer?.files;
  if (!files?.length) return null;
  event.preventDefault();
  return files;
}

/** Lets files be dropped here: a drop only comes where dragover was cancelled. */
export function acceptFileDrag(event: DragEvent): void {
  if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
}
