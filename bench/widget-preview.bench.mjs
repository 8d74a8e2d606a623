// Issue 16's figure for the visitor's side: the time from an agent starting to upload a 5 MB image
// to the visitor seeing it, decoded, in the chat widget (Chromium, the demo shop, the reference
// server in this process): upload, the reply that carries it, the widget's authenticated download
// and the browser's decode. files.bench.mjs measures the server's part alone, in Node.
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { launchChromium, demoAgent, newestChat, startDemoServer } from '../packages/chat-widget/scripts/harness.mjs';

const RUNS = 3;

/** A real PNG of random pixels (it does not compress): 1,300 × 1,300 RGB is about 5 MB. */
function noisePng(side = 1300) {
  const row = 1 + side * 3;
  const raw = randomBytes(row * side);
  for (let y = 0; y < side; y++) raw[y * row] = 0; // filter type: none
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Whether the widget shows a decoded image preview (its shadow roots searched). */
function previewShown() {
  const search = (root) => {
    for (const element of root.querySelectorAll('*')) {
      if (element instanceof HTMLImageElement && element.src.startsWith('blob:') && element.complete)
        if (element.naturalWidth > 0) return true;
      if (element.shadowRoot && search(element.shadowRoot)) return true;
    }
    return false;
  };
  return search(document);
}

export async function run() {
  const demo = await startDemoServer();
  const browser = await launchChromium();
  const image = noisePng();
  const times = [];
  try {
    const url = demo.server.url;
    const { token } = await (await fetch(`${url}/api/demo/session`)).json();
    const agent = demoAgent(demo.server);
    for (let index = 0; index < RUNS; index++) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 780 } });
      const page = await context.newPage();
      await page.goto(`${url}/site/`);
      await page.getByRole('button', { name: 'Open chat' }).click();
      const field = page.getByRole('textbox', { name: 'Message' });
      await field.fill(`Can I see the photo? (${index})`);
      await field.press('Enter');
      await page.waitForFunction(() => window.Confab.getState().then((state) => state.conversationId !== null));
      const conversation = newestChat(demo.server);
      const started = performance.now();
      const uploaded = await fetch(`${url}/api/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-confab-file-name': 'photo.png' },
        body: image,
      });
      if (uploaded.status !== 201) throw new Error(`the upload answered ${uploaded.status}`);
      const file = await uploaded.json();
      await demo.server.backend.execute(
        { kind: 'agent', agentId: agent.id },
        { type: 'message.reply', conversationId: conversation.id, text: 'Here it is', attachments: [file] },
      );
      await page.waitForFunction(previewShown, undefined, { polling: 'raf', timeout: 30_000 });
      times.push(performance.now() - started);
      await context.close();
    }
  } finally {
    await browser.close();
    await demo.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  return [
    {
      metric: 'files.widgetPreview.5MB.ms',
      value: Math.round(sorted[Math.floor(sorted.length / 2)]),
      unit: `ms (median of ${RUNS}: an agent's 5 MB image, upload to decoded preview in the widget)`,
    },
    { metric: 'files.widgetPreview.bytes', value: image.length, unit: 'bytes' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) for (const line of await run()) console.log(JSON.stringify(line));
