import { html, svg, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Channel } from '@confab/core';

const paths: Record<string, TemplateResult> = {
  email: svg`<rect x="2" y="4" width="16" height="12" rx="2"/><path d="M3 6l7 5 7-5"/>`,
  chat: svg`<path d="M3 4h14v9H8l-4 3v-3H3z"/>`,
  messenger: svg`<path d="M10 2.5c-4.3 0-7.5 3-7.5 7 0 2.2 1 4 2.6 5.3V18l2.8-1.5c.7.2 1.4.3 2.1.3 4.3 0 7.5-3 7.5-7s-3.2-7.3-7.5-7.3z"/><path d="M5.5 11.5l3-3 2 2 3-3"/>`,
  form: svg`<rect x="4" y="2.5" width="12" height="15" rx="1.5"/><path d="M7 7h6M7 10h6M7 13h4"/>`,
  close: svg`<path d="M5 5l10 10M15 5L5 15"/>`,
  check: svg`<path d="M4 10.5l4 4 8-9"/>`,
  bell: svg`<path d="M5 14V9a5 5 0 0110 0v5l1.5 1.5h-13z"/><path d="M8.5 17.5a1.5 1.5 0 003 0"/>`,
  more: svg`<circle cx="4.5" cy="10" r="1.2"/><circle cx="10" cy="10" r="1.2"/><circle cx="15.5" cy="10" r="1.2"/>`,
  chevron: svg`<path d="M6 8l4 4 4-4"/>`,
  back: svg`<path d="M12 5l-5 5 5 5"/>`,
  panelLeft: svg`<rect x="2.5" y="3.5" width="15" height="13" rx="1.5"/><path d="M7.5 3.5v13"/>`,
  panelRight: svg`<rect x="2.5" y="3.5" width="15" height="13" rx="1.5"/><path d="M12.5 3.5v13"/>`,
  search: svg`<circle cx="9" cy="9" r="5.5"/><path d="M13 13l4 4"/>`,
  filter: svg`<path d="M3 4h14l-5.5 6.5V16l-3-1.5v-4z"/>`,
  compose: svg`<path d="M13.5 3.5l3 3L8 15H5v-3z"/>`,
  settings: svg`<circle cx="10" cy="10" r="2.5"/><path d="M10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4"/>`,
  reply: svg`<path d="M8 5L3 10l5 5M3 10h9a5 5 0 015 5"/>`,
  comment: svg`<path d="M4 3.5h12v10h-5l-4 3v-3H4z"/><path d="M7 7.5h6M7 10h4"/>`,
  attach: svg`<path d="M14.5 9.5l-5.8 5.8a3.2 3.2 0 01-4.5-4.5l6.4-6.4a2.1 2.1 0 013 3l-6.2 6.2a1 1 0 01-1.5-1.5l5.6-5.6"/>`,
};

/** A decorative icon (hidden from assistive technology), or a labelled one when `label` is given. */
export function icon(name: keyof typeof paths | string, label?: string): TemplateResult {
  const body = paths[name] ?? paths.chat;
  return html`<svg
    class="icon"
    part="icon"
    viewBox="0 0 20 20"
    width="16"
    height="16"
    fill="none"
    stroke="currentColor"
    stroke-width="1.6"
    stroke-linecap="round"
    stroke-linejoin="round"
    role=${ifDefined(label ? 'img' : undefined)}
    aria-label=${ifDefined(label)}
    aria-hidden=${ifDefined(label ? undefined : 'true')}
  >
    ${body}
  </svg>`;
}

/** L2.5: the icon of the channel a conversation came from, with its name as accessible label. */
export function channelIcon(channel: Channel, label: string): TemplateResult {
  return icon(channel, label);
}
