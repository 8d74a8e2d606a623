// The whole inbox through the package's components, with React state fed by a typed event.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfabInbox, useStore } from '@confab/react';
import { createClient } from './client.js';

const client = createClient();

function App() {
  const connection = useStore(client.connection);
  const [opened, setOpened] = useState('');
  return (
    <>
      <header>
        <p data-testid="connection">{connection}</p>
        <p data-testid="opened">{opened}</p>
      </header>
      <ConfabInbox
        client={client}
        locale="en"
        style={{ display: 'block', height: '80vh' }}
        onOpenRecord={(event) => {
          event.preventDefault();
          setOpened(`${event.detail.type} ${event.detail.id}`);
        }}
      />
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
