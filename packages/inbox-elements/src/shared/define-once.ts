/** Defines `tag` unless it is defined already. Never throws. */
export function defineOnce(tag: string, element: CustomElementConstructor): void {
  if (customElements.get(tag)) return;
  try {
    customElements.define(tag, element);
  } catch {
    // Another copy won a race to define it, or this constructor is already registered under another tag.
  }
}
