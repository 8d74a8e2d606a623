import { html, nothing, type TemplateResult } from 'lit';
import { linkRuns, safeUrl, unbrokenRunPieces } from '@confab/core';

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

/**
 * User text with http(s) and mailto links made clickable. Everything else, including markup and
 * `javascript:` URLs, stays text: Lit escapes every part (no unsafeHTML on user content).
 */
export function linkify(text: string): Array<string | TemplateResult> | typeof nothing {
  if (!text) return nothing;
  return linkRuns(text).flatMap((run) =>
    run.href ? [externalLink(run.href, wrappable(run.text))] : wrappable(run.text),
  );
}

const BREAK_OPPORTUNITY = html`<wbr />`;

/** Text with a break opportunity (`<wbr>`) inside very long runs, so wrapping them stays fast. */
function wrappable(text: string): Array<string | TemplateResult> {
  return unbrokenRunPieces(text).flatMap((piece, index) => (index ? [BREAK_OPPORTUNITY, piece] : [piece]));
}
