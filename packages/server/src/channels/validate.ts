import { MAX_SHORT_LENGTH, MAX_TEXT_LENGTH } from '@confab/core';
import { HttpError } from '../http/http-util.js';

/** Small checks for channel payloads; each refusal names the field (`path`). */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalid(path: string, message: string): HttpError {
  return new HttpError(400, 'invalid', message, path);
}

export function requireRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw invalid(path, `${path || 'The body'} must be an object.`);
  return value;
}

export function text(
  value: unknown,
  path: string,
  options: { max?: number; required?: boolean; allowEmpty?: boolean } = {},
): string | undefined {
  const max = options.max ?? MAX_SHORT_LENGTH;
  if (value === undefined || value === null) {
    if (options.required) throw invalid(path, `${path} is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(path, `${path} must be a string.`);
  if (value.length > max) throw new HttpError(413, 'too-large', `${path} may have at most ${max} characters.`, path);
  if (!options.allowEmpty && options.required && value.trim() === '') throw invalid(path, `${path} must not be empty.`);
  return value;
}

export function requiredText(value: unknown, path: string, max = MAX_SHORT_LENGTH, allowEmpty = false): string {
  return text(value, path, { max, required: true, allowEmpty })!;
}

export { MAX_SHORT_LENGTH, MAX_TEXT_LENGTH };
