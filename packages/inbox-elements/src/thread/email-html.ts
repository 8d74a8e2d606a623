// An email's HTML made safe to show in the thread (issue 17): sanitised by DOMPurify (loaded on
// first use), no scripts, forms or event handlers, links that open elsewhere, and no remote content
// (images, backgrounds, fonts) until the agent allows it for that message: a remote image tells
// the sender that, when and where the mail was read.
import type { DOMPurify } from 'dompurify';
import { LINK_REL } from '@confab/element-kit';

export interface SafeEmail {
  /**
   * The sanitised body, to place in its own shadow root. It holds no `<style>` and no `style`
   * attribute: a page's CSP (`style-src` without `'unsafe-inline'`) would refuse them. Its style
   * sheets are in `styles` and its inline styles in `data-confab-style`, for `mountEmail` to apply
   * through the CSSOM, which CSP allows.
   */
  fragment: DocumentFragment;
  styles: string[];
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
/** Where an element's inline style waits for `mountEmail` (see SafeEmail). */
export const INLINE_STYLE = 'data-confab-style';
/** `data:` images are part of the mail; everything else would be fetched from somewhere. */
const INLINE = /^\s*data:image\//i;
const REMOTE_CSS_URL = /url\(\s*(['"]?)(?!\s*data:)[^)]*\1\s*\)/gi;
/** `image-set("https://…" 1x)` fetches from a bare string, without `url()`. */
const IMAGE_SET = /(?:-webkit-)?image-set\((?:[^()]|\([^()]*\))*\)/gi;
/** A `<base>` is dropped by the sanitiser, but parsing it already breaks a page's `base-uri` policy. */
const BASE_ELEMENT = /<base\b[^>]*>/gi;

/*
 * Attributes are found without parsing tags (a regex cannot parse HTML: `<img/src=x/onerror=…>`,
 * `"x"onerror=…`): any `style=` or `on…=` after a space, slash or quote counts. Text that looks
 * like one loses a word at worst; nothing can become markup.
 */
const STYLE_ATTRIBUTE = /([\s/"'])style(\s*=)/gi;
/** `onerror=…` and its kind: DOMPurify would drop them, but CSP reports each one the parser meets. */
const HANDLER_ATTRIBUTE = /([\s/"'])on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*)/gi;
/** A style element: raw text up to `</style`, as the HTML parser reads it. */
const STYLE_ELEMENT = /<style\b[^>]*>([\s\S]*?)(?:<\/style\s*>|$)/gi;

/**
 * Takes style sheets out of the markup, renames style attributes and drops event handlers, before
 * any parser sees them: a strict CSP reports every inline style and handler the browser parses,
 * even in a document that is never shown. Styles come back through the CSSOM (mountEmail), which
 * CSP allows.
 */
function setStylesAside(html: string): { markup: string; sheets: string[] } {
  const sheets: string[] = [];
  const markup = html
    .replace(STYLE_ELEMENT, (_, css: string) => {
      sheets.push(css);
      return '';
    })
    .replace(BASE_ELEMENT, '')
    .replace(HANDLER_ATTRIBUTE, '$1 ')
    .replace(STYLE_ATTRIBUTE, `$1 ${INLINE_STYLE}$2`);
  return { markup, sheets };
}

function safeLink(href: string): boolean {
  return /^(https?:|mailto:)/i.test(href.trim());
}

/** CSS without what it would fetch: `url()` other than `data:` and `image-set()` become `none`. */
function heldBack(css: string): string {
  return css.replace(IMAGE_SET, 'none').replace(REMOTE_CSS_URL, 'none');
}

/** Sanitises `html`; `remote: false` holds back every resource the browser would fetch. */
export async function sanitizeEmail(html: string, remote: boolean): Promise<SafeEmail> {
  purifier ??= import('dompurify').then((module) => module.default);
  const purify = await purifier;
  let blocked = 0;
  const { markup, sheets } = setStylesAside(html);
  const styles = sheets.map((css) => {
    if (remote) return css;
    const held = heldBack(css.replace(/@import[^;]*;?/gi, ''));
    if (held !== css) blocked += 1;
    return held;
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof Element)) return;
    if (node.localName === 'a') {
      const href = node.getAttribute('href') ?? '';
      if (!safeLink(href)) node.removeAttribute('href');
      else {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', LINK_REL);
      }
    }
    const inline = node.getAttribute(INLINE_STYLE);
    if (inline !== null && !remote) {
      const held = heldBack(inline);
      if (held !== inline) {
        node.setAttribute(INLINE_STYLE, held);
        blocked += 1;
      }
    }
    if (remote) return;
    for (const name of URL_ATTRIBUTES) {
      const value = node.getAttribute(name);
      if (value === null || INLINE.test(value)) continue;
      node.removeAttribute(name);
      blocked += 1;
    }
  });
  try {
    const fragment = purify.sanitize(markup, {
      RETURN_DOM_FRAGMENT: true,
      USE_PROFILES: { html: true },
      FORBID_TAGS,
      FORBID_ATTR: ['id', 'name', 'form', 'formaction', 'autofocus', 'tabindex', 'accesskey'],
      ALLOW_DATA_ATTR: false,
      ADD_ATTR: [INLINE_STYLE],
      ADD_URI_SAFE_ATTR: [INLINE_STYLE], // a style, not a URL: no scheme check
      FORCE_BODY: true,
    });
    return { fragment, styles, blocked };
  } finally {
    purify.removeAllHooks();
  }
}

const mountedEmails = new WeakMap<Element, string>();

/** Places a sanitised email in `host`'s own shadow root (its styles stay inside); again only when it changed. */
export function mountEmail(host: Element | undefined, key: string, safe: SafeEmail, box: CSSStyleSheet): void {
  if (!host || mountedEmails.get(host) === key) return;
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  // Through the CSSOM, which a CSP without 'unsafe-inline' styles allows (see SafeEmail).
  const sheets = safe.styles.map((css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css); // @import rules are ignored here: nothing is fetched
    return sheet;
  });
  root.adoptedStyleSheets = [box, ...sheets];
  const body = safe.fragment.cloneNode(true) as DocumentFragment;
  for (const element of body.querySelectorAll<HTMLElement>(`[${INLINE_STYLE}]`)) {
    element.style.cssText = element.getAttribute(INLINE_STYLE)!;
    element.removeAttribute(INLINE_STYLE);
  }
  root.replaceChildren(body);
  mountedEmails.set(host, key);
}
