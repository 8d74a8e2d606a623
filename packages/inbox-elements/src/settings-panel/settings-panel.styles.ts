import { css } from 'lit';

export const settingsPanelStyles = css`
  :host {
    display: grid;
    gap: 16px;
  }
  .muted {
    margin: 0;
    color: var(--_muted);
  }
  form {
    display: grid;
    gap: 8px;
  }
  fieldset {
    margin: 0;
    padding: 8px 12px 4px;
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  legend {
    padding: 0 4px;
    font-weight: 600;
  }
  input:not([type='radio']):not([type='checkbox']):not([type='color']),
  textarea {
    width: 100%;
  }
  textarea {
    min-height: 64px;
    resize: vertical;
  }
  .choice {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-bottom: 8px;
  }
  input[type='color'] {
    width: 48px;
    height: 32px;
    padding: 2px;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
  }
  .actions {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 8px;
  }
  .status {
    color: var(--_success);
  }
`;
