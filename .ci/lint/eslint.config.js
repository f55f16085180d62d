// ESLint for Facteur's TypeScript: `npm run lint` runs it after Prettier, from the repository's root.
// It lives in a package of its own because typescript-eslint loads TypeScript 6's compiler API, which the
// project's own compiler (TypeScript 7, native) no longer ships: this folder, a package of its own, holds that copy.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['vitest.config.ts', 'dist/**', 'data/**', 'node_modules/**', '.ci/lint/node_modules/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..') } },
    rules: {
      // Async mistakes are the ones a test run misses: a promise nobody awaits fails silently.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The local Discord API speaks Discord's JSON, whose payloads the tests read and write loosely, as the real API's clients do.
    files: ['test/peers/discord*.ts', 'test/discord*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
