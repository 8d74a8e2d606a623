// The rules of the inbox (SPEC.md): pure and deterministic. Servers and the memory transport run it.
export * from './engine.js';
export * from './state.js';
export * from './views.js';
