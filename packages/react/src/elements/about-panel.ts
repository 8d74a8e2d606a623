import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabAboutPanel as AboutPanelElement } from '@confab/inbox-elements';
import { OPEN_RECORD, SELECT_CONVERSATION } from '../events.js';
// Registers <confab-about-panel> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/about-panel.js';

/** The contact, company and records beside a conversation. */
export const ConfabAboutPanel = createComponent({
  react: React,
  tagName: 'confab-about-panel',
  elementClass: AboutPanelElement,
  displayName: 'ConfabAboutPanel',
  events: { ...OPEN_RECORD, ...SELECT_CONVERSATION },
});
