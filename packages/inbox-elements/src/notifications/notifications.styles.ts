import { css } from 'lit';

export const notificationsStyles = css`
  :host {
    display: inline-block;
  }
  .bell {
    position: relative;
  }
  .badge {
    position: absolute;
    top: 0;
    inset-inline-end: 0;
    min-width: 16px;
    padding: 0 4px;
    border-radius: 8px;
    background: var(--_accent);
    color: var(--_accent-fg);
    font-size: 11px;
    line-height: 16px;
    text-align: center;
  }
  .items {
    display: grid;
    gap: 4px;
    margin: 0 0 12px;
    padding: 0;
    list-style: none;
  }
  .item {
    display: grid;
    gap: 2px;
    width: 100%;
    padding: 8px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: transparent;
    color: var(--_fg);
    text-align: start;
  }
  .item:hover {
    background: var(--_surface-2);
  }
  .when,
  .muted {
    color: var(--_muted);
  }
  .muted {
    margin: 0 0 12px;
  }
  fieldset {
    margin: 0;
    padding: 8px 12px;
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  legend {
    padding: 0 4px;
    font-weight: 600;
  }
  .choice {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-bottom: 6px;
  }
  .error {
    margin: 0;
  }
  @media (forced-colors: active) {
    .badge {
      border: 1px solid CanvasText;
    }
  }
`;
