// The storage contract against core's memory storage (tests, demos and the memory transport).
import { createMemoryStorage } from '@confab/core/backend';
import { storageContract } from './storage-contract.test-util.js';

storageContract('memory storage', {
  fresh: async () => ({ storage: createMemoryStorage(), dispose: async () => {} }),
  promises: { durable: false, sharedHandles: false, refusesOverlap: false, typedRefusals: false },
});
