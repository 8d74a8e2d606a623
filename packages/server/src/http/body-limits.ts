import { MAX_FRAME_LENGTH } from '@confab/core';

/**
 * Request body limits in bytes (413 past them); packages/server/README.md states these figures.
 * `json`: whatever one protocol frame may hold — the longest text, even if every character is
 * escaped. `email`: an email's text and html at their longest (4 + 1 times the text limit), escaped.
 */
export const BODY_LIMITS = { json: MAX_FRAME_LENGTH, email: 2 * 1024 * 1024 } as const;
