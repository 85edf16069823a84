import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// src-shared runs in the renderer, workers, main and the CLI: it may import nothing from Node,
// Electron or the DOM-only layers. (tsconfig.shared.json also compiles it without DOM or Node types.)
const forbiddenInShared = [
  ...builtinModules.flatMap((m) => [m, `node:${m}`]),
  'electron',
];

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'artifacts/', 'training/', 'build/', 'resources/', 'tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInShared.map((name) => ({ name, message: 'src-shared is pure: no Node or Electron imports' })),
          patterns: [
            { group: ['**/src-main/**', '**/src-renderer/**', '**/src-preload/**'], message: 'src-shared imports only from src-shared' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname', 'navigator'],
    },
  },
);
