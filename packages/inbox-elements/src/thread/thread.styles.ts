import { css } from 'lit';

export const threadStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    min-width: 0;
    height: 100%;
    background: var(--_bg);
  }
  header {
    border-bottom: 1px solid var(--_border);
    padding: 8px 12px;
    display: grid;
    gap: 8px;
  }
  .title-row,
  .actions {
    display: flex;
    align-items: center;
    gap: 8px;
    min-width: 0;
  }
  .actions {
    flex-wrap: wrap;
  }
  .actions .spacer {
    flex: 1;
  }
  h2 {
    flex: 1;
    min-width: 0;
    margin: 0;
    font-size: 16px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .anchor {
    position: relative;
  }
  .anchor.end .menu {
    inset-inline-end: 0;
  }
  .badge {
    padding: 1px 8px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    font-size: 12px;
    color: var(--_muted);
  }
  .ticket-link {
    font-weight: 600;
  }
  .reason {
    flex-basis: 100%;
    font-size: 12px;
    color: var(--_muted);
  }
  .banner {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 8px 12px;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border);
  }
  .banner p {
    flex: 1;
    margin: 0;
  }
  .sender-check {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin: 6px 0;
    padding: 6px 8px;
    border: 1px solid var(--_danger);
    border-radius: 6px;
  }
  .sender-check p {
    flex-basis: 100%;
    margin: 0;
  }
  .delivery {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin-top: 4px;
    font-size: 0.875em;
    color: var(--_muted);
  }
  .delivery.failed {
    color: var(--_danger);
  }
  .notice {
    margin: 0;
    padding: 6px 12px;
    color: var(--_danger);
  }
  .notice:empty {
    display: none;
  }
  .log {
    flex: 1;
    min-height: 0;
    overflow: auto;
    padding: 16px 12px;
  }
  .log > ol {
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  .message {
    max-width: min(640px, 85%);
    padding: 8px 12px;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_surface);
  }
  .message.outbound {
    align-self: flex-end;
    background: var(--_accent-soft);
  }
  .message.comment {
    align-self: stretch;
    max-width: none;
    background: var(--_comment-bg);
    border: 1px dashed var(--_comment-border);
    border-inline-start: 4px solid var(--_comment-border);
  }
  .message.sending {
    opacity: 0.75;
  }
  .message.system {
    align-self: center;
    border: 0;
    background: transparent;
    color: var(--_muted);
    font-size: 12px;
  }
  .labels {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin: 4px 0 0;
    padding: 0;
    list-style: none;
  }
  .message-head {
    display: flex;
    align-items: baseline;
    gap: 8px;
    margin-bottom: 4px;
    font-size: 12px;
    color: var(--_muted);
  }
  .author {
    font-weight: 600;
    color: var(--_fg);
  }
  .kind {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    font-weight: 600;
    color: var(--_fg);
  }
  .text {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  dl.headers {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0 8px;
    margin: 0 0 8px;
    font-size: 12px;
  }
  dl.headers dt {
    color: var(--_muted);
  }
  dl.headers dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .attachments {
    margin: 8px 0 0;
    padding: 0;
    list-style: none;
    font-size: 12px;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .attachments img {
    display: block;
    max-width: 100%;
    width: 240px;
    height: 180px;
    object-fit: contain;
    background: var(--_subtle, transparent);
    border-radius: 4px;
  }
  .attachments .file-meta {
    color: var(--_muted);
  }
  .message-actions {
    margin-top: 6px;
  }
  .collision {
    margin: 4px 0 0;
    font-size: 12px;
    color: var(--_muted);
  }
  .typing {
    min-height: 20px;
    padding: 0 12px;
    font-size: 12px;
    color: var(--_muted);
  }
  .empty {
    margin: auto;
    padding: 24px;
    color: var(--_muted);
  }
  confab-reply-editor {
    border-top: 1px solid var(--_border);
  }
`;
