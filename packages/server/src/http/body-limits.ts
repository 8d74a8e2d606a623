import { MAX_FRAME_LENGTH } from '@confab/core';

/**
 * Request body limits in bytes (413 past them); packages/server/README.md states these figures.
 * `json`: whatever one protocol frame may hold — the longest text, even if every character is
 * escaped. `email`: an email's text and html at their longest (4 + 1 times the text limit), escaped.
 * `rawEmail`: a whole message as mail servers pass it (attachments and base64 included): 25 MB, the
 * size most providers accept.
 */
export const BODY_LIMITS = { json: MAX_FRAME_LENGTH, email: 2 * 1024 * 1024, rawEmail: 25 * 1024 * 1024 } as const;
