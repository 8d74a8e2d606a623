// Operating figures for packages/server/README.md ("Deploying"):
// - static bytes a returning visitor's page view transfers (the demo site with the chat widget,
//   in Chromium, after a first visit): now (compression, ETags, immutable hashed bundles) and as
//   the server sent them before (no validators, `no-cache`, no compression — which a browser
//   can only refetch in full; reproduced here with the browser's cache off and
//   `Accept-Encoding: identity`);
// - `confab-server backup` of a store with 100,000 conversations (three events each).
// `npm run bench -- operations`, or directly: npx tsc -b && npx rollup -c --silent && node bench/operations.bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { startServer } from '@confab/server';
import { backupDatabase } from '../packages/server/dist/storage/backup.js';
import { createSqliteStorage, databaseFile } from '../packages/server/dist/storage/sqlite-storage.js';
import { launchChromium } from '../scripts/chromium.mjs';

/** Bytes on the wire (headers and bodies) for one view of /site/ once the widget's app has loaded. */
async function pageViewBytes(page, url, { cacheDisabled = false } = {}) {
  const client = await page.context().newCDPSession(page);
  await client.send('Network.enable');
  await client.send('Network.setCacheDisabled', { cacheDisabled });
  let bytes = 0;
  let requests = 0;
  client.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
    requests += 1;
  });
  const app = page.waitForResponse((response) => response.url().includes('confab-widget-app'), { timeout: 30_000 });
  await page.goto(url);
  await app.catch(() => undefined); // a returning visitor's browser may not ask for it at all
  await page.waitForLoadState('networkidle');
  await client.detach();
  return { bytes, requests };
}

async function staticTransfer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-bench-static-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true });
  const browser = await launchChromium();
  try {
    const url = `${server.url}/site/`;
    const before = await browser.newContext({ extraHTTPHeaders: { 'accept-encoding': 'identity' } });
    const beforePage = await before.newPage();
    await pageViewBytes(beforePage, url, { cacheDisabled: true });
    const beforeReturning = await pageViewBytes(beforePage, url, { cacheDisabled: true });
    await before.close();

    const after = await browser.newContext();
    const afterPage = await after.newPage();
    const afterFirst = await pageViewBytes(afterPage, url);
    const afterReturning = await pageViewBytes(afterPage, url);
    await after.close();
    return [
      { metric: 'server.static.returningView.before.bytes', value: beforeReturning.bytes, unit: 'bytes' },
      { metric: 'server.static.returningView.before.requests', value: beforeReturning.requests, unit: 'requests' },
      { metric: 'server.static.returningView.after.bytes', value: afterReturning.bytes, unit: 'bytes' },
      { metric: 'server.static.returningView.after.requests', value: afterReturning.requests, unit: 'requests' },
      { metric: 'server.static.firstView.after.bytes', value: afterFirst.bytes, unit: 'bytes' },
    ];
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A store of `conversations` chats (contact, conversation, first message), written in one transaction. */
function seedStore(dataDir, conversations) {
  const storage = createSqliteStorage(dataDir);
  void storage.close();
  const db = new Database(databaseFile(dataDir));
  const insert = db.prepare(
    "INSERT INTO events (workspace_id, seq, type, cause, event) VALUES ('default', ?, ?, ?, ?)",
  );
  const now = Date.now();
  db.transaction(() => {
    let seq = 0;
    for (let index = 0; index < conversations; index++) {
      const contactId = `contact-${index}`;
      const conversationId = `conversation-${index}`;
      const cause = `start-${index}`;
      const at = now - index * 1000;
      const events = [
        {
          type: 'contact.upserted',
          contact: {
            id: contactId,
            name: `Visitor ${index}`,
            email: `visitor${index}@example.com`,
            verified: false,
            blocked: false,
            companyId: null,
            properties: {},
            createdAt: at,
          },
        },
        {
          type: 'conversation.upserted',
          conversation: {
            id: conversationId,
            channel: 'chat',
            status: 'open',
            assigneeId: null,
            contactId,
            participantIds: [contactId],
            subject: '',
            createdAt: at,
            updatedAt: at,
            lastMessageAt: at,
          },
        },
        {
          type: 'message.upserted',
          message: {
            id: `message-${index}`,
            conversationId,
            kind: 'reply',
            direction: 'inbound',
            authorType: 'contact',
            authorId: contactId,
            text: `Hello, this is question number ${index} about my order.`,
            createdAt: at,
            mentions: [],
            attachments: [],
          },
        },
      ];
      for (const event of events) insert.run(++seq, event.type, cause, JSON.stringify(event));
    }
  })();
  db.close();
}

async function backupFigures() {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-bench-backup-'));
  try {
    seedStore(dataDir, 100_000);
    const result = await backupDatabase(dataDir, join(dataDir, 'backup.sqlite'));
    return [
      { metric: 'server.backup.100kConversations.ms', value: result.ms, unit: 'ms' },
      { metric: 'server.backup.100kConversations.bytes', value: result.bytes, unit: 'bytes' },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run() {
  return [...(await staticTransfer()), ...(await backupFigures())];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await run()) console.log(JSON.stringify(line));
