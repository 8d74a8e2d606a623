/**
 * Defines `tag` unless it is defined already. Never throws: a second copy of the bundle, or a host
 * that defined the tag first, leaves the tag as it is.
 */
export function defineOnce(tag: string, element: CustomElementConstructor): void {
  if (customElements.get(tag)) return;
  try {
    customElements.define(tag, element);
  } catch {
    // Another copy won a race to define it, or this constructor is already registered under another tag.
  }
}
