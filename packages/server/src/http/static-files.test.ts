import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { tempDataDir } from '../testing/harness.test-util.js';
import { serveStatic } from './static-files.js';

/** A GET with exactly these headers (fetch would add its own Accept-Encoding and decode the body). */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    },
  );
}

describe('static files', () => {
  let root: string;
  let server: Server;
  let base: string;
  const script = `export const greeting = ${JSON.stringify('hello '.repeat(2000))};\n`;
  before(async () => {
    root = tempDataDir('confab-static-');
    mkdirSync(join(root, 'bundles'));
    writeFileSync(join(root, 'bundles', 'confab-widget-app.js'), script);
    writeFileSync(join(root, 'bundles', 'confab-inbox-define-CzAojkqd.js'), script);
    writeFileSync(join(root, 'bundles', 'confab-launcher.js'), script);
    writeFileSync(join(root, 'tiny.txt'), 'hi');
    writeFileSync(join(root, 'logo.png'), Buffer.alloc(5000, 7));
    server = createServer((req, res) => {
      void serveStatic(res, root, new URL(req.url!, 'http://x').pathname, req).then((served) => {
        if (!served) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('text is sent brotli-compressed, else gzip, else as it is; each encoding with its own ETag', async () => {
    const url = `${base}/bundles/confab-widget-app.js`;
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.body).toString(), script);
    assert.ok(br.body.length < script.length / 10, `${br.body.length} bytes for ${script.length}`);
    assert.equal(br.headers.vary, 'Accept-Encoding');
    const gzip = await get(url, { 'accept-encoding': 'gzip' });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzip.body).toString(), script);
    const plain = await get(url);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), script);
    assert.equal(Number(plain.headers['content-length']), Buffer.byteLength(script));
    const refusedBr = await get(url, { 'accept-encoding': 'br;q=0, gzip' });
    assert.equal(refusedBr.headers['content-encoding'], 'gzip');
    const tags = new Set([br.headers.etag, gzip.headers.etag, plain.headers.etag]);
    assert.equal(tags.size, 3);
  });

  test('a repeat request with the ETag gets 304 and no body, in any encoding; a changed file gets 200', async () => {
    const url = `${base}/bundles/confab-widget-app.js`;
    const first = await get(url, { 'accept-encoding': 'br' });
    const again = await get(url, { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, first.headers.etag);
    const otherEncoding = await get(url, { 'if-none-match': String(first.headers.etag) });
    assert.equal(otherEncoding.status, 304, 'the same content under another encoding');

    const file = join(root, 'bundles', 'confab-widget-app.js');
    writeFileSync(file, script.replace('hello', 'howdy'));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const changed = await get(url, { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, first.headers.etag);
    assert.match(brotliDecompressSync(changed.body).toString(), /howdy/);
  });

  test('content-hashed bundle names are immutable for a year; other names are revalidated each time', async () => {
    const hashed = await get(`${base}/bundles/confab-inbox-define-CzAojkqd.js`);
    assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable');
    for (const path of ['/bundles/confab-widget-app.js', '/bundles/confab-launcher.js', '/tiny.txt'])
      assert.equal((await get(`${base}${path}`)).headers['cache-control'], 'no-cache', path);
  });

  test('tiny files and images are sent as they are; HEAD has the headers and no body', async () => {
    const tiny = await get(`${base}/tiny.txt`, { 'accept-encoding': 'br' });
    assert.equal(tiny.headers['content-encoding'], undefined);
    assert.equal(tiny.body.toString(), 'hi');
    const image = await get(`${base}/logo.png`, { 'accept-encoding': 'br, gzip' });
    assert.equal(image.headers['content-encoding'], undefined);
    assert.equal(image.body.length, 5000);
    assert.equal(typeof image.headers.etag, 'string');
    const head = await new Promise<{ headers: Record<string, unknown>; length: number }>((resolve) => {
      request(
        `${base}/bundles/confab-widget-app.js`,
        { method: 'HEAD', headers: { 'accept-encoding': 'br' } },
        (res) => {
          let length = 0;
          res.on('data', (chunk: Buffer) => (length += chunk.length));
          res.on('end', () => resolve({ headers: res.headers, length }));
        },
      ).end();
    });
    assert.equal(head.headers['content-encoding'], 'br');
    assert.equal(head.length, 0);
  });

  test('paths that climb out of the root, or do not exist, are not served', async () => {
    for (const path of ['/../package.json', '/%2e%2e/x', '/bundles/%00', '/missing.js', '/%E0%A4%A'])
      assert.equal((await get(`${base}${path}`)).status, 404, path);
  });
});
