import { css, unsafeCSS } from 'lit';

/**
 * The palette: every colour is a public custom property with a light and a dark default. Elements
 * read the private `--_*` copies. Dark applies with `theme="dark"`, or with no `theme` attribute
 * when the system prefers dark. A host sets `--confab-light-<name>` and `--confab-dark-<name>` for
 * one theme each, or `--confab-<name>` for both (a brand accent); the per-theme one wins.
 */
const PALETTE: Array<[name: string, light: string, dark: string]> = [
  ['bg', '#ffffff', '#16191f'],
  ['surface', '#f5f6f8', '#1e222a'],
  ['surface-2', '#eaedf1', '#2a2f3a'],
  ['fg', '#1d2330', '#e7eaf0'],
  ['muted', '#4f5868', '#a9b1bf'],
  ['border', '#d0d5dd', '#3a4150'],
  ['accent', '#2f5bea', '#8ea8ff'],
  ['accent-fg', '#ffffff', '#0d1020'],
  ['accent-soft', '#e6ecfd', '#26304f'],
  ['comment-bg', '#fff5d1', '#3a3218'],
  ['comment-border', '#c9a227', '#a8862c'],
  ['danger', '#b42318', '#ff9b8f'],
  ['success', '#1c7a39', '#7bd88f'],
  ['focus', '#2f5bea', '#8ea8ff'],
];

const declarations = (mode: 1 | 2) =>
  PALETTE.map(
    (entry) =>
      `--_${entry[0]}: var(--confab-${mode === 1 ? 'light' : 'dark'}-${entry[0]}, var(--confab-${entry[0]}, ${entry[mode]}));`,
  ).join('');

/**
 * Base styles every element shares: palette, type, focus ring. Nothing inherited from the host is trusted.
 * A focused menu item is ringed, not only tinted (the tint alone is 1.2:1 on white, WCAG 1.4.11); in
 * forced colours (high contrast) states drawn by background or shadow vanish, so system colours draw them.
 */
export const baseStyles = css`
  :host {
    ${unsafeCSS(declarations(1))}
    color-scheme: light;
    font-family: var(--confab-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--confab-font-size, 14px);
    line-height: 1.4;
    font-weight: 400;
    font-style: normal;
    letter-spacing: normal;
    text-align: start;
    text-transform: none;
    white-space: normal;
    color: var(--_fg);
    box-sizing: border-box;
  }
  :host([theme='dark']) {
    ${unsafeCSS(declarations(2))}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${unsafeCSS(declarations(2))}
      color-scheme: dark;
    }
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    letter-spacing: inherit;
  }
  button {
    cursor: pointer;
  }
  .button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 32px;
    padding: 4px 12px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
    color: var(--_fg);
    white-space: nowrap;
  }
  .button:hover {
    background: var(--_surface-2);
  }
  .button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-fg);
  }
  .button.danger {
    color: var(--_danger);
  }
  .button[disabled],
  .button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  .icon-button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 32px;
    height: 32px;
    padding: 0;
    border: 1px solid transparent;
    border-radius: 6px;
    background: transparent;
    color: var(--_muted);
  }
  .icon-button:hover {
    background: var(--_surface-2);
    color: var(--_fg);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  input[type='text'],
  input[type='email'],
  input[type='search'],
  input[type='number'],
  input:not([type]),
  textarea,
  select {
    min-height: 32px;
    padding: 4px 8px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
    color: var(--_fg);
  }
  label {
    display: block;
  }
  .field {
    display: grid;
    gap: 4px;
    margin-block: 0 12px;
  }
  .field > span {
    font-weight: 600;
    font-size: 13px;
  }
  .error {
    color: var(--_danger);
  }
  a {
    color: var(--_accent);
  }
  .menu {
    position: absolute;
    z-index: 20;
    min-width: 200px;
    max-height: 360px;
    overflow: auto;
    margin: 4px 0 0;
    padding: 4px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_bg);
    box-shadow: 0 8px 24px rgb(0 0 0 / 18%);
  }
  .menu [role^='menuitem'] {
    display: flex;
    align-items: center;
    gap: 8px;
    width: 100%;
    min-height: 32px;
    padding: 4px 8px;
    border: 0;
    border-radius: 4px;
    background: transparent;
    color: var(--_fg);
    text-align: start;
  }
  .menu [role^='menuitem']:hover,
  .menu [role^='menuitem']:focus {
    background: var(--_accent-soft);
  }
  .menu [role^='menuitem']:focus {
    outline: 2px solid var(--_focus);
    outline-offset: -2px;
  }
  @media (forced-colors: active) {
    :focus-visible,
    .menu [role^='menuitem']:focus {
      outline-color: Highlight;
    }
    .button[aria-disabled='true'] {
      color: GrayText;
      border-color: GrayText;
    }
  }
  .menu [role^='menuitem'][aria-disabled='true'] {
    color: var(--_muted);
  }
  .menu [role='group'] + [role='group'],
  .menu [role='separator'] {
    border-top: 1px solid var(--_border);
    margin-top: 4px;
    padding-top: 4px;
  }
  .menu .group-label {
    padding: 4px 8px;
    font-size: 12px;
    font-weight: 600;
    color: var(--_muted);
  }
  .check-mark {
    width: 16px;
    text-align: center;
  }
  dialog {
    max-width: min(560px, calc(100vw - 32px));
    width: 100%;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_bg);
    color: var(--_fg);
    box-shadow: 0 16px 48px rgb(0 0 0 / 30%);
  }
  dialog::backdrop {
    background: rgb(10 12 16 / 45%);
  }
  .dialog-header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 12px 16px;
    border-bottom: 1px solid var(--_border);
  }
  .dialog-header h2 {
    margin: 0;
    font-size: 16px;
  }
  .dialog-body {
    padding: 16px;
  }
  .dialog-actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    padding: 12px 16px;
    border-top: 1px solid var(--_border);
  }
`;
