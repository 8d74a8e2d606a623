// Test kits for Confab users: the transport conformance suite, demo data and generators.
export * from './conformance.js';
export * from './demo-data.js';
export { inOrderDelivery } from '../transport/in-order.js';
