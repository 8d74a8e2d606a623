/**
 * Test helpers that find controls the way people do: by role and accessible name, looking inside
 * shadow roots. A small subset of the accname rules, enough for our own markup.
 */

const IMPLICIT_ROLES: Array<[selector: string, role: string]> = [
  ['button', 'button'],
  ['a[href]', 'link'],
  ['input[type="checkbox"]', 'checkbox'],
  ['input[type="radio"]', 'radio'],
  // A text field with suggestions (a datalist) is a combobox (HTML-AAM).
  [
    'input[list]:not([type]), input[list][type="text"], input[list][type="search"], input[list][type="email"]',
    'combobox',
  ],
  ['input[type="search"]', 'searchbox'],
  [
    'input:not([type]), input[type="text"], input[type="email"], input[type="number"], input[type="url"], textarea',
    'textbox',
  ],
  ['select', 'combobox'],
  ['dialog', 'dialog'],
  ['nav', 'navigation'],
  ['h1, h2, h3, h4, h5, h6', 'heading'],
  ['ul, ol', 'list'],
  ['li', 'listitem'],
  ['progress', 'progressbar'],
  ['img[alt]:not([alt=""])', 'img'],
  ['section[aria-label], section[aria-labelledby]', 'region'],
  ['fieldset', 'group'],
  ['form[aria-label], form[aria-labelledby]', 'form'],
  ['table', 'table'],
  ['tr', 'row'],
  ['th[scope="col"]', 'columnheader'],
  ['th[scope="row"]', 'rowheader'],
  ['td', 'cell'],
];

export function roleOf(element: Element): string | null {
  const explicit = element.getAttribute('role');
  if (explicit) return explicit.trim().split(/\s+/)[0]!;
  for (const [selector, role] of IMPLICIT_ROLES) if (element.matches(selector)) return role;
  return null;
}

/** Every element under `root`, including those in (nested) shadow roots. */
export function deepElements(root: Element | ShadowRoot | Document): Element[] {
  const found: Element[] = [];
  const visit = (node: Element | ShadowRoot | Document) => {
    for (const child of Array.from(node.children)) {
      found.push(child);
      if (child.shadowRoot) visit(child.shadowRoot);
      visit(child);
    }
  };
  if (root instanceof Element && root.shadowRoot) visit(root.shadowRoot);
  visit(root);
  return found;
}

function isHiddenFromAT(element: Element): boolean {
  let current: Element | null = element;
  while (current) {
    if (current.getAttribute('aria-hidden') === 'true') return true;
    const parent: Element | null = current.parentElement ?? (current.getRootNode() as ShadowRoot).host ?? null;
    current = parent;
  }
  // Not rendered (display: none, a closed dialog, hidden attribute).
  return (
    element.getClientRects().length === 0 && !(element instanceof HTMLElement && element.matches('[role="option"]'))
  );
}

function textOf(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  if (!(node instanceof Element)) return '';
  if (node.getAttribute('aria-hidden') === 'true') return '';
  if (node instanceof HTMLElement && node.hidden) return '';
  if (node instanceof HTMLSlotElement) return node.assignedNodes({ flatten: true }).map(textOf).join('');
  if (node.getAttribute('aria-label')) return node.getAttribute('aria-label')!;
  if (node instanceof HTMLImageElement) return node.alt;
  if (node.localName === 'svg')
    return node.getAttribute('role') === 'img' ? (node.getAttribute('aria-label') ?? '') : '';
  return Array.from(node.childNodes)
    .map((child) => (child instanceof Element && !isInline(child) ? ` ${textOf(child)} ` : textOf(child)))
    .join('');
}

function isInline(element: Element): boolean {
  return getComputedStyle(element).display.startsWith('inline') || element.localName === 'slot';
}

const clean = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The accessible name of our controls: aria-labelledby, aria-label, label, then content. */
export function accessibleName(element: Element): string {
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy) {
    const root = element.getRootNode() as ShadowRoot | Document;
    return clean(
      labelledBy
        .split(/\s+/)
        .map((id) => (root.getElementById(id) ? textOf(root.getElementById(id)!) : ''))
        .join(' '),
    );
  }
  const label = element.getAttribute('aria-label');
  if (label) return clean(label);
  if (element instanceof HTMLImageElement) return clean(element.alt);
  const labels = (element as HTMLInputElement).labels;
  if (labels && labels.length)
    return clean(
      Array.from(labels)
        .map((l) => textOf(l))
        .join(' '),
    );
  return clean(textOf(element));
}

function matchesName(actual: string, wanted: string | RegExp | undefined): boolean {
  if (wanted === undefined) return true;
  if (typeof wanted === 'string') return actual === wanted || actual.toLowerCase().includes(wanted.toLowerCase());
  return wanted.test(actual);
}

/** Every visible element with `role` whose accessible name contains (or matches) `name`. */
export function getAllByRole<T extends HTMLElement = HTMLElement>(
  root: Element | ShadowRoot | Document,
  role: string,
  name?: string | RegExp,
): T[] {
  return deepElements(root).filter(
    (element) => roleOf(element) === role && !isHiddenFromAT(element) && matchesName(accessibleName(element), name),
  ) as T[];
}

/** The first visible element with `role` and `name`; throws, listing the candidates, if none. */
export function getByRole<T extends HTMLElement = HTMLElement>(
  root: Element | ShadowRoot | Document,
  role: string,
  name?: string | RegExp,
): T {
  const found = getAllByRole<T>(root, role, name);
  if (!found.length) {
    const candidates = deepElements(root)
      .filter((element) => roleOf(element) === role)
      .map((element) => JSON.stringify(accessibleName(element)));
    throw new Error(`No ${role} named ${String(name)}; ${role}s: ${candidates.join(', ') || 'none'}`);
  }
  return found[0]!;
}

export function queryByRole<T extends HTMLElement = HTMLElement>(
  root: Element | ShadowRoot | Document,
  role: string,
  name?: string | RegExp,
): T | null {
  return getAllByRole<T>(root, role, name)[0] ?? null;
}

/** Waits until `check` returns a truthy value (the backend answers on later tasks and frames). */
export async function until<T>(check: () => T, what: string, timeoutMs = 4000): Promise<NonNullable<T>> {
  const start = performance.now();
  for (;;) {
    let value: T | undefined;
    try {
      value = check();
    } catch {
      value = undefined;
    }
    if (value) return value as NonNullable<T>;
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The element that has focus, inside shadow roots. */
export function activeElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Dispatches a key press where focus is (or on `target`). */
export function press(key: string, options: KeyboardEventInit & { target?: Element | null } = {}): void {
  const target = options.target ?? activeElement() ?? document.body;
  target.dispatchEvent(
    new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...options }),
  );
}

/** Every `on*` attribute under `root`, in shadow roots too (hostile text must never create one). */
export function eventHandlerAttributes(root: Element): string[] {
  return deepElements(root).flatMap((element) =>
    Array.from(element.attributes)
      .filter((attribute) => /^on/i.test(attribute.name))
      .map((attribute) => `${element.localName}[${attribute.name}]`),
  );
}
