import { html, nothing, type TemplateResult } from 'lit';
import { unbrokenRunPieces } from '@confab/core';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL when it is absolute and http, https or mailto; otherwise undefined (DESIGN §5). */
export function safeUrl(candidate: string | null | undefined): string | undefined {
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Fills a host URL template (`https://crm.example/{type}/{id}`), escaping each value. */
export function fillTemplate(template: string | undefined, values: Record<string, string>): string | undefined {
  if (!template) return undefined;
  const filled = template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? encodeURIComponent(values[key]) : whole,
  );
  return safeUrl(filled);
}

/** A link that opens outside the inbox, or plain text when the URL is not safe. */
export function externalLink(href: string | undefined, content: unknown, part = 'link'): TemplateResult {
  const url = safeUrl(href);
  if (!url) return html`${content}`;
  return html`<a part=${part} href=${url} target="_blank" rel="noopener noreferrer">${content}</a>`;
}

const LINK_PATTERN = /\b(?:https?:\/\/|mailto:)[^\s<>"'()]+[^\s<>"'().,;:!?]/gi;

/**
 * User text with http(s) and mailto links made clickable. Everything else, including markup and
 * `javascript:` URLs, stays text: Lit escapes every part (no unsafeHTML on user content).
 */
export function linkify(text: string): Array<string | TemplateResult> | typeof nothing {
  if (!text) return nothing;
  const parts: Array<string | TemplateResult> = [];
  let last = 0;
  for (const match of text.matchAll(LINK_PATTERN)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(...wrappable(text.slice(last, index)));
    const url = safeUrl(match[0]);
    parts.push(url ? externalLink(url, wrappable(match[0])) : match[0]);
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(...wrappable(text.slice(last)));
  return parts;
}

const BREAK_OPPORTUNITY = html`<wbr />`;

/** Text with a break opportunity (`<wbr>`) inside very long runs, so wrapping them stays fast. */
function wrappable(text: string): Array<string | TemplateResult> {
  return unbrokenRunPieces(text).flatMap((piece, index) => (index ? [BREAK_OPPORTUNITY, piece] : [piece]));
}
