import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabFilterBar as FilterBarElement } from '@confab/inbox-elements';
import { FILTER_CHANGE } from '../events.js';
// Registers <confab-filter-bar> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/filter-bar.js';

/** The filter menu and search box of a list (F1–F3). */
export const ConfabFilterBar = createComponent({
  react: React,
  tagName: 'confab-filter-bar',
  elementClass: FilterBarElement,
  displayName: 'ConfabFilterBar',
  events: FILTER_CHANGE,
});
