// Two tiers. `unit`: no server at all (no global setup, setup files only set defaults and quiet the SDK),
// seconds in all: `npm run test:unit`. `integration`: real servers, the test stack started by the global
// setup (and stopped by the teardown unless KEEP_STACK=1): `npm run test:integration`. `npm test` runs both.
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  setupFiles: ['<rootDir>/test/support/test-env.ts', '<rootDir>/test/support/quiet-sdk.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120_000,
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
