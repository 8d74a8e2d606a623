import type { UploadErrorCode } from '@confab/core';
import type { WidgetLocale } from '../boot.js';

/** The words of the chat's files, in English and Dutch (loaded with them, on first use). */
export interface FileStrings {
  filesToSend: string;
  uploading: (name: string) => string;
  uploaded: (name: string, size: string) => string;
  uploadFailed: (name: string, reason: string) => string;
  /** Why an upload failed; `limit` is the largest size allowed, for people. */
  errors: Record<UploadErrorCode, (limit: string) => string>;
  /** An upload that met no connection: the file waits in the outbox with the message. */
  offline: (name: string) => string;
  retryUpload: (name: string) => string;
  removeFile: (name: string) => string;
  attachments: string;
  image: (name: string) => string;
  download: (name: string) => string;
  /** A file that waits in the outbox with its message. */
  waitingFile: (name: string, size: string) => string;
}

const en: FileStrings = {
  filesToSend: 'Files to send',
  uploading: (name) => `Uploading ${name}`,
  uploaded: (name, size) => `${name}, ${size}`,
  uploadFailed: (name, reason) => `${name} could not be attached: ${reason}`,
  errors: {
    'too-large': (limit) => `the file is larger than ${limit}.`,
    'type-not-allowed': () => 'this type of file cannot be sent (images, PDF, text, CSV and ZIP can).',
    'type-mismatch': () => 'the file is not what its name says.',
    unauthenticated: () => 'the chat is not connected yet.',
    network: () => 'the connection failed.',
  },
  offline: (name) => `${name}: no connection. It is sent with your message once the connection is back.`,
  retryUpload: (name) => `Retry ${name}`,
  removeFile: (name) => `Remove ${name}`,
  attachments: 'Attachments',
  image: (name) => `Image: ${name}`,
  download: (name) => `Download ${name}`,
  waitingFile: (name, size) => `${name}, ${size}: waiting for connection`,
};

const nl: FileStrings = {
  filesToSend: 'Bestanden om te versturen',
  uploading: (name) => `${name} wordt geüpload`,
  uploaded: (name, size) => `${name}, ${size}`,
  uploadFailed: (name, reason) => `${name} kon niet worden bijgevoegd: ${reason}`,
  errors: {
    'too-large': (limit) => `het bestand is groter dan ${limit}.`,
    'type-not-allowed': () => 'dit soort bestand kan niet worden verstuurd (afbeeldingen, pdf, tekst, csv en zip wel).',
    'type-mismatch': () => 'het bestand is niet wat de naam zegt.',
    unauthenticated: () => 'de chat is nog niet verbonden.',
    network: () => 'de verbinding mislukte.',
  },
  offline: (name) => `${name}: geen verbinding. Het gaat mee met je bericht zodra de verbinding terug is.`,
  retryUpload: (name) => `${name} opnieuw proberen`,
  removeFile: (name) => `${name} verwijderen`,
  attachments: 'Bijlagen',
  image: (name) => `Afbeelding: ${name}`,
  download: (name) => `${name} downloaden`,
  waitingFile: (name, size) => `${name}, ${size}: wacht op verbinding`,
};

export const FILE_STRINGS: Record<WidgetLocale, FileStrings> = { en, nl };
