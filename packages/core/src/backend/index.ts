// The backend hub (server side): hosts the engine for many connections. Used by @confab/server
// and by the memory transport.
export * from './types.js';
export { createBackend, CLOSE_UNAUTHENTICATED, CLOSE_REVOKED } from './backend.js';
export { createMemoryStorage, newEpoch } from './memory-storage.js';
export { StorageUnreachableError } from './storage-unreachable.js';
export { createLocalFanOut } from './local-fan-out.js';
export { principalKey } from './principal-key.js';
export { DEFAULT_IDEMPOTENCY_WINDOW_MS, queuedAt } from './outcomes.js';
export { serializeEngineState, deserializeEngineState } from '../engine/state-snapshot.js';
export type { MessageChanges, StoredMessages } from '../engine/lazy-messages.js';
