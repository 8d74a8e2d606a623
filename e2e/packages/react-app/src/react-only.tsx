// React alone: the baseline the other pages' sizes are measured against.
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<p>React alone</p>);
