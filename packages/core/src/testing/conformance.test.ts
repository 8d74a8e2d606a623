import { runTransportConformance } from './conformance.js';
import { memoryTarget } from './memory-target.test-util.js';

describe('the memory transport', () => {
  runTransportConformance(() => memoryTarget());
});
