// One small page interface over the three engines' drivers, for the journeys that run in all of
// them: puppeteer-core for Chromium (CDP) and Firefox (WebDriver BiDi), plain W3C WebDriver for
// WebKit. Elements are found in the page, through open shadow roots, by role and accessible name
// (findByRole below) and then clicked, tapped or typed into by the driver: real input events.
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { FIREFOX_PATH } from '../../scripts/engines.mjs';
import { ELEMENT_KEY, launchWebKit } from '../../scripts/webdriver.mjs';

const FIND_TIMEOUT_MS = 10_000;

/**
 * A browser of `engineId` with its own storage; `{ private: true }` for a private window (its
 * storage lives in memory until it closes). `open(url, { width, height, touch })` gives a page;
 * each `open()` of one browser shares that browser's storage (a returning visitor).
 */
export async function launchBrowser(engineId, { private: privately = false } = {}) {
  if (engineId === 'webkit') return webkitBrowser(privately);
  const browser = await puppeteer.launch(
    engineId === 'firefox'
      ? {
          browser: 'firefox',
          executablePath: FIREFOX_PATH,
          headless: true,
          extraPrefsFirefox: privately ? { 'browser.privatebrowsing.autostart': true } : {},
        }
      : { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS },
  );
  // Chromium's private windows are off-the-record browser contexts.
  const context =
    privately && engineId === 'chromium' ? await browser.createBrowserContext() : browser.defaultBrowserContext();
  return {
    async open(url, viewport = {}) {
      const page = await context.newPage();
      const touch = viewport.touch ? { hasTouch: true, isMobile: true } : {};
      await page.setViewport({ width: viewport.width ?? 1280, height: viewport.height ?? 800, ...touch });
      await page.goto(url);
      return puppeteerPage(page);
    },
    close: () => browser.close(),
  };
}

function puppeteerPage(page) {
  return {
    evaluate: (fn, ...args) => page.evaluate(fn, ...args),
    reload: () => page.reload(),
    async find(role, name, timeout = FIND_TIMEOUT_MS) {
      const handle = await page.waitForFunction(findByRole, { polling: 50, timeout }, role, name);
      return handle.asElement();
    },
    rectOf: (element) => element.evaluate(boxOf),
    click: (element) => element.click(),
    tap: (element) => element.tap(),
    pointerAway: () => page.mouse.move(1, 1),
    type: (element, text) => element.type(text),
    screenshot: async () => Buffer.from(await page.screenshot({ type: 'png' })),
    close: () => page.close(),
  };
}

async function webkitBrowser(privately) {
  const session = await launchWebKit({ private: privately });
  return {
    async open(url, viewport = {}) {
      if (viewport.touch) {
        await fitWindow(session, 1280, 800);
        await openInPhoneFrame(session, url, viewport);
        return webdriverPage(session, true);
      }
      await fitWindow(session, viewport.width ?? 1280, viewport.height ?? 800);
      await session.navigate(url);
      return webdriverPage(session, false);
    },
    close: () => session.quit(),
  };
}

