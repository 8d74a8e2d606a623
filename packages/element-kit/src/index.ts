/**
 * @confab/element-kit — what the inbox elements and the chat widget share, so both read core the
 * same way and render user text by one rule. Small on purpose: the widget bundles it too.
 */
export { StoreController, shallowArrayEqual, type Equality } from './store-controller.js';
export { externalLink, renderText, LINK_REL } from './text.js';
export { cachedFormatter, type Formatter } from './formatters.js';
export { typedEmit, type DetailOf, type Emit } from './emit.js';
