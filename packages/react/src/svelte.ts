// Types only: Svelte templates type-check the Confab tags (svelte-check): props from the element
// classes, events from custom-elements.json, as `onconfab-open-record` (Svelte 5) or
// `on:confab-open-record` (Svelte 4). Load once, anywhere in the app:
// `import type {} from '@confab/react/svelte';`
import type { HTMLAttributes } from 'svelte/elements';
import type { ConfabElements } from './elements.js';
import type { ElementProperties } from './element-props.js';

/** Handlers for the events in `Events` (event name → event), in both of Svelte's spellings. */
export type SvelteEventProps<Events> = {
  [K in keyof Events & string as `on${K}` | `on:${K}`]?: (event: Events[K]) => void;
};

/** Every Confab tag with its attributes, properties and events, as svelteHTML lists elements. */
export type ConfabSvelteElements = {
  [Tag in keyof ConfabElements]: HTMLAttributes<ConfabElements[Tag]['element']> &
    ElementProperties<ConfabElements[Tag]['element']> &
    SvelteEventProps<ConfabElements[Tag]['events']>;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace svelteHTML {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface IntrinsicElements extends ConfabSvelteElements {}
  }
}
