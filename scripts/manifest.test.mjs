// The committed custom-elements.json of @confab/inbox-elements and @confab/chat-widget, and the
// tag map of @confab/react generated from them, are what the sources make today (stale = red).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { generate, REGENERATE } from './manifest.mjs';

const fresh = await generate();

describe('generated element manifests and types', () => {
  for (const [path, text] of Object.entries(fresh)) {
    it(`${path} is up to date`, () => {
      const committed = existsSync(path) ? readFileSync(path, 'utf8') : '(missing)';
      assert.ok(committed === text, `${path} differs from a fresh generation: run ${REGENERATE} and commit it`);
    });
  }

  it('names every element with its shipped module, and every event with its detail type', () => {
    for (const path of Object.keys(fresh).filter((file) => file.endsWith('custom-elements.json'))) {
      const manifest = JSON.parse(fresh[path]);
      const elements = manifest.modules.flatMap((module) =>
        module.declarations.filter((declaration) => declaration.customElement).map((element) => ({ module, element })),
      );
      assert.ok(elements.length > 0, `${path} lists elements`);
      for (const { module, element } of elements) {
        assert.match(module.path, /^dist\/.*\.js$/, `${element.tagName}: a shipped path`);
        for (const event of element.events ?? [])
          assert.match(event.type?.text ?? '', /^CustomEvent<.+>$/, `${element.tagName} ${event.name}: a detail type`);
      }
    }
  });
});
