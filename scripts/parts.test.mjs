// The `::part` lists of packages/inbox-elements/src/shared/parts.ts, which <confab-inbox> re-exports,
// name exactly the parts each element renders (`part="…"` in its source) and documents (`@csspart`).
// A part added to a template and not to the list would be unreachable from outside the inbox.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ELEMENT_PARTS, partsOf } from '../packages/inbox-elements/dist/shared/parts.js';

const SOURCES = {
  'confab-view-list': 'view-list/view-list.ts',
  'confab-filter-bar': 'filter-bar/filter-bar.ts',
  'confab-conversation-list': 'conversation-list/conversation-list.ts',
  'confab-reply-editor': 'reply-editor/reply-editor.ts',
  // The element's template and the modules that draw parts of it.
  'confab-thread': ['thread/thread.ts', 'thread/delivery-status.ts'],
  'confab-about-panel': 'about-panel/about-panel.ts',
  'confab-compose-dialog': 'compose-dialog/compose-dialog.ts',
  'confab-settings-panel': 'settings-panel/settings-panel.ts',
  'confab-shortcuts-dialog': 'shortcuts-dialog/shortcuts-dialog.ts',
  'confab-team-section': 'team-section/team-section.ts',
  'confab-canned-responses': 'canned-responses/canned-responses.ts',
  'confab-bot-answers': 'bot-answers/bot-answers.ts',
  'confab-satisfaction-hours': 'satisfaction-hours/satisfaction-hours.ts',
  'confab-label-settings': 'label-settings/label-settings.ts',
  'confab-notifications': 'notifications/notifications.ts',
};

/** Part names in `part="…"` attributes: plain words, and the quoted words of a `${… ? 'a' : 'b'}`. */
function renderedParts(source) {
  const names = new Set();
  for (const [, value] of source.matchAll(/\bpart="([^"]*)"/g)) {
    for (const word of value.replace(/\$\{[^}]*\}/g, ' ').split(/\s+/)) if (word) names.add(word);
    for (const [, quoted] of value.matchAll(/'([a-z-]+)'/g)) names.add(quoted);
  }
  return names;
}

describe('the ::parts the inbox passes on', () => {
  it('every element has its entry in ELEMENT_PARTS', () => {
    assert.deepEqual(Object.keys(ELEMENT_PARTS).sort(), Object.keys(SOURCES).sort());
  });
  for (const [tag, files] of Object.entries(SOURCES)) {
    const file = [files].flat()[0];
    it(`${tag}: the list, the template and the @csspart docs name the same parts`, () => {
      const source = [files]
        .flat()
        .map((path) => readFileSync(`packages/inbox-elements/src/${path}`, 'utf8'))
        .join('\n');
      const listed = [...ELEMENT_PARTS[tag].parts].sort();
      assert.deepEqual([...renderedParts(source)].sort(), listed, `part="…" in ${file}`);
      const documented = [...source.matchAll(/@csspart ([a-z-]+)/g)].map((match) => match[1]);
      assert.deepEqual([...new Set(documented)].sort(), listed, `@csspart in ${file}`);
    });
  }

  it('docs/theming.md lists every name <confab-inbox> passes on', () => {
    const guide = readFileSync('docs/theming.md', 'utf8');
    for (const [tag, { prefix }] of Object.entries(ELEMENT_PARTS)) {
      if (tag === 'confab-reply-editor') continue; // passed on by the thread, as thread-editor-*
      // Passed on by the settings panel, as settings-team-*, settings-canned-*, settings-bot-answers-*,
      // settings-satisfaction-hours-* and settings-labels-*.
      if (
        [
          'confab-team-section',
          'confab-canned-responses',
          'confab-bot-answers',
          'confab-satisfaction-hours',
          'confab-label-settings',
        ].includes(tag)
      )
        continue;
      for (const part of partsOf(tag)) assert.ok(guide.includes(`\`${prefix}-${part}\``), `${prefix}-${part}`);
    }
  });
});