function webdriverPage(session, touch) {
  const call = (fn, args) => session.execute(`return (${fn}).apply(null, arguments)`, args);
  return {
    // A function's source runs in the page, as puppeteer's evaluate does; promises are awaited.
    evaluate: (fn, ...args) => call(fn, args),
    reload: () => session.refresh(),
    async find(role, name, timeout = FIND_TIMEOUT_MS) {
      const start = Date.now();
      for (;;) {
        const found = await call(findByRole, [role, name]);
        if (found) return found;
        if (Date.now() - start > timeout) throw new Error(`No ${role} named ${name} within ${timeout} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    rectOf: (element) => call(boxOf, [element]),
    click: (element) => session.click(element),
    async pointerAway() {
      const actions = [{ type: 'pointerMove', origin: 'viewport', x: 1, y: 1 }];
      await session.performActions([{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }]);
      await session.releaseActions();
    },
    async tap(element) {
      if (!touch) return session.click(element);
      await session.performActions([
        {
          type: 'pointer',
          id: 'finger',
          parameters: { pointerType: 'touch' },
          actions: [
            { type: 'pointerMove', origin: { [ELEMENT_KEY]: element[ELEMENT_KEY] }, x: 0, y: 0 },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        },
      ]);
      await session.releaseActions();
    },
    type: (element, text) => session.sendKeys(element, text),
    screenshot: async () => Buffer.from(await session.screenshot(), 'base64'),
    close: () => session.navigate('about:blank'),
  };
}

/**
 * A phone-sized page in WebKit: MiniBrowser's window cannot get narrower than its toolbar (447 px)
 * and Xvfb has no window manager to make it full-screen, so the page runs in a frame of the
 * phone's size, and commands act in that frame.
 */
async function openInPhoneFrame(session, url, { width, height }) {
  // The frame's own origin on top, as the visitor's tab would be: a cross-site frame gets no storage.
  await session.navigate(`${new URL(url).origin}/health`);
  await session.execute(
    `const frame = document.createElement('iframe');
    Object.assign(frame, { src: arguments[0], width: arguments[1], height: arguments[2] });
    frame.style.cssText = 'border: 0; display: block';
    document.body.style.margin = '0';
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    return loaded.then(() => true);`,
    [url, width, height],
  );
  await session.switchToFrame(0);
}

/** Sizes MiniBrowser's window so that the page inside its frame is width × height. */
async function fitWindow(session, width, height) {
  await session.setWindowRect({ width, height });
  const [innerWidth, innerHeight] = await session.execute('return [innerWidth, innerHeight]');
  await session.setWindowRect({ width: 2 * width - innerWidth, height: 2 * height - innerHeight });
}

/** Runs in the page: an element's box in CSS pixels of the layout viewport. */
function boxOf(element) {
  const { top, left, width, height, bottom } = element.getBoundingClientRect();
  return { top, left, width, height, bottom };
}

/**
 * Runs in the page: the first shown element with this role and accessible name (a string, exact,
 * or `/source/` as a pattern), searched through open shadow roots; null when there is none. A
 * simplified accessible name: aria-labelledby, aria-label, a `<label for>`, or the text.
 */
function findByRole(role, name) {
  const pattern = name.startsWith('/') && name.endsWith('/') ? new RegExp(name.slice(1, -1)) : null;
  const clean = (text) => (text ?? '').replace(/\s+/g, ' ').trim();
  const roleOf = (element) => {
    const explicit = element.getAttribute('role');
    if (explicit) return explicit;
    const tag = element.localName;
    if (tag === 'button') return 'button';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'input') return ['email', 'text', ''].includes(element.type) ? 'textbox' : element.type;
    if (tag === 'a' && element.hasAttribute('href')) return 'link';
    if (tag === 'img' && element.getAttribute('alt')) return 'img';
    return null;
  };
  const nameOf = (element) => {
    const root = element.getRootNode();
    const labelledBy = element.getAttribute('aria-labelledby');
    if (labelledBy)
      return clean(
        labelledBy
          .split(/\s+/)
          .map((id) => root.getElementById(id)?.textContent ?? '')
          .join(' '),
      );
    const label =
      element.getAttribute('aria-label') ?? (element.localName === 'img' ? element.getAttribute('alt') : null);
    if (label) return clean(label);
    const forLabel = element.id && root.querySelector(`label[for="${element.id}"]`);
    if (forLabel) return clean(forLabel.textContent);
    return clean(element.textContent);
  };
  const matches = (element) => {
    if (roleOf(element) !== role) return false;
    if (element.checkVisibility && !element.checkVisibility()) return false;
    const actual = nameOf(element);
    return pattern ? pattern.test(actual) : actual === name;
  };
  const search = (root) => {
    for (const element of root.querySelectorAll('*')) {
      if (matches(element)) return element;
      if (element.shadowRoot) {
        const inside = search(element.shadowRoot);
        if (inside) return inside;
      }
    }
    return null;
  };
  return search(document);
}
