// The inbox from two parts, written as React 19 native custom elements (types from
// @confab/react/jsx): the list tells React which conversation was chosen, the thread shows it.
import type {} from '@confab/react/jsx';
import '@confab/inbox-elements/define/conversation-list.js';
import '@confab/inbox-elements/define/thread.js';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './client.js';

const client = createClient();

function App() {
  const [conversationId, setConversationId] = useState<string | null>(null);
  return (
    <main style={{ display: 'grid', gridTemplateColumns: '22rem 1fr', height: '90vh' }}>
      <confab-conversation-list
        client={client}
        view="all"
        conversationId={conversationId ?? undefined}
        onconfab-select-conversation={(event) => setConversationId(event.detail.conversationId)}
      />
      <confab-thread client={client} conversationId={conversationId ?? undefined} />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
