// What a visitor does and sees in the widget, on an engine page of browser.mjs: the same steps in
// Chromium, Firefox and WebKit.
import assert from 'node:assert/strict';
import { eventually } from '../harness.mjs';

/** Opens the chat from its launcher (a tap on a touch screen) and waits for its window. */
export async function openWidget(page, { touch = false } = {}) {
  const launcher = await page.find('button', '/^Open chat/');
  await (touch ? page.tap(launcher) : page.click(launcher));
  return page.find('dialog', 'Chat with us');
}

/** Types into the message box with real key input and sends. */
export async function visitorSays(page, text) {
  await page.type(await page.find('textbox', 'Message'), text);
  await page.click(await page.find('button', 'Send'));
}

/** `window.Confab.getState()` of the page. */
export function chatState(page) {
  return page.evaluate(() => window.Confab.getState());
}

/** How many messages in the chat window read exactly `text`. */
export function messagesShown(page, text) {
  return page.evaluate((wanted) => {
    const host = [...document.body.children].find((element) => element.shadowRoot?.querySelector('[part=launcher]'));
    const chat = host && [...host.shadowRoot.children].find((element) => element.localName.startsWith('confab-chat'));
    const texts = chat ? [...chat.shadowRoot.querySelectorAll('.messages li .text')] : [];
    return texts.filter((element) => element.textContent === wanted).length;
  }, text);
}

/** Waits until no message of the open window is still on its way. */
export async function allDelivered(page) {
  await eventually(
    async () =>
      assert.equal(
        await page.evaluate(() => {
          const host = [...document.body.children].find((el) => el.shadowRoot?.querySelector('[part=launcher]'));
          const chat = [...host.shadowRoot.children].find((el) => el.localName.startsWith('confab-chat'));
          return chat.shadowRoot.querySelectorAll('[data-delivery="queued"], [data-delivery="sending"]').length;
        }),
        0,
      ),
    { what: 'every message delivered' },
  );
}

/** The chat window's box, whole pixels. */
export async function windowArea(page) {
  const box = await page.rectOf(await page.find('dialog', 'Chat with us'));
  const left = Math.floor(box.left);
  const top = Math.floor(box.top);
  return { x: left, y: top, width: Math.ceil(box.left + box.width) - left, height: Math.ceil(box.bottom) - top };
}

/** A screenshot with nothing that moves: no focus ring or caret, the pointer in a corner. */
export async function still(page) {
  await page.pointerAway();
  await page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    active?.blur?.();
  });
  return page.screenshot();
}

/**
 * Compares the `clip` area of two PNG screenshots pixel by pixel in `page` (canvas decoding; no
 * image library); a pixel differs when a channel differs by more than `tolerance`.
 */
export function comparePngs(page, first, second, clip, tolerance = 8) {
  return page.evaluate(
    async (a64, b64, area, maxDelta) => {
      const decode = async (base64) => {
        const image = new Image();
        image.src = `data:image/png;base64,${base64}`;
        await image.decode();
        return image;
      };
      const pixels = async (base64) => {
        const canvas = document.createElement('canvas');
        canvas.width = area.width;
        canvas.height = area.height;
        const context = canvas.getContext('2d', { willReadFrequently: true });
        context.drawImage(await decode(base64), area.x, area.y, area.width, area.height, 0, 0, area.width, area.height);
        return context.getImageData(0, 0, area.width, area.height).data;
      };
      const [a, b] = await Promise.all([pixels(a64), pixels(b64)]);
      let differing = 0;
      for (let i = 0; i < a.length; i += 4) {
        let delta = 0;
        for (let c = 0; c < 4; c++) delta = Math.max(delta, Math.abs(a[i + c] - b[i + c]));
        if (delta > maxDelta) differing++;
      }
      return { differing, total: area.width * area.height };
    },
    first.toString('base64'),
    second.toString('base64'),
    clip,
    tolerance,
  );
}

/** Whether an outbox record in the page's IndexedDB holds a command with `text`. */
export function outboxStores(page, text) {
  return page.evaluate(async (wanted) => {
    const request = (r) =>
      new Promise((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    for (const { name } of await indexedDB.databases()) {
      const db = await request(indexedDB.open(name));
      try {
        for (const store of db.objectStoreNames) {
          const objects = db.transaction(store).objectStore(store);
          const keys = await request(objects.getAllKeys());
          const values = await request(objects.getAll());
          if (keys.some((key, i) => String(key).includes(':outbox:') && JSON.stringify(values[i]).includes(wanted)))
            return true;
        }
      } finally {
        db.close();
      }
    }
    return false;
  }, text);
}
