import * as React from 'react';
import { createComponent } from '@lit/react';
import { ConfabSettingsPanel as SettingsPanelElement } from '@confab/inbox-elements';
// Registers <confab-settings-panel> and the parts it renders; an app that uses this part alone loads no other.
import '@confab/inbox-elements/define/settings-panel.js';

/** The inbox settings (I1). */
export const ConfabSettingsPanel = createComponent({
  react: React,
  tagName: 'confab-settings-panel',
  elementClass: SettingsPanelElement,
  displayName: 'ConfabSettingsPanel',
});
