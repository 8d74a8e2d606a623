// The three browser engines the tests run in, in one place: Chromium (Debian's, over CDP), Firefox
// (ESR, over WebDriver BiDi, both through puppeteer-core) and WebKit (WebKitGTK's MiniBrowser over
// W3C WebDriver, see webdriver.mjs). `CONFAB_ENGINE` picks one for a test process.
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './chromium.mjs';
import { globSync } from './glob.mjs';
import { MINIBROWSER_PATH, WEBKIT_DRIVER_PATH } from './webdriver.mjs';

export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/**
 * Engine id → its name in test output, what must be installed for it, and the first port its
 * web-test-runner server tries. The lanes of `npm test` run engines at the same time; a port
 * range of their own keeps two runners from choosing the same free port at once.
 */
export const ENGINES = {
  chromium: { name: 'Chromium', executables: [CHROMIUM_PATH], apt: 'chromium', firstPort: 8000 },
  firefox: { name: 'Firefox', executables: [FIREFOX_PATH], apt: 'firefox-esr', firstPort: 8300 },
  webkit: {
    name: 'WebKit',
    firstPort: 8600,
    executables: [WEBKIT_DRIVER_PATH, MINIBROWSER_PATH, '/usr/bin/Xvfb'],
    apt: 'webkit2gtk-driver xvfb',
  },
};

export const ENGINE_IDS = Object.keys(ENGINES);

/** The engine this process tests in (`CONFAB_ENGINE`, default chromium). */
export function currentEngine() {
  const id = process.env.CONFAB_ENGINE || 'chromium';
  if (!(id in ENGINES)) throw new Error(`CONFAB_ENGINE=${id}: expected one of ${ENGINE_IDS.join(', ')}`);
  return { id, ...ENGINES[id] };
}

/** Why an engine cannot run here (a missing program), or null when it can. */
export function missingFor(id) {
  const missing = ENGINES[id].executables.filter((path) => !existsSync(path));
  return missing.length ? `${missing.join(', ')} not found (apt-get install ${ENGINES[id].apt})` : null;
}

/**
 * The browser test files an engine runs (compiled output), narrowed to paths containing one of
 * `filter` when given. The elements and the widget, which render, run in every engine; of the
 * headless core, Chromium runs everything and the others what engines implement differently: text
 * (regular expressions, Intl.Segmenter), IndexedDB and the order of timers (in-order delivery).
 */
export function browserTestFiles(id, filter = []) {
  const core =
    id === 'chromium'
      ? ['packages/core/dist/**/*.test.js']
      : [
          'packages/core/dist/protocol/**/text.test.js',
          'packages/core/dist/text/**/*.test.js',
          'packages/core/dist/persistence/**/*.test.js',
          'packages/core/dist/transport/**/in-order.test.js',
        ];
  return [
    ...core,
    'packages/element-kit/dist/**/*.test.js',
    'packages/inbox-elements/dist/**/*.test.js',
    'packages/chat-widget/dist/**/*.test.js',
  ]
    .flatMap((pattern) => globSync(pattern))
    .filter((file) => id === 'chromium' || !CHROMIUM_ONLY.test(file))
    .filter((file) => !NOT_YET[id]?.[file])
    .filter((file) => !filter.length || filter.some((part) => file.includes(part)));
}

/**
 * Browser test files an engine does not run yet, and why: each is a bug to fix at its cause, kept
 * here so that it is named on every run (`cannot run here`) instead of failing the whole lane.
 */
export const NOT_YET = {};

/** The files an engine does not run yet, with why, for its `cannot run here` list. */
export function notYetFiles(id, filter = []) {
  return Object.entries(NOT_YET[id] ?? {})
    .filter(([file]) => !filter.length || filter.some((part) => file.includes(part)))
    .map(([file, why]) => `${file} (${why})`);
}

/** Browser tests named `*.chromium.test.js` use what only Chromium offers (forced-colors emulation over CDP). */
const CHROMIUM_ONLY = /\.chromium\.test\.js$/;

/** The Chromium-only browser test files another engine cannot run, for its `cannot run here` list. */
export function chromiumOnlyFiles(id, filter = []) {
  if (id === 'chromium') return [];
  return browserTestFiles('chromium', filter).filter((file) => CHROMIUM_ONLY.test(file));
}

/** The visitor journeys every engine runs (node --test, the engine from CONFAB_ENGINE). */
export function journeyFiles(filter = []) {
  return globSync('e2e/engines/**/*.test.mjs').filter(
    (file) => !filter.length || filter.some((part) => file.includes(part)),
  );
}

/** `WebKit: 160 passed, 0 failed; cannot run here: <test> (<why>)` */
export function engineLine(name, { passed, failed, cannotRun }) {
  const line = `${name}: ${passed} passed, ${failed} failed`;
  return cannotRun.length ? `${line}; cannot run here: ${cannotRun.join('; ')}` : line;
}
