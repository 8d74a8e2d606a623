/**
 * @confab/react — the Confab inbox in React: one component per inbox element and `useStore` for
 * the client's stores. The chat window is `@confab/react/chat`; JSX types for using the tags
 * directly with React 19 are `@confab/react/jsx`.
 */
export * from './inbox.js';
export { useStore } from './use-store.js';
