/**
 * The chat app bundle (dist/bundles/confab-widget-app.js) that the loader adds on intent or idle
 * time. A module runs once per page, so it leaves its start function where a later loader (after
 * `Confab.remove()` and a new script tag) finds it.
 */
import { APP_KEY, BOOT_KEY, type Boot } from './boot.js';
import { startWidget } from './widget.js';

const globals = window as unknown as Record<symbol, unknown>;

function start(boot: Boot) {
  if (boot.app) return;
  try {
    startWidget(boot);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    for (const [, , , reject] of boot.queue.splice(0)) reject(error);
    boot.emit('error', { code: 'start-failed', message });
  }
}

globals[Symbol.for(APP_KEY)] = start;
const waiting = globals[Symbol.for(BOOT_KEY)] as Boot | undefined;
if (waiting?.loading) start(waiting);
