/**
 * On a phone the floating chat fills the screen (confab-chat.styles.ts). What the visitor sees of
 * the screen is the visual viewport: the on-screen keyboard shrinks it (Safari on iOS, Chrome on
 * Android) while the layout viewport, and with it `100dvh` and `position: fixed`, stays as it was,
 * so a chat sized by those alone has its text box under the keyboard. This keeps two custom
 * properties on `element` at the visual viewport's top and height, for the styles to follow:
 * `--confab-visible-top` and `--confab-visible-height` (CSSOM writes: no CSP `unsafe-inline`).
 * Without `visualViewport` the styles fall back to `100dvh`.
 *
 * @returns a function that stops following.
 * @example
 * const stop = followVisualViewport(chat);
 * chat.remove();
 * stop();
 */
export function followVisualViewport(element: HTMLElement, win: Window = window): () => void {
  const viewport = win.visualViewport;
  if (!viewport) return () => undefined;
  const update = () => {
    element.style.setProperty('--confab-visible-top', `${viewport.offsetTop}px`);
    element.style.setProperty('--confab-visible-height', `${viewport.height}px`);
  };
  update();
  viewport.addEventListener('resize', update);
  // A keyboard opening scrolls the visual viewport inside the layout viewport too.
  viewport.addEventListener('scroll', update);
  return () => {
    viewport.removeEventListener('resize', update);
    viewport.removeEventListener('scroll', update);
  };
}
