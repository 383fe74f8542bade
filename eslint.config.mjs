import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The engine is a pure library: no editor, no HTTP, no disk.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'vscode',
            'express',
            'fs',
            'node:fs',
            'fs/promises',
            'node:fs/promises',
            'http',
            'node:http',
            'https',
            'node:https',
            'net',
            'node:net',
            'sql.js',
          ],
          patterns: ['../store/*', '../proxy/*', '../extension/*', '../mcp/*', '../learn/*', '../cli/*'],
        },
      ],
    },
  },
  {
    // LangChain users get the engine alone: no editor, no disk store, no HTTP server.
    files: ['src/langchain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', 'express', 'sql.js'],
          patterns: ['../store/*', '../proxy/*', '../extension/*', '../mcp/*', '../learn/*', '../cli/*'],
        },
      ],
    },
  },
  {
    // Everything but the extension runs outside VS Code (CLI, forked proxy, MCP server).
    files: [
      'src/store/**/*.ts',
      'src/proxy/**/*.ts',
      'src/mcp/**/*.ts',
      'src/learn/**/*.ts',
      'src/embeddings/**/*.ts',
      'src/cli/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode'], patterns: ['../extension/*', '../../extension/*'] }],
    },
  },
  {
    // The panel runs in a browser sandbox and shared code runs on both sides: no editor, no Node,
    // and only the types of server-side modules.
    files: ['webview-ui/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            { group: ['node:*', 'fs', 'http', 'express', 'sql.js'], message: 'The webview has no Node.' },
            {
              group: [
                '**/src/extension/*',
                '**/src/store/*',
                '**/src/proxy/*',
                '../extension/*',
                '../store/*',
                '../proxy/*',
              ],
              allowTypeImports: true,
              message: 'Only types cross into the webview.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
