import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabViewList as ViewListElement } from '@confab/inbox-elements';
import { VIEW_LIST_EVENTS } from '../events.js';
// Registers <confab-view-list> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/view-list.js';

/** The views with their live counts (V1–V12 and saved views). */
export const ConfabViewList = createComponent({
  react: React,
  tagName: 'confab-view-list',
  elementClass: ViewListElement,
  displayName: 'ConfabViewList',
  events: VIEW_LIST_EVENTS,
});
