// The backend hub (server side): hosts the engine for many connections. Used by @confab/server
// and by the memory transport.
export * from './types.js';
export {
  createBackend,
  createMemoryStorage,
  createLocalFanOut,
  principalKey,
  CLOSE_UNAUTHENTICATED,
  CLOSE_REVOKED,
} from './backend.js';
