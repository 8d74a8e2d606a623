import { css } from 'lit';

export const shortcutsDialogStyles = css`
  :host {
    display: contents;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 8px 16px;
    margin: 0;
  }
  dt {
    text-align: end;
  }
  kbd {
    display: inline-block;
    min-width: 24px;
    padding: 1px 6px;
    border: 1px solid var(--_border);
    border-bottom-width: 2px;
    border-radius: 4px;
    background: var(--_surface);
    font-family: inherit;
    font-size: 12px;
    text-align: center;
  }
  dd {
    margin: 0;
  }
  .switch {
    display: flex;
    gap: 8px;
    align-items: center;
    margin-top: 16px;
  }
`;
