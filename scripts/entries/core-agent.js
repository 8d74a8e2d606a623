// What an agent app needs of the core: the inbox client over WebSocket.
export { createInboxClient, createWebSocketTransport } from '@confab/core';
