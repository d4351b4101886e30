import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public/models', 'training', 'test-results', 'playwright-report', 'bench/results'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ['**/*.{ts,tsx}'],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser, ...globals.worker } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The page reaches the workers through one module: workers/protocol.ts (data, types and pure
    // functions), plus `import type` of a worker's API from its entry file.
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          {
            group: ['**/workers/**', '!**/workers/protocol', '!**/workers/*.worker'],
            message: 'The page imports the workers\' side through workers/protocol.ts only (add what it needs there, if it is data or a pure function).',
          },
          {
            group: ['**/workers/*.worker'],
            allowTypeImports: true,
            message: 'A worker entry file is loaded as a worker (new Worker(new URL(…))): import only its API type.',
          },
        ],
      }],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // Scripts that drive the browser: their page.evaluate callbacks run in the page.
    files: ['bench/**/*.mjs', 'scripts/screenshot.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
