// @ts-check
// The React app: a header that reads the client's stores, and the Confab inbox — whole, or
// assembled from its parts with React holding the selected view and conversation.
import React, { useState } from 'react';
import { ConfabConversationList, ConfabInbox, ConfabThread, ConfabViewList, useStore } from '@confab/react';

const h = React.createElement;

/** @typedef {import('@confab/core').InboxClient} InboxClient */
/** @typedef {import('@confab/inbox-elements').OpenRecordDetail} OpenRecordDetail */
/** @typedef {'inbox' | 'parts'} Layout */

/** @param {{ client: InboxClient, layout: Layout, onLayout: (layout: Layout) => void }} props */
function Header({ client, layout, onLayout }) {
  const me = useStore(client.me);
  const connection = useStore(client.connection);
  return h(
    'header',
    { className: 'bar' },
    h('strong', null, 'Confab × React'),
    h('span', null, me ? `Signed in as ${me.name}` : 'Signing in…'),
    h('span', { className: `badge ${connection}`, role: 'status', 'aria-label': 'Connection' }, connection),
    h('span', { className: 'spacer' }),
    h(
      'label',
      null,
      'Layout ',
      h(
        'select',
        {
          value: layout,
          onChange: (/** @type {React.ChangeEvent<HTMLSelectElement>} */ e) =>
            onLayout(/** @type {Layout} */ (e.target.value)),
        },
        h('option', { value: 'inbox' }, 'Whole inbox'),
        h('option', { value: 'parts' }, 'Parts'),
      ),
    ),
  );
}

/**
 * The inbox from three standalone parts. React owns what the whole inbox would own itself: the
 * view and the open conversation, fed by the parts' events.
 * @param {{ client: InboxClient, onOpenRecord: (event: CustomEvent<OpenRecordDetail>) => void }} props
 */
function InboxParts({ client, onOpenRecord }) {
  const [view, setView] = useState('all');
  const [conversationId, setConversationId] = useState(/** @type {string | undefined} */ (undefined));
  return h(
    'main',
    { className: 'parts' },
    h(ConfabViewList, { client, view, onViewChange: (e) => setView(e.detail.viewId) }),
    h(ConfabConversationList, {
      client,
      view,
      conversationId,
      onSelectConversation: (e) => setConversationId(e.detail.conversationId),
    }),
    conversationId
      ? h(ConfabThread, { client, conversationId, onOpenRecord })
      : h('p', { className: 'empty' }, 'Choose a conversation.'),
  );
}

/** @param {{ client: InboxClient }} props */
export function App({ client }) {
  const [layout, setLayout] = useState(/** @type {Layout} */ ('inbox'));
  const [notice, setNotice] = useState('');

  // Records (contacts, tickets, …) belong to the host product. Cancelling the event tells the
  // element the host handled it, so it does not follow its own link.
  const openRecord = (/** @type {CustomEvent<OpenRecordDetail>} */ event) => {
    event.preventDefault();
    setNotice(`Your product would open ${event.detail.type} ${event.detail.id} here.`);
  };

  return h(
    React.Fragment,
    null,
    h(Header, { client, layout, onLayout: setLayout }),
    layout === 'inbox'
      ? h(ConfabInbox, { client, onOpenRecord: openRecord })
      : h(InboxParts, { client, onOpenRecord: openRecord }),
    h(
      'div',
      { className: 'notice', role: 'status', hidden: !notice },
      notice,
      notice ? h('button', { type: 'button', onClick: () => setNotice('') }, 'Dismiss') : null,
    ),
  );
}
