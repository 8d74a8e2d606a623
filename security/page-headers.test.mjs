// Issue 20 item 7 (DESIGN §5): the signed-in inbox must not be framed by another origin
// (clickjacking). `frame-ancestors` works only in a header — the pages' <meta> policy cannot carry
// it — so every HTML page the server writes sends its policy as a header with framing forbidden,
// `X-Frame-Options: SAMEORIGIN`, `Referrer-Policy: no-referrer` and `X-Content-Type-Options: nosniff`.
// The demo pages' policy is the one README "Content-Security-Policy and Trusted Types" states, sent
// once, as a header (the XSS sweep opens them in Chromium under it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startSecurityServer } from './helpers.mjs';

/** A policy as directive name → value ("'self' data:"), in order. */
function directives(policy) {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name, ...values] = part.split(/\s+/);
        return [name.toLowerCase(), values.join(' ')];
      }),
  );
}

/** The policy the README's section states, in its one code line. */
function readmePolicy() {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Content-Security-Policy and Trusted Types'));
  return /^`(default-src [^`]*)`$/m.exec(section)[1];
}

describe('HTML pages refuse to be framed and leak no referrer', () => {
  let t;
  before(async () => {
    // The React example is a directory of one's own, mounted as `npm start` mounts it.
    t = await startSecurityServer({ mounts: { '/react': 'examples/react' } });
  });
  after(async () => {
    await t?.close();
  });

  async function page(path) {
    const response = await fetch(`${t.url}${path}`);
    assert.equal(response.status, 200, `${path}: served`);
    assert.match(response.headers.get('content-type'), /^text\/html/, `${path}: a page`);
    const policy = response.headers.get('content-security-policy');
    assert.ok(policy, `${path}: a Content-Security-Policy header`);
    const policyDirectives = directives(policy);
    assert.equal(policyDirectives.get('frame-ancestors'), "'self'", `${path}: no other origin may frame it`);
    assert.equal(response.headers.get('x-frame-options'), 'SAMEORIGIN', `${path}: nor may older browsers`);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer', `${path}: no referrer`);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${path}: no sniffing`);
    return { html: await response.text(), policyDirectives };
  }

  for (const path of ['/inbox/', '/site/', '/site/about.html']) {
    test(`${path} is sent with the README's policy, plus frame-ancestors 'self', and no second copy`, async () => {
      const { html, policyDirectives } = await page(path);
      assert.doesNotMatch(html, /http-equiv="Content-Security-Policy"/i, 'one policy, so one report per violation');
      const expected = directives(readmePolicy());
      expected.set('frame-ancestors', "'self'");
      assert.deepEqual(Object.fromEntries(policyDirectives), Object.fromEntries(expected));
    });
  }

  test('the index page allows its own inline style and nothing else', async () => {
    const { html, policyDirectives } = await page('/');
    assert.equal(policyDirectives.get('default-src'), "'none'");
    assert.doesNotMatch(html, /<script/i);
    const styles = [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((match) => match[1]);
    assert.equal(styles.length, 1);
    const hash = `'sha256-${createHash('sha256').update(styles[0]).digest('base64')}'`;
    assert.equal(policyDirectives.get('style-src'), hash, 'the style the page has is the one allowed');
  });

  test("a mounted page of one's own (the React example, with its own scripts) may not be framed either", async () => {
    await page('/react/');
  });
});
