// @ts-check
// Entry of the React example: signs in through the reference server's demo endpoint
// (`?agent=<id>` picks the agent), connects a client over WebSocket and renders the app.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { createInboxClient, createWebSocketTransport } from '@confab/core';
import { App } from './app.js';

const root = /** @type {HTMLElement} */ (document.getElementById('root'));

async function start() {
  const agent = new URLSearchParams(location.search).get('agent');
  const response = await fetch('/api/demo/session' + (agent ? `?agent=${encodeURIComponent(agent)}` : ''));
  if (!response.ok)
    throw new Error('demo sign-in is not available on this server (start it with demo data: `npm start`)');
  /** @type {{ token: string, agentId: string }} */
  const session = await response.json();
  const client = createInboxClient({
    transport: createWebSocketTransport({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
    }),
    token: session.token, // sent in the first frame, never in a URL
    namespace: `confab-react-${session.agentId}`,
  });
  createRoot(root).render(React.createElement(React.StrictMode, null, React.createElement(App, { client })));
}

start().catch((error) => {
  root.textContent = `The inbox could not start: ${error instanceof Error ? error.message : String(error)}`;
  root.className = 'message';
});
