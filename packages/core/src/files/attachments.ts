import type { Attachment } from '../model/model.js';

/**
 * What may be uploaded (`POST /api/files`), by media type. The server sniffs each upload against
 * the type it declares; the composers check the same list before they upload, so a refused type
 * is said at once and costs no transfer.
 */
export const ATTACHMENT_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/zip',
];

/** Images a browser may show inline from this server: raster formats, never SVG (it runs script). */
export const INLINE_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** The default upload limit in bytes (CONFAB_UPLOAD_MAX_BYTES on the server): 10 MB. */
export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** Where the server serves a file: under `base` (the server's origin; '' for the page's own). */
export function fileUrl(base: string, fileId: string): string {
  return `${base.replace(/\/+$/, '')}/api/files/${encodeURIComponent(fileId)}`;
}

/** What a thread shows for one attachment. */
export interface AttachmentView extends Attachment {
  /** `image`: shown inline as a preview; `file`: a name, type and size with a download link. */
  kind: 'image' | 'file';
  /** The size for people, in the locale's digits (`1.2 MB`, `1,2 MB`). */
  sizeText: string;
  url: string;
}

const UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/** A byte count for people: `512 B`, `14 KB`, `1.2 MB` (decimal units, one decimal below 10). */
export function formatFileSize(bytes: number, locale = 'en'): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  return `${number} ${UNITS[unit]}`;
}

/**
 * How a message's attachments are shown: images inline, the rest as files; each with its URL on
 * the server at `base`.
 *
 * @example
 * attachmentViews(message.attachments, '', 'nl'); // [{ kind: 'image', sizeText: '1,2 MB', url: '/api/files/fil_…', … }]
 */
export function attachmentViews(attachments: readonly Attachment[], base: string, locale = 'en'): AttachmentView[] {
  return attachments.map((attachment) => ({
    ...attachment,
    kind: INLINE_IMAGE_TYPES.includes(attachment.type) ? 'image' : 'file',
    sizeText: formatFileSize(attachment.size, locale),
    url: fileUrl(base, attachment.id),
  }));
}

/** Why a file cannot be attached before it is uploaded, or null when it may be. */
export function attachmentRefusal(
  file: { type: string; size: number },
  maxBytes = DEFAULT_UPLOAD_MAX_BYTES,
): 'too-large' | 'type-not-allowed' | null {
  if (!ATTACHMENT_TYPES.includes(file.type)) return 'type-not-allowed';
  if (file.size > maxBytes) return 'too-large';
  return null;
}
