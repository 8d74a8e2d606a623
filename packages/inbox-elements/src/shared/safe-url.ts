import type { nothing, TemplateResult } from 'lit';
import { safeUrl } from '@confab/core';
import { renderText } from '@confab/element-kit';

/** Fills a host URL template (`https://crm.example/{type}/{id}`), escaping each value. */
export function fillTemplate(template: string | undefined, values: Record<string, string>): string | undefined {
  if (!template) return undefined;
  const filled = template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? encodeURIComponent(values[key]) : whole,
  );
  return safeUrl(filled);
}

export { externalLink } from '@confab/element-kit';

/**
 * User text with http(s) and mailto links made clickable (the `link` part), by the one rule the
 * widget uses too. Everything else, markup and `javascript:` URLs included, stays text.
 */
export function linkify(text: string): Array<string | TemplateResult> | typeof nothing {
  return renderText(text, 'link');
}
