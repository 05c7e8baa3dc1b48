/** Browser end-to-end: the whole stack started by tools/start.mjs, driven in Debian's Chromium. */
module.exports = {
  displayName: 'dashboard-e2e',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  // The generated waves the waves spec sends come from the domain library.
  moduleNameMapper: { '^@sieve/moderation$': '<rootDir>/../../libs/moderation/src/index.ts' },
  globalSetup: '<rootDir>/src/support/global-setup.mjs',
  globalTeardown: '<rootDir>/src/support/global-teardown.mjs',
  testTimeout: 90_000,
};
