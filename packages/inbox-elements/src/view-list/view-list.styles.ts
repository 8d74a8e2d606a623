import { css } from 'lit';

export const viewListStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--_surface);
    border-inline-end: 1px solid var(--_border);
  }
  .top {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px;
  }
  .compose {
    flex: 1;
    justify-content: center;
  }
  nav {
    flex: 1;
    overflow: auto;
    padding: 0 8px 8px;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    display: flex;
    align-items: center;
  }
  h2 {
    margin: 16px 8px 4px;
    font-size: 12px;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.5px;
    color: var(--_muted);
  }
  .view {
    flex: 1;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    min-height: 32px;
    padding: 4px 8px;
    border: 0;
    border-radius: 6px;
    background: transparent;
    color: var(--_fg);
    text-align: start;
  }
  .rename {
    flex: 1;
    display: flex;
    align-items: center;
    gap: 4px;
  }
  .rename input {
    flex: 1;
    min-width: 0;
  }
  .renaming {
    flex-wrap: wrap;
  }
  .renaming .error {
    flex-basis: 100%;
    margin: 0;
  }
  .view:hover {
    background: var(--_surface-2);
  }
  .view[aria-current='page'] {
    background: var(--_accent-soft);
    font-weight: 600;
  }
  .count {
    font-variant-numeric: tabular-nums;
    font-size: 12px;
    color: var(--_muted);
  }
  .footer {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 10px 12px;
    border-top: 1px solid var(--_border);
  }
  .avatar {
    position: relative;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    flex: none;
    width: 32px;
    height: 32px;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-fg);
    font-size: 12px;
    font-weight: 600;
  }
  .avatar::after {
    content: '';
    position: absolute;
    right: -1px;
    bottom: -1px;
    width: 10px;
    height: 10px;
    border: 2px solid var(--_surface);
    border-radius: 50%;
    background: var(--_muted);
  }
  .avatar.available::after {
    background: var(--_success);
  }
  .who {
    flex: 1;
    min-width: 0;
    display: grid;
  }
  .who .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }
  .switch {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 0;
    border: 0;
    background: transparent;
    color: var(--_muted);
    font-size: 12px;
  }
  .track {
    position: relative;
    width: 28px;
    height: 16px;
    border-radius: 8px;
    background: var(--_border);
  }
  .track::after {
    content: '';
    position: absolute;
    top: 2px;
    left: 2px;
    width: 12px;
    height: 12px;
    border-radius: 50%;
    background: var(--_bg);
    transition: transform 0.15s;
  }
  .switch[aria-checked='true'] .track {
    background: var(--_success);
  }
  .switch[aria-checked='true'] .track::after {
    transform: translateX(12px);
  }
  @media (forced-colors: active) {
    .track {
      forced-color-adjust: none;
      border: 1px solid CanvasText;
      background: Canvas;
    }
    .track::after {
      top: 1px;
      left: 1px;
      background: CanvasText;
    }
    .switch[aria-checked='true'] .track {
      border-color: Highlight;
      background: Highlight;
    }
    .switch[aria-checked='true'] .track::after {
      background: HighlightText;
    }
    .view[aria-current='page'] {
      outline: 2px solid Highlight;
      outline-offset: -2px;
    }
  }
`;
