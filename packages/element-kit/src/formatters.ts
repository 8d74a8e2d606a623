/** The Intl formatters elements use; making one costs far more than using one (milliseconds each). */
export type Formatter = Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.NumberFormat;

const formatters = new Map<string, Formatter>();

/**
 * The formatter for `key` (say, `time:nl`), made by `make` the first time it is asked for and
 * shared by every element on the page after that.
 *
 * @example
 * const time = cachedFormatter(`time:${locale}`, () => new Intl.DateTimeFormat(locale, { timeStyle: 'short' }));
 */
export function cachedFormatter<T extends Formatter>(key: string, make: () => T): T {
  let formatter = formatters.get(key);
  if (!formatter) formatters.set(key, (formatter = make()));
  return formatter as T;
}
