// The real widget (dist/bundles/confab-widget.js loader + app, served by the reference server) on
// a host page that is hostile in every way at once (e2e/fixtures/host-hostile.html: a strict nonce
// CSP header with Trusted Types required, CSS resets and !important rules on everything,
// html { font-size: 62.5% }, dir=rtl, @property and @font-face under names the widget might use,
// Prototype.js-style toJSON methods and Object.prototype additions, a fetch blocker, a
// frame-rewriting WebSocket subclass, JSON replaced once the widget is up, and <confab-chat>
// already defined), next to the same widget on a plain page (e2e/fixtures/host-pristine.html).
// It must chat, and look the same on both, pixel for pixel within a small threshold: open with a
// short chat, and closed with an unread badge.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { startFixtureFront } from './fixture-front.mjs';
import { eventually, openWidget, startDemoServer, visitorSays } from './harness.mjs';

const ANNA = { kind: 'agent', agentId: 'agent-anna' };
/** 10:30 UTC on a fixed day: the times under the messages read the same in every screenshot. */
const FIXED_TIME = Date.UTC(2026, 2, 14, 10, 30, 0);
const VISITOR_TEXT = 'Hello! Is the hand grinder back in stock?';
const REPLY_TEXT = 'It is: we restocked on Tuesday. Shall I reserve one for you?';

/**
 * Screenshots of the same widget in the same browser are identical when nothing leaks in, so any
 * difference is a defect; the threshold only absorbs anti-aliasing noise should a glyph land on
 * another sub-pixel (measured: 0 pixels differ). 0.1% of the compared area (about 300 of the open
 * window's ~296,000 pixels) is well below what the smallest visible leak changes: the sensitivity
 * test below shows that half a pixel of extra letter spacing in the title alone differs by about
 * three times the threshold (924 pixels, 0.31%, in Debian's Chromium; each run prints its
 * figures). A pixel counts as different when any channel differs by more than CHANNEL_TOLERANCE.
 */
const DIFFERING_PIXELS_THRESHOLD = 0.001;
const CHANNEL_TOLERANCE = 8;

