// Types only: Vue 3 templates type-check the Confab tags (vue-tsc, the Vue language tools): props
// from the element classes, events (`@confab-open-record`) from custom-elements.json. Load once,
// anywhere in the app: `import type {} from '@confab/react/vue';` and tell Vue the tags are custom
// elements (`compilerOptions.isCustomElement: (tag) => tag.startsWith('confab-')`).
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { ConfabElements } from './elements.js';
import type { ElementProperties } from './element-props.js';

/**
 * A custom element as Vue's type check sees a component: `$props` for what a template may bind,
 * `$emit` for the events it may listen to. Neither is a property of the element at run time.
 */
export type VueCustomElement<E, Events> = new () => E & {
  $props: HTMLAttributes & ElementProperties<E> & PublicProps;
  $emit: EmitFn<{ [K in keyof Events]: (event: Events[K]) => void }>;
};

/** Every Confab tag as Vue's GlobalComponents lists it. */
export type ConfabVueElements = {
  [Tag in keyof ConfabElements]: VueCustomElement<ConfabElements[Tag]['element'], ConfabElements[Tag]['events']>;
};

declare module 'vue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalComponents extends ConfabVueElements {}
}
