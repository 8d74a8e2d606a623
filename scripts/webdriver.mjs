// WebKit (Safari's engine) for tests: WebKitGTK's MiniBrowser driven by its WebKitWebDriver over
// plain W3C WebDriver, on a virtual display of its own. WebKit has neither CDP nor BiDi here, and
// the handful of commands the tests use is smaller than a client library (webdriverio would also
// fetch drivers by itself, and nothing may be downloaded at test time).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** The key W3C WebDriver uses for an element reference in JSON. */
export const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Starts Xvfb and WebKitWebDriver on free ports and opens one MiniBrowser session. Each call is a
 * browser of its own (own storage): WebKitWebDriver serves one session at a time. `private`: in
 * private browsing mode.
 */
export async function launchWebKit({ private: privately = false } = {}) {
  const display = await startVirtualDisplay();
  const port = await freePort();
  const driver = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`], {
    env: { ...process.env, DISPLAY: display.name },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await until(async () => (await fetch(`${base}/status`).then((r) => r.json())).value.ready, 'WebKitWebDriver');
    const { sessionId } = await request(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': {
            binary: MINIBROWSER_PATH,
            args: ['--automation', ...(privately ? ['--private'] : [])],
          },
          timeouts: { script: 30_000, pageLoad: 60_000, implicit: 0 },
        },
      },
    });
    return new WebDriverSession(base, sessionId, async () => {
      driver.kill();
      display.stop();
    });
  } catch (error) {
    driver.kill();
    display.stop();
    throw error;
  }
}

/** One W3C WebDriver session: the commands the tests use, with their spec paths. */
export class WebDriverSession {
  constructor(base, sessionId, stopProcesses) {
    this.base = base;
    this.sessionId = sessionId;
    this.stopProcesses = stopProcesses;
  }
  command(method, path, body) {
    return request(this.base, method, `/session/${this.sessionId}${path}`, body);
  }
  navigate(url) {
    return this.command('POST', '/url', { url });
  }
  url() {
    return this.command('GET', '/url');
  }
  refresh() {
    return this.command('POST', '/refresh', {});
  }
  /** Runs `script` (a function body; `arguments` holds `args`) and returns its value. */
  execute(script, args = []) {
    return this.command('POST', '/execute/sync', { script, args });
  }
  click(element) {
    return this.command('POST', `/element/${element[ELEMENT_KEY]}/click`, {});
  }
  /** Real key input into an element (focuses it first, as a user's typing would). */
  sendKeys(element, text) {
    return this.command('POST', `/element/${element[ELEMENT_KEY]}/value`, { text });
  }
  performActions(actions) {
    return this.command('POST', '/actions', { actions });
  }
  releaseActions() {
    return this.command('DELETE', '/actions');
  }
  /** Commands from now on act in the page's `index`th frame. */
  switchToFrame(index) {
    return this.command('POST', '/frame', { id: index });
  }
  setWindowRect(rect) {
    return this.command('POST', '/window/rect', rect);
  }
  /** A PNG of the visible page, base64-encoded. */
  screenshot() {
    return this.command('GET', '/screenshot');
  }
  async quit() {
    await this.command('DELETE', '').catch(() => undefined);
    await this.stopProcesses();
  }
}

async function request(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const { value } = await response.json();
  if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
  return value;
}

/**
 * Xvfb on a display number it picks itself (`-displayfd`): two runs starting at once (or another
 * engineer's xvfb-run) never race for the same number, as `xvfb-run -a` can.
 */
function startVirtualDisplay() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    xvfb.stdio[3].on('data', (chunk) => {
      output += chunk;
      if (output.endsWith('\n')) resolve({ name: `:${output.trim()}`, stop: () => xvfb.kill() });
    });
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function until(check, what, timeoutMs = 20_000) {
  const start = Date.now();
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - start > timeoutMs) throw new Error(`${what} did not start in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
