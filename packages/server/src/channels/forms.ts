import type { InboundFormCommand } from '@confab/core';
import { MAX_SHORT_LENGTH, MAX_TEXT_LENGTH, invalid, requireRecord, requiredText } from './validate.js';

const MAX_FIELDS = 100;

/**
 * The JSON body of `POST /api/channels/forms/submit` (DESIGN §2): `formId`, `fields` (strings), and
 * an optional `submissionId` that makes a re-sent submission count once.
 */
export function parseFormSubmission(body: unknown): { command: InboundFormCommand; submissionId?: string } {
  const input = requireRecord(body, '');
  const formId = requiredText(input.formId, 'formId');
  const fields = requireRecord(input.fields, 'fields');
  const entries = Object.entries(fields);
  if (entries.length === 0) throw invalid('fields', 'fields must hold at least one field.');
  if (entries.length > MAX_FIELDS) throw invalid('fields', `fields may hold at most ${MAX_FIELDS} fields.`);
  const clean: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (name.length > MAX_SHORT_LENGTH) throw invalid(`fields`, 'A field name is too long.');
    if (typeof value === 'number' || typeof value === 'boolean') clean[name] = String(value);
    else clean[name] = requiredText(value, `fields.${name}`, MAX_TEXT_LENGTH, true);
  }
  const submissionId = input.submissionId === undefined ? undefined : requiredText(input.submissionId, 'submissionId');
  return { command: { type: 'inbound.form', formId, fields: clean }, ...(submissionId ? { submissionId } : {}) };
}
