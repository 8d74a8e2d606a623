// Core is the only read model (DESIGN §3): the element packages pass ESLint, whose config forbids
// reading `store.state`, so `npm test` fails when an element reads engine state again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const ELEMENT_SOURCES = ['packages/inbox-elements/src', 'packages/chat-widget/src', 'packages/element-kit/src'];

for (const sources of ELEMENT_SOURCES) {
  test(`DESIGN §3 an element that reads store.state is refused by the lint rule (${sources})`, async () => {
    const [result] = await eslint.lintText(
      'export const names = (client) => [...client.store.state.agents.values()];\n',
      {
        filePath: `${root}${sources}/example.ts`,
      },
    );
    assert.deepEqual(
      result.messages.map((message) => message.ruleId),
      ['no-restricted-syntax'],
    );
    assert.match(result.messages[0].message, /store\.read\(selector\)/);
  });
}

test('DESIGN §3 the element packages read the replica only through core selectors (ESLint clean)', async () => {
  const results = await eslint.lintFiles(ELEMENT_SOURCES);
  const problems = results.flatMap((result) =>
    result.messages.map((message) => `${result.filePath.slice(root.length)}:${message.line} ${message.message}`),
  );
  assert.deepEqual(problems, []);
  assert.ok(results.length > 50, `linted ${results.length} files`);
});
