import { css } from 'lit';

export const replyEditorStyles = css`
  :host {
    display: block;
    padding: 8px 12px 12px;
    background: var(--_bg);
  }
  [role='tablist'] {
    display: flex;
    gap: 4px;
    margin-bottom: 6px;
  }
  [role='tab'] {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-height: 30px;
    padding: 4px 10px;
    border: 1px solid transparent;
    border-radius: 6px;
    background: transparent;
    color: var(--_muted);
  }
  [role='tab'][aria-selected='true'] {
    border-color: var(--_border);
    background: var(--_surface);
    color: var(--_fg);
    font-weight: 600;
  }
  .box {
    position: relative;
  }
  textarea {
    display: block;
    width: 100%;
    min-height: 72px;
    max-height: 240px;
    resize: vertical;
  }
  :host([mode='comment']) textarea {
    background: var(--_comment-bg);
    border-color: var(--_comment-border);
  }
  .suggestions {
    position: absolute;
    bottom: 100%;
    inset-inline-start: 0;
    z-index: 10;
    min-width: 220px;
    margin: 0 0 4px;
    padding: 4px;
    list-style: none;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_bg);
    box-shadow: 0 8px 24px rgb(0 0 0 / 18%);
    max-height: 240px;
    overflow-y: auto;
  }
  .shortcut {
    color: var(--_muted);
  }
  .suggestions [role='option'] {
    padding: 6px 8px;
    border-radius: 4px;
    cursor: pointer;
  }
  .suggestions [aria-selected='true'] {
    background: var(--_accent-soft);
    outline: 2px solid var(--_focus);
    outline-offset: -2px;
  }
  @media (forced-colors: active) {
    .suggestions [aria-selected='true'] {
      outline-color: Highlight;
    }
    [role='tab'][aria-selected='true'] {
      border: 2px solid Highlight;
    }
  }
  .bottom {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    margin-top: 6px;
  }
  .hint {
    flex: 1;
    font-size: 12px;
    color: var(--_muted);
  }
  .blocked {
    margin: 6px 0 0;
    font-size: 13px;
    color: var(--_danger);
  }
  .pending {
    display: grid;
    gap: 4px;
    margin: 0 0 6px;
    padding: 0;
    list-style: none;
    font-size: 12px;
  }
  .pending li {
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--_muted);
  }
  .pending li.failed {
    color: var(--_danger);
  }
  .pending .button {
    min-height: 24px;
    padding: 0 8px;
    font-size: 12px;
  }
`;
