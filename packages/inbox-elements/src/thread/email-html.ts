// An email's HTML made safe to show in the thread (issue 17): sanitised by DOMPurify (loaded on
// first use), no scripts, forms or event handlers, links that open elsewhere, and no remote content
// (images, backgrounds, fonts) until the agent allows it for that message: a remote image tells
// the sender that, when and where the mail was read.
import type { DOMPurify } from 'dompurify';

export interface SafeEmail {
  /** The sanitised body, to place in its own shadow root (its styles stay inside). */
  fragment: DocumentFragment;
  /** How many remote resources were held back (0 when `remote` was allowed). */
  blocked: number;
}

let purifier: Promise<DOMPurify> | undefined;

/** Elements an email has no business showing in an inbox. */
const FORBID_TAGS = [
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'option',
  'iframe',
  'frame',
  'object',
  'embed',
  'link',
  'meta',
  'base',
];
const URL_ATTRIBUTES = ['src', 'srcset', 'background', 'poster'];
/** `data:` images are part of the mail; everything else would be fetched from somewhere. */
const INLINE = /^\s*data:image\//i;
const REMOTE_CSS_URL = /url\(\s*(['"]?)(?!\s*data:)[^)]*\1\s*\)/gi;

function safeLink(href: string): boolean {
  return /^(https?:|mailto:)/i.test(href.trim());
}

/** Sanitises `html`; `remote: false` holds back every resource the browser would fetch. */
export async function sanitizeEmail(html: string, remote: boolean): Promise<SafeEmail> {
  purifier ??= import('dompurify').then((module) => module.default);
  const purify = await purifier;
  let blocked = 0;
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof Element)) return;
    if (node.localName === 'a') {
      const href = node.getAttribute('href') ?? '';
      if (!safeLink(href)) node.removeAttribute('href');
      else {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    }
    if (remote) return;
    for (const name of URL_ATTRIBUTES) {
      const value = node.getAttribute(name);
      if (value === null || INLINE.test(value)) continue;
      node.removeAttribute(name);
      blocked += 1;
    }
    const style = node.getAttribute('style');
    const held = style?.replace(REMOTE_CSS_URL, 'none');
    if (style && held !== style) {
      node.setAttribute('style', held!);
      blocked += 1;
    }
  });
  purify.addHook('uponSanitizeElement', (node) => {
    // Style sheets stay (mail layouts need them) but may not fetch: @import and remote url().
    if (remote || !(node instanceof Element) || node.localName !== 'style') return;
    const css = node.textContent ?? '';
    const held = css.replace(/@import[^;]*;?/gi, '').replace(REMOTE_CSS_URL, 'none');
    if (held !== css) {
      node.textContent = held;
      blocked += 1;
    }
  });
  try {
    const fragment = purify.sanitize(html, {
      RETURN_DOM_FRAGMENT: true,
      USE_PROFILES: { html: true },
      FORBID_TAGS,
      FORBID_ATTR: ['id', 'name', 'form', 'formaction', 'autofocus', 'tabindex', 'accesskey'],
      ALLOW_DATA_ATTR: false,
      ADD_TAGS: ['style'],
      FORCE_BODY: true,
    });
    return { fragment, blocked };
  } finally {
    purify.removeAllHooks();
  }
}
