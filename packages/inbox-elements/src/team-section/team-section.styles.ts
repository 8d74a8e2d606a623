import { css } from 'lit';

export const teamSectionStyles = css`
  :host {
    display: block;
  }
  section {
    display: grid;
    gap: 8px;
  }
  h3,
  h4 {
    margin: 0;
    font-size: 1em;
  }
  h3:focus {
    outline: none;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    padding: 6px 4px;
    border-bottom: 1px solid var(--_border);
    text-align: start;
    vertical-align: top;
  }
  thead th {
    font-weight: 600;
  }
  tbody th {
    font-weight: normal;
  }
  .muted {
    display: block;
    color: var(--_muted);
    overflow-wrap: anywhere;
  }
  .row-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .link {
    display: flex;
    gap: 8px;
    align-items: flex-end;
  }
  .link .field {
    flex: 1;
  }
  form {
    display: grid;
    gap: 8px;
    padding: 8px 12px;
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  form .actions {
    display: flex;
    justify-content: flex-end;
  }
`;
