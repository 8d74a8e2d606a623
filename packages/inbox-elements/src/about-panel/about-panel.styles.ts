import { css } from 'lit';

export const aboutPanelStyles = css`
  :host {
    display: block;
    height: 100%;
    overflow: auto;
    background: var(--_surface);
    border-inline-start: 1px solid var(--_border);
  }
  h2 {
    margin: 0;
    padding: 12px 16px;
    font-size: 14px;
    border-bottom: 1px solid var(--_border);
  }
  section {
    border-bottom: 1px solid var(--_border);
  }
  h3 {
    margin: 0;
    font-size: 13px;
  }
  h3 button {
    display: flex;
    align-items: center;
    justify-content: space-between;
    width: 100%;
    min-height: 40px;
    padding: 8px 16px;
    border: 0;
    background: transparent;
    color: var(--_fg);
    font-weight: 600;
    text-align: start;
  }
  h3 button .icon {
    transition: transform 0.15s;
  }
  h3 button[aria-expanded='false'] .icon {
    transform: rotate(-90deg);
  }
  .body {
    padding: 0 16px 12px;
  }
  .row {
    display: flex;
    align-items: center;
    gap: 8px;
    justify-content: space-between;
  }
  .record-name {
    padding: 0;
    border: 0;
    background: none;
    color: var(--_accent);
    font-weight: 600;
    text-align: start;
    text-decoration: underline;
    overflow-wrap: anywhere;
  }
  dl {
    display: grid;
    grid-template-columns: minmax(80px, auto) 1fr;
    gap: 4px 8px;
    margin: 8px 0;
    font-size: 13px;
  }
  dt {
    color: var(--_muted);
    overflow-wrap: anywhere;
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  ul.items {
    display: grid;
    gap: 4px;
    margin: 0;
    padding: 0;
    list-style: none;
    font-size: 13px;
  }
  ul.items .record-name {
    font-weight: 400;
  }
  .muted {
    color: var(--_muted);
    font-size: 13px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-top: 8px;
  }
  form {
    margin-top: 8px;
  }
  form input {
    width: 100%;
  }
  .pair {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 6px;
  }
  .anchor {
    position: relative;
  }
  .error {
    font-size: 12px;
  }
`;
