// The hosted inbox page (/inbox/): signs an agent in with email and password (a session cookie the
// page never sees), or — on a demo server — as a demo agent, then connects <confab-inbox> over the
// WebSocket transport. Invite and reset links open it with #invite=… or #reset=… (a fragment: it
// never reaches a server log). Query parameters: ?workspace=<id> (the team to sign in to; default
// the server's default workspace), ?agent=<id> (demo), ?lang=nl, ?theme=dark.
import { ACCOUNT_TEXT } from './account-text.js';

const params = new URLSearchParams(location.search);
const inbox = document.querySelector('confab-inbox');
const message = document.getElementById('message');
const language = document.getElementById('language');
const theme = document.getElementById('theme');
const account = document.getElementById('account');
const signOutButton = document.getElementById('sign-out');
const signOutEverywhereButton = document.getElementById('sign-out-everywhere');
const who = document.getElementById('who');
const byId = (id) => document.getElementById(id);
/** The workspace (team) this page signs in to: a platform links each team to /inbox/?workspace=<id>. */
const workspace = params.get('workspace') || undefined;
/** A query string naming the workspace, for the GET routes. */
const workspaceQuery = (prefix) => (workspace ? `${prefix}workspace=${encodeURIComponent(workspace)}` : '');

let text = ACCOUNT_TEXT.en;
let client = null;

// Unseen notifications show in the tab's title, so an agent in another tab sees them.
const pageTitle = document.title;
inbox.addEventListener('confab-unread-change', (event) => {
  document.title = event.detail.count ? `(${event.detail.count}) ${pageTitle}` : pageTitle;
});
/** What the account area shows, so a language switch can redraw its dynamic titles. */
let linkPurpose = null;

function show(note) {
  message.textContent = note;
  message.hidden = false;
}

function setLanguage(value) {
  document.documentElement.lang = value;
  inbox.locale = value;
  language.value = value;
  text = ACCOUNT_TEXT[value];
  for (const element of document.querySelectorAll('[data-text]')) element.textContent = text[element.dataset.text];
  if (linkPurpose)
    byId('set-password-title').textContent = linkPurpose === 'invite' ? text.inviteTitle : text.resetTitle;
}

function setTheme(value) {
  if (value) inbox.setAttribute('theme', value);
  else inbox.removeAttribute('theme');
  theme.value = value;
}

setLanguage(params.get('lang') === 'nl' ? 'nl' : 'en');
setTheme(['light', 'dark'].includes(params.get('theme') ?? '') ? params.get('theme') : '');
language.addEventListener('change', () => setLanguage(language.value));
theme.addEventListener('change', () => setTheme(theme.value));

// Records belong to the host product; this page has none, so it says what it would open.
inbox.addEventListener('confab-open-record', (event) => {
  event.preventDefault();
  byId('notice').textContent = `Your product would open ${event.detail.type} ${event.detail.id} here.`;
  setTimeout(() => (byId('notice').textContent = ''), 4000);
});

/** POSTs JSON to the server; the browser adds Origin (the server's CSRF check) and the cookie. */
async function post(path, body = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, answer, retryAfter: response.headers.get('retry-after') };
}

/** Shows one section of the account area (sign-in, forgot, set-password, setup), or none. */
function showAccount(sectionId, focusId) {
  account.hidden = sectionId === null;
  for (const section of account.querySelectorAll('section')) section.hidden = section.id !== sectionId;
  inbox.hidden = byId('inbox-title').hidden = sectionId !== null;
  if (focusId) byId(focusId).focus();
}

function showSignIn(note = '') {
  byId('sign-in-error').textContent = note;
  showAccount('sign-in', 'sign-in-email');
}

byId('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = byId('sign-in-error');
  const email = byId('sign-in-email').value.trim();
  const password = byId('sign-in-password').value;
  if (!email || !password) {
    error.textContent = text.missing;
    return;
  }
  error.textContent = '';
  const result = await post('/api/auth/sign-in', { email, password, workspace });
  if (result.ok) {
    byId('sign-in-password').value = '';
    await connect(result.answer.agent, 'session');
    return;
  }
  // The server answers a wrong email and a wrong password alike; so does this page.
  error.textContent =
    result.status === 429
      ? text.throttled(result.retryAfter ?? '60')
      : result.status === 401
        ? text.badCredentials
        : text.failed;
  byId('sign-in-password').focus();
});

byId('show-forgot').addEventListener('click', () => {
  byId('forgot-email').value = byId('sign-in-email').value;
  byId('forgot-status').textContent = '';
  showAccount('forgot', 'forgot-email');
});
byId('back-to-sign-in').addEventListener('click', () => showSignIn());
byId('forgot-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = byId('forgot-email').value.trim();
  if (!email) return;
  const result = await post('/api/auth/forgot-password', { email, workspace });
  byId('forgot-status').textContent = !result.ok ? text.failed : result.answer.mail ? text.linkSent : text.noMail;
});

