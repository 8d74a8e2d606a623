import { css } from 'lit';

export const filterBarStyles = css`
  :host {
    display: block;
    padding: 8px 12px;
    border-bottom: 1px solid var(--_border);
    background: var(--_bg);
  }
  .row {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .search {
    position: relative;
    flex: 1;
    min-width: 0;
  }
  .search .icon {
    position: absolute;
    inset-inline-start: 8px;
    top: 8px;
    color: var(--_muted);
    pointer-events: none;
  }
  .search input {
    width: 100%;
    padding-inline-start: 30px;
  }
  .anchor {
    position: relative;
  }
  .anchor .menu {
    inset-inline-end: 0;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    list-style: none;
    margin: 8px 0 0;
    padding: 0;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    min-height: 24px;
    padding: 2px 6px 2px 10px;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_accent-soft);
    color: var(--_fg);
    font-size: 12px;
  }
  .chip .icon {
    width: 12px;
    height: 12px;
  }
  .link-button {
    border: 0;
    background: none;
    padding: 2px 4px;
    color: var(--_accent);
    font-size: 12px;
    text-decoration: underline;
  }
  form.save {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-top: 8px;
  }
  form.save input {
    flex: 1;
    min-width: 0;
  }
  .save-problem {
    flex-basis: 100%;
    margin: 0;
  }
  form.range {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 6px;
    margin-top: 8px;
  }
  form.range label {
    display: grid;
    gap: 2px;
    font-size: 13px;
  }
  form.range .error {
    flex-basis: 100%;
    margin: 0;
  }
`;
