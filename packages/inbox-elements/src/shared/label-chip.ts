import { css, html } from 'lit';
import { labelInk, type Label } from '@confab/core';

/**
 * A label as a chip: its name on its colour, in the black or white core's `labelInk` picks, so the
 * colour never carries the meaning alone and the name is always readable (WCAG 1.4.1, 1.4.3).
 * Colours are hex the engine checked, set through the CSSOM (a strict style-src allows that).
 */
export function labelChip(label: Label) {
  return html`<span class="label-chip" .style=${`background:${label.color};color:${labelInk(label.color).ink}`}
    >${label.name}</span
  >`;
}

export const labelChipStyles = css`
  .label-chip {
    display: inline-block;
    max-width: 12em;
    overflow: hidden;
    padding: 0 6px;
    border-radius: 999px;
    font-size: 0.85em;
    line-height: 1.5;
    text-overflow: ellipsis;
    white-space: nowrap;
    vertical-align: middle;
    /* Forced colours replace the background: the outline keeps the chip a shape. */
    outline: 1px solid transparent;
  }
`;
