import type { ErrorCode, ErrorPayload } from '@confab/core';
import { cachedFormatter } from '@confab/element-kit';
import { en, type Catalog } from './en.js';

export type { Catalog };
const catalogs: Record<string, Catalog> = { en };
/** Other languages load on first use: an English inbox does not download Dutch (5 KB). */
const loaders: Record<string, () => Promise<Catalog>> = { nl: () => import('./nl.js').then((module) => module.nl) };
const loading = new Map<string, Promise<void>>();

/**
 * The catalog for a BCP 47 tag (`nl-BE` → Dutch); English when there is none. Elements wait for
 * `catalogLoaded` before they render, so that a language is never shown in English first.
 */
export function catalogFor(locale: string | undefined): Catalog {
  return pickCatalog(catalogs, en, locale);
}

/** Resolves once the catalog of `locale` is loaded; null when it is loaded (or there is none to load). */
export function catalogLoaded(locale: string | undefined): Promise<void> | null {
  const language = languageOf(locale);
  const load = loaders[language];
  if (catalogs[language] || !load) return null;
  let loaded = loading.get(language);
  if (!loaded) {
    loaded = load().then((catalog) => {
      catalogs[language] = catalog;
    });
    loading.set(language, loaded);
  }
  return loaded;
}

const languageOf = (locale: string | undefined) => (locale ?? '').toLowerCase().split('-')[0]!;

/**
 * A refusal in the catalog's language: worded from its reason and values, else from its code.
 * Never the engine's English message (that is for developers and logs).
 */
export function refusalText(t: Catalog, error: unknown): string {
  const { code, reason, params = {} } = (error ?? {}) as Partial<ErrorPayload>;
  const word = reason === undefined ? undefined : t.refusals[reason];
  if (word) return word(params);
  return t.errorCodes[code as ErrorCode] ?? t.errorCodes.internal;
}

/** The catalog of `locale`'s language among `catalogs` (`nl-BE` → `nl`), else `fallback`. */
export function pickCatalog<T>(catalogs: Record<string, T>, fallback: T, locale: string | undefined): T {
  return catalogs[languageOf(locale)] ?? fallback;
}

/** The nearest `lang` attribute above `node`, crossing shadow roots; the document's otherwise. */
export function inheritedLang(node: Node): string | undefined {
  let current: Node | null = node;
  while (current) {
    if (current instanceof Element) {
      const lang = current.closest('[lang]')?.getAttribute('lang');
      if (lang) return lang;
    }
    const root = current.getRootNode();
    current = root instanceof ShadowRoot ? root.host : null;
  }
  return document.documentElement.lang || undefined;
}

/** The `lang` each element last wrote on itself (markLanguage), told apart from one its page set. */
const marked = new WeakMap<Element, string>();

/** The language an element is asked for by its page: its own `lang` attribute, else the nearest above it. */
export function pageLang(element: Element): string | undefined {
  const own = element.getAttribute('lang');
  if (own && own !== marked.get(element)) return own;
  return element.parentNode ? inheritedLang(element.parentNode) : undefined;
}

/** Sets `lang` on an element to the language its text is in (WCAG 3.1.2: the page's may differ). */
export function markLanguage(element: Element, locale: string): void {
  if (element.getAttribute('lang') === locale) return;
  element.setAttribute('lang', locale);
  marked.set(element, locale);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** L2.4: relative ("12 min ago") when under 24 hours old, a date otherwise. */
export function formatStarted(time: number, now: number, locale: string): string {
  const age = now - time;
  if (age >= 0 && age < DAY) {
    const relative = cachedFormatter(
      `rel:${locale}`,
      () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' }),
    );
    if (age < MINUTE) return relative.format(0, 'second');
    if (age < HOUR) return relative.format(-Math.floor(age / MINUTE), 'minute');
    return relative.format(-Math.floor(age / HOUR), 'hour');
  }
  return cachedFormatter(`date:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })).format(time);
}

/** Date and time of a message. */
export function formatDateTime(time: number, locale: string): string {
  return cachedFormatter(
    `dt:${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(time);
}

/** A day in the locale (a custom date range's ends). */
export function formatDay(time: number, locale: string): string {
  return cachedFormatter(`d:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })).format(time);
}

/** A number in the locale (counts). */
export function formatCount(value: number, locale: string): string {
  // Below 1,000 there is nothing to group: spare the first paint a number formatter.
  if (Number.isInteger(value) && value >= 0 && value < 1000) return String(value);
  return cachedFormatter(`num:${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}
