// Debian's Chromium for every script, benchmark and test that drives a browser with
// playwright-core: one place for the path and the flags this machine needs (running as root: no
// sandbox; a closed network: no background connections, no component updates).
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Chromium; `extraArgs` add flags (e.g. memory measurement). */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
