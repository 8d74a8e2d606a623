// A web-test-runner browser launcher for WebKit: one MiniBrowser session, one test page at a time,
// over the W3C WebDriver client in webdriver.mjs.
import { launchWebKit } from './webdriver.mjs';

/** The size Chromium's and Firefox's test pages get from web-test-runner's puppeteer launcher. */
const VIEWPORT = { width: 800, height: 600 };

/** Key names (as puppeteer and Playwright spell them) → W3C WebDriver's code points. */
const WEBDRIVER_KEYS = {
  Backspace: '\uE003',
  Tab: '\uE004',
  Enter: '\uE007',
  Shift: '\uE008',
  Control: '\uE009',
  Alt: '\uE00A',
  Escape: '\uE00C',
  Space: ' ',
  PageUp: '\uE00E',
  PageDown: '\uE00F',
  End: '\uE010',
  Home: '\uE011',
  ArrowLeft: '\uE012',
  ArrowUp: '\uE013',
  ArrowRight: '\uE014',
  ArrowDown: '\uE015',
  Delete: '\uE017',
  Meta: '\uE03D',
};

export function webkitLauncher() {
  let starting = null;
  const active = new Set();

  async function browser() {
    starting ??= launchWebKit().then(async (session) => {
      await fitViewport(session);
      return session;
    });
    return starting;
  }

  return {
    name: 'WebKit',
    type: 'webdriver',
    concurrency: 1,
    async startSession(sessionId, url) {
      const session = await browser();
      active.add(sessionId);
      await session.navigate(url);
    },
    isActive: (sessionId) => active.has(sessionId),
    async getBrowserUrl() {
      return (await browser()).url();
    },
    async stopSession(sessionId) {
      active.delete(sessionId);
      // An empty page stops the test page's timers and sockets before the next file.
      await (await browser()).navigate('about:blank');
      return {};
    },
    /** For @web/test-runner-commands' sendKeys: each key pressed and released, in order. */
    async sendKeys(_sessionId, keys) {
      const actions = keys.flatMap((key) => {
        const value = WEBDRIVER_KEYS[key] ?? key;
        return [
          { type: 'keyDown', value },
          { type: 'keyUp', value },
        ];
      });
      const session = await browser();
      await session.performActions([{ type: 'key', id: 'keyboard', actions }]);
      await session.releaseActions();
    },
    startDebugSession() {
      throw new Error('WebKit runs headless here (Xvfb): no debug session');
    },
    async stop() {
      if (starting) await (await starting).quit();
    },
  };
}

/** Sizes the window so that the page's own viewport (inside MiniBrowser's frame) is VIEWPORT. */
async function fitViewport(session) {
  await session.setWindowRect(VIEWPORT);
  const [innerWidth, innerHeight] = await session.execute('return [innerWidth, innerHeight]');
  await session.setWindowRect({
    width: 2 * VIEWPORT.width - innerWidth,
    height: 2 * VIEWPORT.height - innerHeight,
  });
}
