import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: it may import only the workflow SDK,
// type-only activity imports and pure modules of ours (all under workflows/, no Node imports there).
const workflowSandbox = {
  files: ['workflows/**/*.ts'],
  rules: {
    '@typescript-eslint/consistent-type-imports': 'error',
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https'],
            message: 'Node modules are not allowed in workflow code.',
          },
          {
            group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pg', 'mongodb', 'pino'],
            message: 'Only @temporalio/workflow and pure helpers are allowed in workflow code.',
          },
          {
            group: ['**/activities', '**/activities/**'],
            allowTypeImports: true,
            message: 'Import activities as types only (proxyActivities).',
          },
          {
            regex: '^(\\.\\.?/)+(common|cli|schedules|stack|dataset|scripts|bench)(/|$)|^(\\.\\.?/)+pipelines$',
            message: 'Workflow code must stay deterministic: only workflows/ modules, no Node-side code.',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Type-aware rules on all code: a promise nobody awaits loses its error (and, in a workflow, its ordering).
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  workflowSandbox,
  prettier,
);
