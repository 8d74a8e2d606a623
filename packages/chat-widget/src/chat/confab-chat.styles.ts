import { css } from 'lit';

/**
 * In forced colours (high contrast) the window's shadow and the bubbles' backgrounds are dropped;
 * borders draw them.
 *
 * Pixel units only (a host page's `html { font-size: 62.5% }` must not shrink us) and nothing
 * inherited from the page: `all: initial` on the host, then our own font and colours.
 */
export const chatStyles = css`
  :host {
    all: initial;
    /* Namespaced: a page's @property registration is document-wide and would retype a --_accent. */
    --_confab-accent: var(--confab-color, #2f5bea);
    --_confab-text: #1f2330;
    --_confab-muted: #596070;
    --_confab-line: #dfe3ea;
    --_confab-team: #eef1f6;
    position: absolute;
    bottom: 72px;
    right: 0;
    display: block;
    font:
      14px/1.45 system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Helvetica Neue',
      Arial,
      sans-serif;
    color: var(--_confab-text);
    -webkit-font-smoothing: antialiased;
    /* all: initial leaves direction alone: a right-to-left page must not mirror our (LTR) languages. */
    direction: ltr;
  }
  :host([position='left']) {
    right: auto;
    left: 0;
  }
  :host([inline]) {
    position: relative;
    bottom: auto;
    height: 100%;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  .window {
    display: flex;
    flex-direction: column;
    width: 370px;
    height: 600px;
    max-height: calc(100vh - 110px);
    background: #fff;
    border-radius: 16px;
    box-shadow: 0 12px 40px rgba(15, 20, 40, 0.25);
    overflow: hidden;
  }
  :host([inline]) .window {
    width: 100%;
    height: 100%;
    min-height: 360px;
    max-height: none;
    box-shadow: none;
    border: 1px solid var(--_confab-line);
  }
  /* A phone: the whole screen, or what the on-screen keyboard leaves of it (the visual viewport,
     followed by the widget: visual-viewport.ts); 100dvh where visualViewport is missing. */
  @media (max-width: 480px) {
    :host(:not([inline])) {
      position: fixed;
      left: 0;
      right: 0;
      top: var(--confab-visible-top, 0px);
      bottom: auto;
      height: 100vh;
      height: var(--confab-visible-height, 100dvh);
    }
    :host(:not([inline])) .window {
      width: 100%;
      height: 100%;
      max-height: none;
      border-radius: 0;
    }
  }
  .header {
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 14px 12px 14px 18px;
    background: var(--_confab-accent);
    color: #fff;
  }
  .heading {
    flex: 1;
    min-width: 0;
  }
  h2 {
    margin: 0;
    font-size: 17px;
    font-weight: 650;
    line-height: 1.3;
  }
  .availability {
    margin: 2px 0 0;
    font-size: 13px;
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 4px;
    background: #c5cad3;
  }
  [data-availability='available'] .dot {
    background: #3ddc84;
  }
  [data-availability='away'] .dot {
    background: #ffb020;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button.icon {
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    padding: 0;
    border: 0;
    border-radius: 18px;
    background: transparent;
    color: #fff;
  }
  button.icon:hover {
    background: rgba(255, 255, 255, 0.18);
  }
  svg {
    width: 20px;
    height: 20px;
    fill: currentColor;
  }
  :focus-visible {
    outline: 3px solid var(--_confab-accent);
    outline-offset: 2px;
  }
  .header :focus-visible {
    outline-color: #fff;
  }
  .banner {
    margin: 0;
    padding: 8px 18px;
    background: #fff4e0;
    color: #6b4600;
    font-size: 13px;
  }
  .messages,
  .history {
    flex: 1;
    overflow-y: auto;
    padding: 16px;
    overscroll-behavior: contain;
  }
  .welcome {
    margin: 0 0 12px;
    padding: 10px 14px;
    background: var(--_confab-team);
    border-radius: 14px 14px 14px 4px;
    max-width: 85%;
  }
  ol,
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  @media (forced-colors: active) {
    .window,
    .text {
      border: 1px solid CanvasText;
    }
    .header {
      border-bottom: 1px solid CanvasText;
    }
    .own .text {
      border-color: Highlight;
    }
  }
  .message {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    margin: 0 0 12px;
  }
  .message.own {
    align-items: flex-end;
  }
  .author {
    font-size: 12px;
    color: var(--_confab-muted);
    margin: 0 4px 2px;
  }
  .own .author {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  .text {
    margin: 0;
    padding: 10px 14px;
    max-width: 85%;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    background: var(--_confab-team);
    border-radius: 14px 14px 14px 4px;
  }
  .own .text {
    background: var(--_confab-accent);
    color: #fff;
    border-radius: 14px 14px 4px 14px;
  }
  .own[data-delivery='queued'] .text,
  .own[data-delivery='sending'] .text {
    opacity: 0.75;
  }
  .own[data-delivery='failed'] .text {
    background: #fde8ea;
    color: var(--_confab-text);
    outline: 1px solid #c8102e;
  }
  .text a {
    color: inherit;
    text-decoration: underline;
  }
  .meta {
    margin: 3px 4px 0;
    font-size: 12px;
    color: var(--_confab-muted);
  }
  .typing {
    margin: 0 0 12px;
    font-size: 13px;
    color: var(--_confab-muted);
    font-style: italic;
  }
  .quick-replies {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin: 0 0 12px;
  }
  .quick-replies button {
    padding: 7px 12px;
    border: 1px solid var(--_confab-accent);
    border-radius: 16px;
    background: #fff;
    color: var(--_confab-accent);
  }
  .notice,
  .empty {
    color: var(--_confab-muted);
    font-size: 13px;
    text-align: center;
  }
  .away {
    margin: 0 0 12px;
    padding: 12px 14px;
    border: 1px solid var(--_confab-line);
    border-radius: 12px;
  }
  .away p {
    margin: 0 0 8px;
  }
  .away .saved {
    margin: 0;
    color: var(--_confab-muted);
  }
  label {
    display: block;
    font-size: 13px;
    font-weight: 600;
    margin: 0 0 4px;
  }
  input,
  textarea {
    font: inherit;
    color: var(--_confab-text);
    background: #fff;
    border: 1px solid #8a91a0;
    border-radius: 8px;
    padding: 8px 10px;
    width: 100%;
    min-width: 0;
  }
  .row {
    display: flex;
    gap: 8px;
  }
  button.primary {
    padding: 8px 14px;
    border: 0;
    border-radius: 8px;
    background: var(--_confab-accent);
    color: #fff;
    font-weight: 600;
    white-space: nowrap;
  }
  button.link {
    margin: 2px 4px 0;
    padding: 0;
    border: 0;
    background: none;
    color: #a30d25;
    text-decoration: underline;
    font-size: 12px;
  }
  .composer {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 8px;
    padding: 10px 12px;
    border-top: 1px solid var(--_confab-line);
  }
  .composer textarea {
    flex: 1;
    resize: none;
    max-height: 120px;
    field-sizing: content;
  }
  .composer .icon {
    flex: none;
    color: var(--_confab-text);
  }
  button.send {
    flex: none;
    display: grid;
    place-items: center;
    width: 40px;
    height: 40px;
    border: 0;
    border-radius: 20px;
    background: var(--_confab-accent);
    color: #fff;
  }
  h3 {
    margin: 0 0 12px;
    font-size: 15px;
  }
  .history li {
    margin: 0 0 8px;
  }
  .thread {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    width: 100%;
    padding: 10px 12px;
    border: 1px solid var(--_confab-line);
    border-radius: 10px;
    background: #fff;
    text-align: left;
  }
  .thread .preview {
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .thread .meta {
    margin: 2px 0 0;
  }
  .history .primary {
    margin-top: 8px;
    width: 100%;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
