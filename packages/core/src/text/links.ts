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

/** Link-like runs in message text; only the safe protocols become links. */
const LINK_PATTERN = /\b(?:https?:\/\/|mailto:)[^\s<>"']+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

/** A run of message text: plain, or a link to a safe URL. */
export interface TextRun {
  text: string;
  href?: string;
}

/**
 * Message text as plain runs and links to safe URLs, in order; the runs joined are the text.
 * Punctuation that ends a sentence after a link stays out of it. Renderers turn links into
 * anchors and everything else into text nodes (never markup).
 */
export function linkRuns(text: string): TextRun[] {
  const runs: TextRun[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK_PATTERN)) {
    const link = match[0].replace(TRAILING_PUNCTUATION, '');
    const href = safeUrl(link);
    if (!href) continue;
    const start = match.index ?? 0;
    if (start > last) runs.push({ text: text.slice(last, start) });
    runs.push({ text: link, href });
    last = start + link.length;
  }
  if (last < text.length) runs.push({ text: text.slice(last) });
  return runs;
}
