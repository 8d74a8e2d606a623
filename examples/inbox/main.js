// The demo inbox page: signs in through the reference server's demo endpoint and connects
// <confab-inbox> over the WebSocket transport. Query parameters: ?agent=<id>&lang=nl&theme=dark.
const params = new URLSearchParams(location.search);
const inbox = document.querySelector('confab-inbox');
const message = document.getElementById('message');
const language = document.getElementById('language');
const theme = document.getElementById('theme');

function show(text) {
  message.textContent = text;
  message.hidden = false;
}

function setLanguage(value) {
  document.documentElement.lang = value;
  inbox.locale = value;
  language.value = value;
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

// Records belong to the host product; this demo has none, so it says what it would open.
inbox.addEventListener('confab-open-record', (event) => {
  event.preventDefault();
  document.getElementById('notice').textContent =
    `Your product would open ${event.detail.type} ${event.detail.id} here.`;
  setTimeout(() => (document.getElementById('notice').textContent = ''), 4000);
});

async function start() {
  let bundle;
  try {
    bundle = await import('/bundles/confab-inbox.js');
  } catch {
    show('The inbox bundle is not built yet: run `npm run build`, then reload.');
    return;
  }
  const { createInboxClient, createWebSocketTransport } = bundle;
  if (typeof createWebSocketTransport !== 'function' || typeof createInboxClient !== 'function') {
    show('This build of the inbox bundle has no WebSocket transport yet; rebuild with `npm run build`.');
    return;
  }
  const agent = params.get('agent');
  const response = await fetch('/api/demo/session' + (agent ? `?agent=${encodeURIComponent(agent)}` : ''));
  if (!response.ok) {
    show('Demo sign-in is not available on this server (start it with demo data: `npm start`).');
    return;
  }
  const session = await response.json();
  document.getElementById('who').textContent = session.name ? `Signed in as ${session.name} (demo)` : '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const client = createInboxClient({
    transport: createWebSocketTransport({ url }),
    token: session.token,
    namespace: `confab-demo-${session.agentId}`,
  });
  const connection = document.getElementById('connection');
  const showConnection = (state) =>
    (connection.textContent =
      state === 'online'
        ? ''
        : state === 'connecting'
          ? 'Connecting…'
          : 'Offline: changes wait and are sent on reconnect');
  showConnection(client.connection.get());
  client.connection.subscribe(showConnection);
  inbox.client = client;
  window.confabClient = client; // for the console and the screenshot script
}

start().catch((error) => show(`The inbox could not start: ${error.message}`));
