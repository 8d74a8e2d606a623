import { css } from 'lit';

export const composeDialogStyles = css`
  :host {
    display: contents;
  }
  input,
  textarea {
    width: 100%;
  }
  textarea {
    min-height: 160px;
    resize: vertical;
  }
  .attach {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    margin-right: auto;
  }
`;
