import { css } from 'lit';

export const labelSettingsStyles = css`
  :host {
    display: block;
  }
  section {
    display: grid;
    gap: 8px;
  }
  h3 {
    margin: 0;
    font-size: 1em;
  }
  .muted {
    margin: 0;
    color: var(--_muted);
  }
  .labels {
    display: grid;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .labels li,
  form.edit {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  fieldset {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 8px;
    margin: 0;
    padding: 8px 12px;
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  legend {
    padding: 0 4px;
    font-weight: 600;
  }
  .field {
    display: grid;
    gap: 2px;
  }
  input[type='color'] {
    width: 44px;
    min-height: 32px;
    padding: 2px;
  }
  .status {
    color: var(--_success);
  }
`;
