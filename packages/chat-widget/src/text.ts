import { html, type TemplateResult } from 'lit';
import { linkRuns, safeUrl, unbrokenRunPieces } from '@confab/core';

/** Returns the URL when it is safe to link to (http, https, mailto), else null. */
export function safeHref(candidate: string): string | null {
  return safeUrl(candidate) ?? null;
}

/**
 * Message text as Lit parts: plain strings (Lit renders them as text nodes, never as markup) and
 * anchors for http(s) and mailto links. Trailing punctuation stays out of the link.
 */
export function renderText(text: string): Array<string | TemplateResult> {
  return linkRuns(text).flatMap((run) =>
    run.href
      ? [html`<a href=${run.href} target="_blank" rel="noopener noreferrer nofollow">${wrappable(run.text)}</a>`]
      : wrappable(run.text),
  );
}

const BREAK_OPPORTUNITY = html`<wbr />`;

/** Text with a break opportunity (`<wbr>`) inside very long runs, so wrapping them stays fast. */
function wrappable(text: string): Array<string | TemplateResult> {
  return unbrokenRunPieces(text).flatMap((piece, index) => (index ? [BREAK_OPPORTUNITY, piece] : [piece]));
}
