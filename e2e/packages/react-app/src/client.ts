// The inbox client of this app: the WebSocket transport to the server that serves the page. A
// real product gets the agent token from its own backend; this test page gets it from the test.
import { createInboxClient, createWebSocketTransport } from '@confab/core';

declare global {
  interface Window {
    confabToken?: string;
  }
}

export function createClient() {
  return createInboxClient({
    transport: createWebSocketTransport({ url: `ws://${location.host}/ws` }),
    token: window.confabToken ?? '',
  });
}
