import { html, nothing, type TemplateResult } from 'lit';
import { linkRuns, safeUrl, unbrokenRunPieces } from '@confab/core';

/**
 * The one link rule of Confab's elements: a new tab, no opener, no referrer. Links come only from
 * `http:`, `https:` and `mailto:` URLs (DESIGN §5). A link written by hand takes its `rel` from here.
 */
export const LINK_REL = 'noopener noreferrer';

/**
 * A link that opens outside the page, or `content` as plain content when the URL is not safe.
 *
 * @example
 * html`${externalLink(contact.website, company.domain)}`
 */
export function externalLink(href: string | undefined, content: unknown, part?: string): TemplateResult {
  const url = safeUrl(href);
  if (!url) return html`${content}`;
  return html`<a part=${part ?? nothing} href=${url} target="_blank" rel=${LINK_REL}>${content}</a>`;
}

/**
 * User text with its http(s) and mailto URLs as links; everything else, markup and `javascript:`
 * URLs included, stays text (Lit renders strings as text nodes: no unsafeHTML on user content).
 * Trailing punctuation stays out of a link. `part` names the links' part, if any.
 *
 * @example
 * html`<p class="text">${renderText(message.text)}</p>`
 */
export function renderText(text: string, part?: string): Array<string | TemplateResult> | typeof nothing {
  if (!text) return nothing;
  return linkRuns(text).flatMap((run) =>
    run.href ? [externalLink(run.href, wrappable(run.text), part)] : wrappable(run.text),
  );
}

const BREAK_OPPORTUNITY = html`<wbr />`;

/** Text with a break opportunity (`<wbr>`) inside very long runs, so wrapping them stays fast. */
function wrappable(text: string): Array<string | TemplateResult> {
  return unbrokenRunPieces(text).flatMap((piece, index) => (index ? [BREAK_OPPORTUNITY, piece] : [piece]));
}
