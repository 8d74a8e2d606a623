/** How long a batch waits when no frame comes (a hidden tab gets none). */
const HIDDEN_FLUSH_DELAY = 250;

/**
 * When a store delivers a batch of changes (DESIGN §4: UI updates batched per frame): at the next
 * animation frame, or after 250 ms when no frame comes (a hidden tab); a zero-delay timeout where
 * there are no frames at all (workers, Node).
 */
export function frameSchedule(flush: () => void): void {
  if (typeof requestAnimationFrame !== 'function') {
    setTimeout(flush, 0);
    return;
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    flush();
  };
  requestAnimationFrame(once);
  // Background tabs get no frames; state listeners (unread counts, titles) still need the news.
  setTimeout(once, HIDDEN_FLUSH_DELAY);
}
