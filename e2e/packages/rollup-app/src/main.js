// The inbox from the installed packages: the client from @confab/core, the elements from
// @confab/inbox-elements. The token is nobody's, so the server refuses it and the inbox says so.
import { createInboxClient, createWebSocketTransport } from '@confab/core';
import '@confab/inbox-elements/define.js';

const inbox = document.createElement('confab-inbox');
inbox.client = createInboxClient({
  transport: createWebSocketTransport({ url: `ws://${location.host}/ws` }),
  token: 'nobody-has-this-token',
});
document.body.append(inbox);
document.body.dataset.ready = 'yes';
