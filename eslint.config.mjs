import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import jest from 'eslint-plugin-jest';
import globals from 'globals';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/vite.config.*.timestamp*', '**/test-output', '.data'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            { sourceTag: 'scope:moderation', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:mistral', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:moderation'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            {
              sourceTag: 'scope:dashboard',
              onlyDependOnLibsWithTags: ['scope:moderation', 'scope:contracts'],
            },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['type:lib'] },
            // Browser tests may use the domain library's generated data (waves), nothing else.
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:moderation'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/jest.config.*', '**/vite.config.*', '**/*.mjs'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // The root scripts are plain JavaScript run by Node: nothing else catches a name used but
    // never defined before they run (a bench found one half an hour in).
    files: ['tools/**/*.mjs'],
    languageOptions: { globals: globals.node },
    rules: { 'no-undef': 'error' },
  },
  {
    // A test that cannot fail is worse than none: an unawaited async expect, an assertion
    // skipped by a branch, a test with no assertion. toEqual ignores undefined items and
    // properties, so a lookup that returns a removed row as undefined passes it.
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/*.integration-spec.ts', '**/*.e2e-spec.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/prefer-strict-equal': 'error',
      // supertest's `.expect(status)` asserts too.
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', '**.expect'] }],
      'jest/no-standalone-expect': ['error', { additionalTestBlockFunctions: ['withLocalBroker'] }],
    },
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  prettier,
];
