import { css } from 'lit';

export const ROW_HEIGHT = 76;

// In forced colours backgrounds and shadows are dropped: the open row gets a border, the
// selection, check mark and reply-needed dot system colours.
export const conversationListStyles = css`
  :host {
    position: relative;
    display: flex;
    flex-direction: column;
    min-height: 0;
    height: 100%;
    background: var(--_bg);
  }
  .toolbar {
    display: flex;
    align-items: center;
    gap: 8px;
    min-height: 44px;
    padding: 6px 12px;
    border-bottom: 1px solid var(--_border);
  }
  .toolbar .selected-count {
    flex: 1;
    color: var(--_muted);
    font-size: 13px;
  }
  .toolbar input[type='checkbox'] {
    width: 16px;
    height: 16px;
    margin: 0;
    accent-color: var(--_accent);
  }
  .select-all {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    font-size: 13px;
    color: var(--_muted);
  }
  .scroller {
    position: relative;
    flex: 1 1 0;
    min-height: 0;
    overflow-y: auto;
    overflow-x: hidden;
    overscroll-behavior: contain;
    /* Rows change on every scrolled frame: keep their layout and paint inside the list. */
    contain: strict;
  }
  .scroller:focus-visible {
    outline-offset: -2px;
  }
  .canvas {
    position: relative;
    width: 100%;
  }
  /* Rows are keyed and placed by transform: scrolling moves rows that stay and lays out only new ones. */
  .row {
    position: absolute;
    inset: 0 0 auto 0;
    display: grid;
    grid-template-columns: 24px 1fr auto;
    grid-template-rows: 20px 20px 18px;
    column-gap: 8px;
    row-gap: 2px;
    height: ${ROW_HEIGHT}px;
    padding: 8px 12px 8px 8px;
    border-bottom: 1px solid var(--_border);
    cursor: pointer;
    contain: strict;
    overflow: hidden;
  }
  .row:hover {
    background: var(--_surface);
  }
  .row[aria-current='true'] {
    background: var(--_accent-soft);
    box-shadow: inset 3px 0 0 var(--_accent);
  }
  .row[aria-selected='true'] {
    background: var(--_accent-soft);
  }
  .scroller:focus-visible .row.active {
    outline: 2px solid var(--_focus);
    outline-offset: -2px;
  }
  .check {
    grid-row: 1 / span 3;
    align-self: center;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 18px;
    height: 18px;
    border: 1.5px solid var(--_muted);
    border-radius: 4px;
    color: transparent;
    font-size: 12px;
    visibility: hidden;
  }
  .row:hover .check,
  .scroller:focus-within .row.active .check,
  :host([selecting]) .check {
    visibility: visible;
  }
  .row[aria-selected='true'] .check {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-fg);
  }
  .line {
    display: flex;
    align-items: center;
    gap: 6px;
    min-width: 0;
    white-space: nowrap;
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    font-weight: 600;
  }
  .row-labels {
    display: flex;
    gap: 4px;
    min-width: 0;
    overflow: hidden;
  }
  .row-labels .label-chip {
    flex: none;
    max-width: 8em;
  }
  /* Narrow (200 % zoom) the bulk actions wrap rather than scroll sideways (WCAG 1.4.10). */
  .toolbar {
    flex-wrap: wrap;
  }
  .toolbar [role='group'] {
    flex-wrap: wrap;
    white-space: normal;
  }
  .toolbar .anchor {
    position: relative;
  }
  .toolbar .menu {
    inset-inline-end: 0;
  }
  .needs .name {
    font-weight: 700;
  }
  .participants {
    flex: none;
    padding: 0 5px;
    border-radius: 8px;
    background: var(--_surface-2);
    color: var(--_muted);
    font-size: 11px;
  }
  .meta {
    grid-column: 3;
    grid-row: 1;
    display: flex;
    align-items: center;
    gap: 6px;
    color: var(--_muted);
    font-size: 12px;
  }
  .indicator {
    flex: none;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    border: 1.5px solid var(--_muted);
  }
  .needs .indicator {
    background: var(--_accent);
    border-color: var(--_accent);
  }
  @media (forced-colors: active) {
    .row[aria-current='true'] {
      border-inline-start: 4px solid Highlight;
    }
    .row[aria-selected='true'] {
      outline: 2px solid Highlight;
      outline-offset: -4px;
    }
    .check,
    .indicator {
      forced-color-adjust: none;
      border-color: CanvasText;
    }
    .row[aria-selected='true'] .check {
      background: Highlight;
      border-color: Highlight;
      color: HighlightText;
    }
    .needs .indicator {
      background: CanvasText;
      border-color: CanvasText;
    }
  }
  .text,
  .comment {
    grid-column: 2 / span 2;
    min-width: 0;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    color: var(--_muted);
  }
  .subject {
    color: var(--_fg);
  }
  .comment {
    font-size: 12px;
  }
  .comment .icon {
    width: 12px;
    height: 12px;
    margin-inline-end: 4px;
    vertical-align: -2px;
  }
  .badge {
    padding: 0 6px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    font-size: 11px;
  }
  .empty {
    padding: 24px 16px;
    color: var(--_muted);
    text-align: center;
  }
  .stopped {
    margin: 12px;
    padding: 12px 14px;
    border: 1px solid var(--_danger);
    border-inline-start-width: 4px;
    border-radius: 6px;
    background: var(--_bg);
  }
  .stopped p {
    margin: 0;
  }
  .stopped-title {
    font-weight: 600;
    margin-block-end: 4px !important;
  }
  .snackbar {
    position: absolute;
    inset: auto 12px 12px 12px;
    z-index: 5;
    pointer-events: none;
  }
  .snackbar > div {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    padding: 8px 12px;
    border-radius: 8px;
    background: var(--_fg);
    color: var(--_bg);
    box-shadow: 0 6px 18px rgb(0 0 0 / 25%);
    pointer-events: auto;
  }
  .snackbar button {
    border: 0;
    background: transparent;
    color: var(--_bg);
    font-weight: 700;
    text-decoration: underline;
  }
`;
