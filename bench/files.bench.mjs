// Attachment figures (issue 16), on loopback against a real server in this process's machine (a
// child process, as in production): upload throughput of 5 MB images (POST /api/files, sequential),
// and the time from picking a 5 MB image to its preview's bytes being downloadable by the other
// side (upload, a reply carrying it, the visitor's GET).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const WebSocket = createRequire(join(root, 'packages/server/package.json'))('ws');
const SIZE = 5 * 1024 * 1024;
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 20);
const image = Buffer.alloc(SIZE, 7);
Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(image);

export async function run() {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-files-bench-'));
  const server = spawn(process.execPath, [join(root, 'packages/server/dist/bin/confab-server.js'), '--demo'], {
    env: { ...process.env, PORT: '0', CONFAB_DATA_DIR: dataDir, CONFAB_RATE_LIMITS: 'off', CONFAB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    const read = (chunk) => {
      text += chunk;
      const found = /http:\/\/localhost:\d+/.exec(text);
      if (found) resolve(found[0]);
    };
    server.stdout.on('data', read);
    server.stderr.on('data', read);
    server.once('exit', () => reject(new Error(`the server stopped: ${text}`)));
  });

  try {
    const { token } = await (await fetch(`${url}/api/demo/session`)).json();
    const upload = async (bearer) => {
      const response = await fetch(`${url}/api/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'image/png', 'x-confab-file-name': 'photo.png' },
        body: image,
      });
      if (response.status !== 201) throw new Error(`upload answered ${response.status}`);
      return response.json();
    };
    await upload(token);
    const started = performance.now();
    for (let index = 0; index < UPLOADS; index++) await upload(token);
    const seconds = (performance.now() - started) / 1000;

    // A visitor with a chat, an agent socket; then pick → upload → reply → the visitor's download.
    const socket = (helloToken) =>
      new Promise((resolve) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
        const waiters = [];
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data));
          for (const waiter of [...waiters]) {
            if (!waiter.match(frame)) continue;
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(frame);
          }
        });
        const next = (match) => new Promise((done) => waiters.push({ match, resolve: done }));
        ws.on('open', async () => {
          ws.send(JSON.stringify({ v: 1, type: 'hello', token: helloToken }));
          const welcome = await next((frame) => frame.type === 'welcome');
          resolve({ ws, welcome, next, send: (frame) => ws.send(JSON.stringify(frame)) });
        });
      });
    const visitor = await socket('');
    visitor.send({ v: 1, type: 'command', id: 'start', command: { type: 'visitor.startChat', text: 'hi' } });
    const conversationId = (await visitor.next((frame) => frame.type === 'ack' && frame.id === 'start')).result
      .conversationId;
    const agent = await socket(token);
    const picked = performance.now();
    const file = await upload(token);
    agent.send({
      v: 1,
      type: 'command',
      id: 'reply',
      command: { type: 'message.reply', conversationId, text: '', attachments: [file] },
    });
    await visitor.next(
      (frame) => frame.type === 'events' && frame.events.some((e) => e.event.message?.attachments?.length),
    );
    const preview = await fetch(`${url}/api/files/${file.id}`, {
      headers: { authorization: `Bearer ${visitor.welcome.sessionToken}` },
    });
    await preview.arrayBuffer();
    const previewMs = performance.now() - picked;
    visitor.ws.close();
    agent.ws.close();
    return [
      {
        metric: 'files.upload.MBps',
        value: Number(((UPLOADS * SIZE) / 1024 / 1024 / seconds).toFixed(1)),
        unit: 'MB/s',
      },
      { metric: 'files.firstPreview.5MB.ms', value: Math.round(previewMs), unit: 'ms' },
    ];
  } finally {
    server.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await run()) console.log(JSON.stringify(line));
