// Lint: typescript-eslint recommended, plus the workflow sandbox rule:
// code under workflows/ must not reach I/O (Node builtins, DB, HTTP, activity
// implementations). Workflows import activities only as types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_MODULES = ['mongoose', 'mongodb', 'express', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'child_process', 'crypto', 'os', 'path'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts', 'src/domain/**/*.ts', 'src/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: IO_MODULES, message: 'workflow and domain code must stay deterministic and free of I/O' },
            { group: ['**/activities', '**/activities/*', '**/db/*', '**/api/*', '**/services/*'], allowTypeImports: true, message: 'import activities/adapters only as types' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
