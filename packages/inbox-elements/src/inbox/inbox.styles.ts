import { css } from 'lit';

// One pane at a time (`one-pane`, WCAG 1.4.10): each pane takes the whole inbox; the thread may be
// taller than the inbox, which then scrolls vertically, so nothing is clipped.
export const inboxStyles = css`
  :host {
    display: block;
    position: relative;
    height: var(--confab-inbox-height, 100%);
    min-height: 400px;
    overflow: hidden;
    background: var(--_bg);
  }
  .layout {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    height: 100%;
    min-height: 0;
  }
  .left {
    display: grid;
    grid-template-columns: var(--confab-sidebar-width, 220px) var(--confab-list-width, 380px);
    min-height: 0;
    border-inline-end: 1px solid var(--_border);
  }
  .list-column {
    display: flex;
    flex-direction: column;
    min-height: 0;
    min-width: 0;
  }
  /* Room for the notifications button before its code has loaded, so nothing moves when it has. */
  confab-notifications:not(:defined) {
    display: inline-block;
    width: 32px;
    height: 32px;
  }
  confab-conversation-list {
    flex: 1;
    min-height: 0;
  }
  .center {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
  }
  confab-thread {
    flex: 1;
    min-height: 0;
  }
  .right {
    width: var(--confab-about-width, 300px);
    min-height: 0;
  }
  [hidden] {
    display: none !important;
  }
  .settings-body {
    max-height: min(70vh, 640px);
    overflow: auto;
  }
  :host([one-pane]) {
    overflow-x: hidden;
    overflow-y: auto;
  }
  :host([one-pane]) .layout {
    display: block;
  }
  :host([one-pane]) .left {
    grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
    height: 100%;
    border: 0;
  }
  :host([one-pane]) confab-view-list {
    overflow-y: auto;
  }
  :host([one-pane]) .center {
    min-height: max(100%, 480px);
    height: auto;
  }
  :host([one-pane]) .right {
    display: flex;
    flex-direction: column;
    width: auto;
    height: 100%;
  }
  :host([one-pane]) .right confab-about-panel {
    flex: 1;
    min-height: 0;
  }
  .right .back {
    align-self: flex-start;
    margin: 8px;
  }
  @media (max-width: 1100px) {
    .left {
      grid-template-columns: 180px 320px;
    }
    .right {
      width: 260px;
    }
  }
`;
