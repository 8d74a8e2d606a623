import { html, type TemplateResult } from 'lit';
import { unbrokenRunPieces } from '@confab/core';

/** Link-like runs in message text. Only these protocols become links (DESIGN §5). */
const LINK_PATTERN = /\b(?:https?:\/\/|mailto:)[^\s<>"']+/gi;
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Returns the URL when it is safe to link to, else null. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Message text as Lit parts: plain strings (Lit renders them as text nodes, never as markup) and
 * anchors for http(s) and mailto links. Trailing punctuation stays out of the link.
 */
export function renderText(text: string): Array<string | TemplateResult> {
  const parts: Array<string | TemplateResult> = [];
  let last = 0;
  for (const match of text.matchAll(LINK_PATTERN)) {
    let link = match[0];
    const trailing = /[.,;:!?)\]]+$/.exec(link);
    if (trailing) link = link.slice(0, -trailing[0].length);
    const href = safeHref(link);
    if (!href) continue;
    const start = match.index ?? 0;
    if (start > last) parts.push(...wrappable(text.slice(last, start)));
    parts.push(html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${wrappable(link)}</a>`);
    last = start + link.length;
  }
  if (last < text.length) parts.push(...wrappable(text.slice(last)));
  return parts;
}

const BREAK_OPPORTUNITY = html`<wbr />`;

/** Text with a break opportunity (`<wbr>`) inside very long runs, so wrapping them stays fast. */
function wrappable(text: string): Array<string | TemplateResult> {
  return unbrokenRunPieces(text).flatMap((piece, index) => (index ? [BREAK_OPPORTUNITY, piece] : [piece]));
}
