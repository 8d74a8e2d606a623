import { css } from 'lit';

export const cannedResponsesStyles = css`
  :host {
    display: block;
  }
  section,
  form {
    display: grid;
    gap: 8px;
  }
  h3 {
    margin: 0;
    font-size: 1em;
  }
  h3:focus {
    outline: none;
  }
  .muted {
    margin: 0;
    color: var(--_muted);
  }
  fieldset {
    display: grid;
    gap: 4px;
    margin: 0;
    padding: 8px 12px;
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  legend {
    padding: 0 4px;
    font-weight: 600;
  }
  input,
  textarea {
    width: 100%;
  }
  textarea {
    min-height: 56px;
    resize: vertical;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: 8px;
  }
  .actions [part='add'] {
    margin-inline-end: auto;
  }
  .status {
    color: var(--_success);
  }
  ul {
    margin: 0;
    padding-inline-start: 20px;
  }
`;