function showSetPassword(purpose, token) {
  linkPurpose = purpose;
  byId('set-password-title').textContent = purpose === 'invite' ? text.inviteTitle : text.resetTitle;
  showAccount('set-password', 'new-password');
  const form = byId('set-password-form');
  form.onsubmit = async (event) => {
    event.preventDefault();
    const error = byId('set-password-error');
    const password = byId('new-password').value;
    if (password.length < 8) error.textContent = text.tooShort;
    else if (password !== byId('repeat-password').value) error.textContent = text.mismatch;
    else {
      const result = await post('/api/auth/set-password', { token, password });
      if (result.ok) {
        linkPurpose = null;
        await connect(result.answer.agent, 'session');
        return;
      }
      error.textContent = result.answer.error?.code === 'invalid-link' ? text.badLink : text.failed;
    }
    byId('new-password').focus();
  };
}

let stopShowingConnection = null;

/**
 * Leaves the inbox: stops the client and deletes what it stored on this browser (outbox, drafts,
 * snapshot) — a signed-out browser keeps nothing of the team's conversations.
 */
async function disconnect() {
  const current = client;
  client = null;
  stopShowingConnection?.();
  stopShowingConnection = null;
  byId('connection').textContent = '';
  inbox.client = undefined;
  who.textContent = '';
  signOutButton.hidden = signOutEverywhereButton.hidden = true;
  await current?.forget();
}

async function signOut(path) {
  await post(path);
  await disconnect();
  showSignIn();
}
signOutButton.addEventListener('click', () => signOut('/api/auth/sign-out'));
signOutEverywhereButton.addEventListener('click', () => signOut('/api/auth/sign-out-everywhere'));

let bundle;

/**
 * Connects <confab-inbox>. `session`: the WebSocket says hello with the marker the server replaces
 * by this page's session cookie (the token itself never reaches this script); `demo`: a demo token.
 */
async function connect(agent, kind, demoToken) {
  const { createInboxClient, createWebSocketTransport } = bundle;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  client = createInboxClient({
    transport: createWebSocketTransport({ url }),
    token: kind === 'session' ? 'confab-session-cookie' : demoToken,
    namespace: kind === 'session' ? `confab-${agent.id}` : `confab-demo-${agent.id}`,
  });
  const connection = byId('connection');
  const showConnection = (state) =>
    (connection.textContent =
      state === 'online'
        ? ''
        : state === 'connecting'
          ? 'Connecting…'
          : 'Offline: changes wait and are sent on reconnect');
  showConnection(client.connection.get());
  stopShowingConnection = client.connection.subscribe(showConnection);
  if (kind === 'session') {
    // The session ended (signed out elsewhere, expired, access disabled): back to the sign-in
    // form, saying which. The client names the cause (`stopped`); the page only words it.
    const current = client;
    const whyStopped = {
      unauthenticated: text.sessionEnded,
      'session-expired': text.sessionExpired,
      forbidden: text.accessRemoved,
    };
    const stopWatching = current.stopped.subscribe((cause) => {
      if (!cause || !(cause in whyStopped) || client !== current) return;
      stopWatching();
      void disconnect();
      showSignIn(whyStopped[cause]);
    });
    inbox.teamInvites = {
      async send(agentId) {
        const result = await post('/api/auth/invites', { agentId });
        if (!result.ok) throw new Error(result.answer.error?.message ?? text.failed);
        return result.answer;
      },
    };
  }
  who.textContent = kind === 'session' ? text.signedInAs(agent.name) : `Signed in as ${agent.name} (demo)`;
  signOutButton.hidden = signOutEverywhereButton.hidden = kind !== 'session';
  showAccount(null);
  inbox.client = client;
  window.confabClient = client; // for the console and the screenshot script
}

async function start() {
  try {
    bundle = await import('/bundles/confab-inbox.js');
  } catch {
    show('The inbox bundle is not built yet: run `npm run build`, then reload.');
    return;
  }
  if (typeof bundle.createWebSocketTransport !== 'function' || typeof bundle.createInboxClient !== 'function') {
    show('This build of the inbox bundle has no WebSocket transport yet; rebuild with `npm run build`.');
    return;
  }
  const link = /^#(invite|reset)=(cfl_[A-Za-z0-9_-]+)$/.exec(location.hash);
  if (link) {
    // Out of the address bar and history: the link works once, and nobody needs to see it again.
    history.replaceState(null, '', location.pathname + location.search);
    showSetPassword(link[1], link[2]);
    return;
  }
  const status = await (await fetch('/api/auth/session' + workspaceQuery('?'))).json();
  if (status.signedIn) return connect(status.agent, 'session');
  if (status.demo) {
    const agent = params.get('agent');
    const response = await fetch(
      '/api/demo/session' + (agent ? `?agent=${encodeURIComponent(agent)}${workspaceQuery('&')}` : workspaceQuery('?')),
    );
    if (!response.ok) {
      show('Demo sign-in is not available on this server (start it with demo data: `npm start`).');
      return;
    }
    const session = await response.json();
    return connect({ id: session.agentId, name: session.name }, 'demo', session.token);
  }
  if (status.setupNeeded) showAccount('setup');
  else showSignIn();
}

// A link pasted into the address bar of an open inbox changes only the fragment: start over with it.
window.addEventListener('hashchange', () => {
  if (/^#(invite|reset)=/.test(location.hash)) location.reload();
});

start().catch((error) => show(`The inbox could not start: ${error.message}`));
