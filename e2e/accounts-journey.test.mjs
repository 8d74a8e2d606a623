// A team runs Confab for real (issue 12): a production-mode server on a fresh data directory,
// the first admin made with `confab-server create-agent`, sign-in at /inbox/, an invitation
// through a real SMTP sink, a teammate in another browser context, routing, and disabling.
// The Team section of the settings panel is the other half of issue 12 and was not merged when
// this was written: the invite and the disable are the admin's own client commands
// (`agent.invite`, `agent.disable`) and `POST /api/auth/invites` from the admin's page, which is
// what that section calls.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../scripts/chromium.mjs';
import { mailText, smtpSink } from '../packages/server/dist/testing/smtp-sink.test-util.js';
import {
  SCREENSHOT_DIR,
  conversationWith,
  eventually,
  openWidget,
  row,
  startProductionServer,
  view,
  visitorSays,
} from './harness.mjs';

const BIN = fileURLToPath(new URL('../packages/server/dist/bin/confab-server.js', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** `confab-server …args` over the server's data directory, `input` on standard input. */
function cli(dataDir, args, input) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CONFAB_DATA_DIR: dataDir } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
    child.stdin.end(input);
  });
}

/** Serious or critical axe violations of the page, as short strings. */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document));
  return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.help}`);
}

describe('accounts: a team runs Confab for real', () => {
  let sink;
  let prod;
  let browser;
  const requests = [];
  const pageErrors = [];

  before(async () => {
    sink = await smtpSink();
    prod = await startProductionServer('accounts', { smtpUrl: `smtp://127.0.0.1:${sink.port}?ignoreTLS=true` });
    browser = await launchChromium();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await prod?.close();
    await sink?.close();
  });

  /** A person's own browser context; every request and socket URL is kept to check for credentials. */
  async function person(options = {}) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
    const page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('websocket', (socket) => requests.push(socket.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { context, page };
  }

  const shot = (page, moment) => page.screenshot({ path: join(SCREENSHOT_DIR, `accounts-${moment}.png`) });

  it('create-agent, sign in, invite by email, the teammate is routed a chat, disabled: socket closed within 5 s, gone from routing and menus', async () => {
    const { server } = prod;

    // A server with no agent explains the one command instead of a sign-in form.
    const admin = await person();
    await admin.page.goto(`${server.url}/inbox/`);
    await admin.page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
    await shot(admin.page, 'first-admin');

    // The first admin, from the command line, while the server runs; the password on stdin.
    const created = await cli(
      prod.dataDir,
      ['create-agent', '--email', 'ada@team.example', '--name', 'Ada Admin', '--role', 'admin'],
      'ada-password-1\n',
    );
    assert.equal(created.code, 0, created.output);

    // Sign in at /inbox/. A wrong password and an unknown email get the same words.
    await admin.page.reload();
    const form = admin.page.getByRole('heading', { name: 'Sign in to the inbox' });
    await form.waitFor();
    const alert = admin.page.getByRole('alert');
    for (const [email, password] of [
      ['ada@team.example', 'not-her-password'],
      ['nobody@team.example', 'ada-password-1'],
    ]) {
      await admin.page.getByRole('textbox', { name: 'Email' }).fill(email);
      await admin.page.getByLabel('Password', { exact: true }).fill(password);
      await admin.page.getByRole('button', { name: 'Sign in' }).click();
      await eventually(async () => assert.equal(await alert.innerText(), 'The email or password is not right.'));
      await alert.evaluate((element) => (element.textContent = ''));
    }
    await admin.page.getByRole('textbox', { name: 'Email' }).fill('ada@team.example');
    await admin.page.getByLabel('Password', { exact: true }).fill('ada-password-1');
    await admin.page.getByRole('button', { name: 'Sign in' }).click();
    await admin.page.getByRole('navigation', { name: 'Views' }).waitFor();
    await admin.page.getByText('Signed in as Ada Admin').waitFor();

    // Invite Ben: the engine command, then the host's delivery through SMTP.
    const { agentId: benId } = await admin.page.evaluate(() =>
      window.confabClient.send({
        type: 'agent.invite',
        email: 'ben@team.example',
        name: 'Ben Teammate',
        role: 'agent',
      }),
    );
    const delivery = await admin.page.evaluate(async (agentId) => {
      const response = await fetch('/api/auth/invites', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId }),
      });
      return response.json();
    }, benId);
    assert.deepEqual(delivery, { sent: true });
    const mail = await eventually(() => {
      const found = sink.messages.find((message) => message.to.includes('ben@team.example'));
      assert.ok(found, 'the invitation reached the SMTP sink');
      return found;
    });
    const link = /(http:\/\/\S+\/inbox\/#invite=cfl_[A-Za-z0-9_-]+)/.exec(mailText(mail.data))[1];

    // Ben, in his own browser: sets a password from the link, signs out, signs in by keyboard only.
    const ben = await person();
    let benSocketClosedAt = 0;
    ben.page.on('websocket', (socket) => socket.on('close', () => (benSocketClosedAt = Date.now())));
    await ben.page.goto(link);
    await ben.page.getByRole('heading', { name: 'Welcome: choose your password' }).waitFor();
    assert.equal(new URL(ben.page.url()).hash, '', 'the one-time link leaves the address bar');
    await ben.page.getByLabel('New password (at least 8 characters)').fill('ben-password-1');
    await ben.page.getByLabel('Repeat the password').fill('ben-password-1');
    await ben.page.getByRole('button', { name: 'Save password and sign in' }).click();
    await ben.page.getByRole('navigation', { name: 'Views' }).waitFor();
    await ben.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await ben.page.getByRole('heading', { name: 'Sign in to the inbox' }).waitFor();
    await ben.page.keyboard.type('ben@team.example'); // the email field has focus
    await ben.page.keyboard.press('Tab');
    await ben.page.keyboard.type('ben-password-1');
    await ben.page.keyboard.press('Enter');
    await ben.page.getByRole('navigation', { name: 'Views' }).waitFor();
    await ben.page.getByRole('switch', { name: /^Available/ }).click();
    await eventually(() => assert.equal(server.backend.state.agents.get(benId).availability, 'available'));

    // A visitor's chat is routed to Ben (Ada is away: new agents start away).
    const visitor = await person();
    await visitor.page.goto(`${server.url}/site/`);
    await visitorSays(await openWidget(visitor.page), 'Hello, is anyone there?');
    await eventually(() => assert.equal(conversationWith(server, 'Hello, is anyone there?')?.assigneeId, benId), {
      what: 'the chat routed to Ben',
    });
    await view(ben.page, 'Assigned to me').click();
    await row(ben.page, 'Hello, is anyone there?').waitFor();
    await shot(ben.page, 'teammate-routed');

    // Ada disables Ben: his socket closes within 5 s, and his page asks him to sign in again.
    const disabledAt = Date.now();
    await admin.page.evaluate((agentId) => window.confabClient.send({ type: 'agent.disable', agentId }), benId);
    await eventually(() => assert.ok(benSocketClosedAt > 0, 'socket closed'), { timeoutMs: 5000 });
    assert.ok(benSocketClosedAt - disabledAt < 5000, `closed after ${benSocketClosedAt - disabledAt} ms`);
    await ben.page
      .getByText('You were signed out: an admin disabled your account. Ask an admin of this inbox.')
      .waitFor();
    await shot(ben.page, 'teammate-disabled');

    // Gone from routing: the next chat goes to nobody; his first chat stays his until reassigned.
    const second = await person();
    await second.page.goto(`${server.url}/site/`);
    await visitorSays(await openWidget(second.page), 'Second visitor here');
    await eventually(() => assert.ok(conversationWith(server, 'Second visitor here')));
    assert.equal(conversationWith(server, 'Second visitor here').assigneeId, null);
    assert.equal(conversationWith(server, 'Hello, is anyone there?').assigneeId, benId);

    // Gone from Ada's Assignee menu.
    await view(admin.page, 'All conversations').click();
    await row(admin.page, 'Second visitor here').click();
    await admin.page.getByRole('button', { name: /^Assignee/ }).click();
    const menu = admin.page.getByRole('menu');
    await menu.getByRole('menuitemradio', { name: /Ada Admin/ }).waitFor();
    assert.equal(await menu.getByRole('menuitemradio', { name: /Ben Teammate/ }).count(), 0);
    await shot(admin.page, 'assignee-menu-without-ben');
    await admin.page.keyboard.press('Escape');

    // And he cannot sign in while disabled.
    const refused = await ben.page.evaluate(async () => {
      const response = await fetch('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ben@team.example', password: 'ben-password-1' }),
      });
      return response.status;
    });
    assert.equal(refused, 401);

    // No credential ever travelled in a URL (the invite token sits in a fragment, never sent).
    for (const url of requests) assert.doesNotMatch(url, /cfs_|cfl_|cfa_|token=/, url);
    assert.deepEqual(pageErrors, []);
  });

  it('the sign-in, forgot-password, set-password and first-admin pages are axe-clean, in English and Dutch', async () => {
    const empty = await startProductionServer('accounts-axe');
    try {
      // axe is injected as a script: this context lets it past the page's CSP.
      const { context, page } = await person({ bypassCSP: true });
      await page.goto(`${empty.server.url}/inbox/?lang=nl`);
      await page.getByRole('heading', { name: 'Maak de eerste beheerder aan' }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await empty.server.accounts.createAgent({
        email: 'ada@team.example',
        name: 'Ada',
        role: 'admin',
        password: 'ada-password-1',
      });
      await page.goto(`${empty.server.url}/inbox/`);
      await page.getByRole('heading', { name: 'Sign in to the inbox' }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel('Language').selectOption('nl');
      await page.getByRole('heading', { name: 'Aanmelden bij de inbox' }).waitFor();
      await page.getByRole('button', { name: 'Aanmelden' }).click();
      await page.getByRole('alert').getByText('Vul je e-mailadres en wachtwoord in.').waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole('button', { name: 'Wachtwoord vergeten?' }).click();
      await page.getByRole('heading', { name: 'Wachtwoord opnieuw instellen' }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      // A set-password page (the link's token is only checked when the form is sent).
      await page.goto(`${empty.server.url}/inbox/#reset=cfl_not-a-real-link`);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel('New password (at least 8 characters)').fill('long-enough-1');
      await page.getByLabel('Repeat the password').fill('long-enough-1');
      await page.getByRole('button', { name: 'Save password and sign in' }).click();
      await page
        .getByRole('alert')
        .getByText('This link has expired or was already used. Ask an admin for a new one.')
        .waitFor();
      await context.close();
    } finally {
      await empty.close();
    }
  });
});
