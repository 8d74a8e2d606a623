// The props a Confab tag takes in any framework's templates: the element's own settable properties.
// Shared by the JSX, Vue and Svelte declarations (jsx.ts, vue.ts, svelte.ts).
import type { LitElement } from 'lit';

type IfEquals<X, Y, A, B> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A : B;

/** The keys of T that can be assigned: not methods, not getters without a setter. */
type SettableKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown
    ? never
    : IfEquals<{ [Q in K]: T[K] }, { -readonly [Q in K]: T[K] }, K, never>;
}[keyof T];

/** An element's own properties (those LitElement and HTMLElement do not have), all optional. */
export type ElementProperties<E> = Partial<Pick<E, Exclude<SettableKeys<E>, keyof LitElement>>>;
