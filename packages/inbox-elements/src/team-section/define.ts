// Loaded by the settings panel on first use, so the Team section stays out of the first paint.
import { defineOnce } from '../shared/define-once.js';
import { ConfabTeamSection } from './team-section.js';

defineOnce('confab-team-section', ConfabTeamSection);

declare global {
  interface HTMLElementTagNameMap {
    'confab-team-section': ConfabTeamSection;
  }
}
