// Lint: typescript-eslint recommended, plus two layering rules:
// - the workflow sandbox rule: code under workflows/ must not reach I/O (Node
//   builtins, DB, HTTP, activity implementations). Workflows import activities
//   only as types.
// - use cases do not speak HTTP: services, the store, activities and workflows
//   run in requests, schedules and scripts alike, so none of them imports
//   src/api, not even a type (they throw DomainError codes; src/api maps them).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_MODULES = ['mongoose', 'mongodb', 'express', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'child_process', 'crypto', 'os', 'path'];

// Any relative path into src/api: '../api/problem', '../src/api/auth', '../../api'.
const NO_HTTP_LAYER = {
  regex: '^(\\.{1,2}/)+(src/)?api(/|$)',
  message: 'use cases, the store, activities and workflows must not import src/api (not even types): throw a DomainError and let src/api map its code to a status; shared types belong in src/domain, src/contracts or the service',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', 'jest.config.js', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/services/**/*.ts', 'src/db/**/*.ts', 'activities/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_HTTP_LAYER] }] },
  },
  {
    // Workflows, domain and contracts: no I/O, adapters only as types, and no src/api at all.
    files: ['workflows/**/*.ts', 'src/domain/**/*.ts', 'src/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: IO_MODULES, message: 'workflow and domain code must stay deterministic and free of I/O' },
            { group: ['**/activities', '**/activities/*', '**/db/*', '**/services/*'], allowTypeImports: true, message: 'import activities/adapters only as types' },
            NO_HTTP_LAYER,
          ],
        },
      ],
    },
  },
  {
    // The web app is a client of the API: it may share pure schemas, contracts and domain rules, never the server's I/O.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['mongoose', 'mongodb', 'express', 'pino', '@temporalio/*', 'node:*'], message: 'the browser bundle must not import server modules' },
            { group: ['**/services/*', '**/db/*', '**/activities/*', '**/workflows/*', '**/worker/*'], allowTypeImports: true, message: 'import server code only as types' },
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
