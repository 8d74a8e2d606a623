// Lint: typescript-eslint's recommended rules, plus the Lit and web-components plugins for the
// element packages. Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.data/**', '**/*.d.ts', 'test-results/**', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.mocha } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Chai's property assertions (`expect(x).to.exist`) are expressions by design.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['packages/inbox-elements/src/**/*.ts', 'packages/chat-widget/src/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    // Core is the only read model (DESIGN §3): elements ask core's selectors, never engine state.
    files: [
      'packages/inbox-elements/src/**/*.ts',
      'packages/chat-widget/src/**/*.ts',
      'packages/element-kit/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts', '**/test/**', '**/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='state'][object.property.name='store']",
          message: 'Read the replica with store methods or store.read(selector), never store.state (DESIGN §3).',
        },
        {
          selector: "MemberExpression[property.name='state'][object.name='store']",
          message: 'Read the replica with store methods or store.read(selector), never store.state (DESIGN §3).',
        },
      ],
    },
  },
  {
    files: ['packages/inbox-elements/src/**/*.ts', 'packages/chat-widget/src/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
);
