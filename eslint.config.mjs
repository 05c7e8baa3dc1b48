import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
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
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  prettier,
];
