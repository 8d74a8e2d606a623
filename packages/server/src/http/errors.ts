import { ConfabError } from '@confab/core';
import { HttpError } from './http-util.js';

/** Refusals counted and logged at warn, by the status they were answered with. */
export const REFUSAL_OF_STATUS: Record<number, string> = {
  401: 'unauthenticated',
  403: 'forbidden',
  429: 'rate-limited',
};

function statusOf(error: ConfabError): number {
  switch (error.code) {
    case 'invalid':
    case 'unknown-command':
    case 'unsupported-version':
      return 400;
    case 'too-large':
      return 413;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'rule':
      return 409;
    case 'rate-limited':
      return 429;
    default:
      return 500;
  }
}

/** Any thrown value as the HTTP refusal to answer with; what is not a refusal is a 500 that tells nothing. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ConfabError) return new HttpError(statusOf(error), error.code, error.message, error.path);
  return new HttpError(500, 'internal', 'The server failed; nothing was changed.');
}