describe('the real widget on a hostile host page', () => {
  let server;
  let front;
  let browser;
  let demo;
  const contexts = [];
  const pageErrors = [];

  before(async () => {
    demo = await startDemoServer('hostile-host');
    server = demo.server;
    front = await startFixtureFront(server.port);
    browser = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await front?.close();
    await demo?.close();
  });

  /** Sets the server's clock, so that what it stamps now reads FIXED_TIME. */
  async function setServerClock(now) {
    const response = await fetch(`${server.url}/api/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now }),
    });
    assert.equal(response.status, 200);
  }

  /** A fixture page, for a new visitor with their own browser context. */
  async function openHostPage(fixture) {
    const context = await browser.newContext({
      viewport: { width: 1000, height: 800 },
      deviceScaleFactor: 1,
      locale: 'en-US',
      timezoneId: 'UTC',
      reducedMotion: 'reduce',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${fixture}: ${error.message}`));
    await page.goto(`${front.origin}/e2e-host/${fixture}`);
    return page;
  }

  /**
   * The same short chat on any page: the visitor writes, Anna replies, both stamped FIXED_TIME.
   * Resolves once nothing in the open window is still on its way.
   */
  async function chatOn(page) {
    const dialog = await openWidget(page);
    await setServerClock(FIXED_TIME);
    await visitorSays(dialog, VISITOR_TEXT);
    const conversationId = await eventually(
      async () => {
        const id = await page.evaluate(() => window.Confab.getState().then((state) => state.conversationId));
        assert.ok(id && server.backend.state.conversations.has(id), 'the server has the conversation');
        return id;
      },
      { what: 'the conversation to reach the server' },
    );
    await setServerClock(FIXED_TIME);
    await server.backend.execute(ANNA, { type: 'message.reply', conversationId, text: REPLY_TEXT });
    await dialog.getByText(REPLY_TEXT, { exact: true }).waitFor();
    await eventually(
      async () => assert.equal(await dialog.locator('[data-delivery="queued"], [data-delivery="sending"]').count(), 0),
      { what: 'every message delivered' },
    );
    return { dialog, conversationId };
  }

  /** The open widget (window and launcher, with room for their shadows) on this page. */
  async function widgetArea(page) {
    const boxes = await Promise.all([
      page.getByRole('dialog', { name: 'Chat with us' }).boundingBox(),
      page.locator('button[part=launcher]').boundingBox(),
    ]);
    const margin = 24;
    const left = Math.max(0, Math.floor(Math.min(...boxes.map((box) => box.x))) - margin);
    const top = Math.max(0, Math.floor(Math.min(...boxes.map((box) => box.y))) - margin);
    const right = Math.min(1000, Math.ceil(Math.max(...boxes.map((box) => box.x + box.width))) + margin);
    const bottom = Math.min(800, Math.ceil(Math.max(...boxes.map((box) => box.y + box.height))) + margin);
    return { x: left, y: top, width: right - left, height: bottom - top };
  }

  /**
   * Closes the window; Anna writes once more, and the launcher shows the unread badge the loader
   * draws. Returns the launcher's area (with room for its shadow and the badge).
   */
  async function closeWithUnreadReply(page, conversationId) {
    const launcher = page.locator('button[part=launcher]');
    await launcher.click();
    await page.getByRole('dialog', { name: 'Chat with us' }).waitFor({ state: 'hidden' });
    await setServerClock(FIXED_TIME);
    await server.backend.execute(ANNA, {
      type: 'message.reply',
      conversationId,
      text: 'One more thing: it ships today.',
    });
    await eventually(async () => assert.equal(await page.locator('[part=badge]').innerText(), '1'), {
      what: 'the unread badge',
    });
    const box = await launcher.boundingBox();
    const margin = 24;
    return {
      x: Math.floor(box.x) - margin,
      y: Math.floor(box.y) - margin,
      width: Math.ceil(box.width) + 2 * margin,
      height: Math.min(800 - (Math.floor(box.y) - margin), Math.ceil(box.height) + 2 * margin),
    };
  }

  /** A screenshot of `clip`, still: no focus ring, caret, hover or animation. */
  async function still(page, clip) {
    await page.mouse.move(1, 1);
    await page.evaluate(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      active?.blur?.();
    });
    return page.screenshot({ clip, animations: 'disabled', caret: 'hide', scale: 'css' });
  }

  /**
   * Compares two PNGs pixel by pixel in a blank page (canvas decoding; no image library) and
   * returns the differing fraction and a diff image (differences red, the rest faded).
   */
  async function comparePngs(expected, actual) {
    const page = await browser.newPage();
    try {
      return await page.evaluate(
        async ([first, second, tolerance]) => {
          const decode = async (base64) => {
            const image = new Image();
            image.src = `data:image/png;base64,${base64}`;
            await image.decode();
            return image;
          };
          const [a, b] = await Promise.all([decode(first), decode(second)]);
          if (a.width !== b.width || a.height !== b.height)
            return { fraction: 1, differing: -1, total: 0, diff: '', size: [a.width, a.height, b.width, b.height] };
          const canvas = document.createElement('canvas');
          canvas.width = a.width;
          canvas.height = a.height;
          const context = canvas.getContext('2d', { willReadFrequently: true });
          context.drawImage(a, 0, 0);
          const pixelsA = context.getImageData(0, 0, a.width, a.height).data;
          context.clearRect(0, 0, a.width, a.height);
          context.drawImage(b, 0, 0);
          const pixelsB = context.getImageData(0, 0, a.width, a.height).data;
          const diff = context.createImageData(a.width, a.height);
          let differing = 0;
          for (let i = 0; i < pixelsA.length; i += 4) {
            let delta = 0;
            for (let c = 0; c < 4; c++) delta = Math.max(delta, Math.abs(pixelsA[i + c] - pixelsB[i + c]));
            const different = delta > tolerance;
            if (different) differing++;
            const faded = 200 + ((pixelsA[i] + pixelsA[i + 1] + pixelsA[i + 2]) / 3) * (55 / 255);
            diff.data.set(different ? [255, 0, 0, 255] : [faded, faded, faded, 255], i);
          }
          context.putImageData(diff, 0, 0);
          const total = a.width * a.height;
          return { fraction: differing / total, differing, total, diff: canvas.toDataURL('image/png').split(',')[1] };
        },
        [expected.toString('base64'), actual.toString('base64'), CHANNEL_TOLERANCE],
      );
    } finally {
      await page.close();
    }
  }

  /** Asserts two screenshots match within the threshold; on failure keeps all three images. */
  async function assertLooksTheSame(expected, actual, what) {
    const result = await comparePngs(expected, actual);
    const percent = (result.fraction * 100).toFixed(4);
    console.log(`${what}: ${result.differing} of ${result.total} pixels differ (${percent}%)`);
    if (result.fraction > DIFFERING_PIXELS_THRESHOLD) {
      const dir = mkdtempSync(join(tmpdir(), 'confab-widget-screenshots-'));
      writeFileSync(join(dir, 'pristine.png'), expected);
      writeFileSync(join(dir, 'hostile.png'), actual);
      if (result.diff) writeFileSync(join(dir, 'diff.png'), Buffer.from(result.diff, 'base64'));
      console.log(`screenshots and diff written to ${dir}`);
      assert.fail(
        `${what}: ${percent}% of pixels differ (threshold ${DIFFERING_PIXELS_THRESHOLD * 100}%); images in ${dir}`,
      );
    }
    return result;
  }

  /** The reference: the same chat on the plain page, open (twice) and closed with a reply unread. */
  let reference;
  async function referenceShots() {
    if (!reference) {
      const page = await openHostPage('host-pristine.html');
      const { conversationId } = await chatOn(page);
      const clip = await widgetArea(page);
      const image = await still(page, clip);
      const again = await still(page, clip);
      const launcherClip = await closeWithUnreadReply(page, conversationId);
      reference = { clip, image, again, launcherClip, launcherImage: await still(page, launcherClip) };
    }
    return reference;
  }

  it('W1 on a plain page the widget opens and chats, and two screenshots of it are identical', async () => {
    const { image, again } = await referenceShots();
    assert.equal((await comparePngs(image, again)).differing, 0);
  });

  it('W1 the comparison sees a small change: half a pixel of letter spacing in the title alone exceeds the threshold', async () => {
    const { clip, image } = await referenceShots();
    const page = await openHostPage('host-pristine.html');
    await chatOn(page);
    await page.evaluate(() => {
      const host = [...document.body.children].find((element) => element.shadowRoot?.querySelector('[part=launcher]'));
      const chat = [...host.shadowRoot.children].find((element) => element.localName.startsWith('confab-chat'));
      chat.shadowRoot.querySelector('h2').style.letterSpacing = '0.5px';
    });
    const result = await comparePngs(image, await still(page, clip));
    console.log(`sensitivity probe: ${result.differing} of ${result.total} pixels differ`);
    assert.ok(
      result.fraction > DIFFERING_PIXELS_THRESHOLD * 2,
      `a change the eye can see is at least twice the threshold (${(result.fraction * 100).toFixed(4)}%)`,
    );
  });

  it('W1 on a hostile page (strict nonce CSP, CSS resets, font-size 62.5%, patched toJSON/JSON/fetch/WebSocket, tag taken) the widget chats and looks the same', async () => {
    const reference = await referenceShots();
    const page = await openHostPage('host-hostile.html');
    // The policy is in force: the page's script without the nonce did not run.
    assert.equal(await page.evaluate(() => window.unnoncedScriptRan), undefined);
    const { conversationId } = await chatOn(page);

    // The widget took a numbered name; the page keeps its own <confab-chat>.
    const tags = await page.evaluate(() => {
      const host = [...document.body.children].find((element) => element.shadowRoot?.querySelector('[part=launcher]'));
      const chat = [...host.shadowRoot.children].find((element) => element.localName.startsWith('confab-chat'));
      return { widget: chat.localName, pageOwn: customElements.get('confab-chat') === window.PagesOwnChat };
    });
    assert.notEqual(tags.widget, 'confab-chat');
    assert.ok(tags.pageOwn, 'the page’s element keeps the name');

    // Every patch is still the page's, and the page's own sockets still go through its tracker.
    const patches = await page.evaluate(async () => {
      const own = new WebSocket(`ws://${location.host}/ws`);
      await new Promise((resolve) => own.addEventListener('open', resolve, { once: true }));
      own.send('the page’s own frame');
      own.close();
      return {
        webSocket: window.WebSocket === window.TrackedWebSocket,
        fetch: window.fetch === window.blockedFetch,
        stringify: JSON.stringify === window.hijackedStringify,
        parse: JSON.parse === window.hijackedParse,
        toJSON: [Array, Object, String, Date].every((type) => typeof type.prototype.toJSON === 'function'),
        trackedFrames: window.trackedFrames,
      };
    });
    assert.deepEqual(patches, {
      webSocket: true,
      fetch: true,
      stringify: true,
      parse: true,
      toJSON: true,
      trackedFrames: ['the page’s own frame'],
    });

    // Nothing of the page's animations or transitions runs on the widget.
    const widgetAnimations = await page.evaluate(() => {
      const host = [...document.body.children].find((element) => element.shadowRoot?.querySelector('[part=launcher]'));
      return document
        .getAnimations()
        .filter((animation) => {
          const target = animation.effect?.target;
          return target === host || (target && target.getRootNode() !== document);
        })
        .map((animation) => animation.animationName ?? animation.transitionProperty ?? 'animation');
    });
    assert.deepEqual(widgetAnimations, []);

    await assertLooksTheSame(reference.image, await still(page, reference.clip), 'open widget on the hostile page');
    await closeWithUnreadReply(page, conversationId);
    await assertLooksTheSame(
      reference.launcherImage,
      await still(page, reference.launcherClip),
      'launcher with unread badge on the hostile page',
    );

    // Only the deliberate violation: the page's own script without a nonce.
    const violations = await page.evaluate(() => window.violations);
    assert.equal(violations.length, 1, violations.join('\n'));
    assert.match(violations[0], /^script-src-elem inline/);
    assert.deepEqual(pageErrors, []);
  });
});
