// Two tiers. `unit`: no server at all (no global setup, setup files only set defaults and quiet the SDK),
// seconds in all: `npm run test:unit`. `integration`: real servers, the test stack started by the global
// setup (and stopped by the teardown unless KEEP_STACK=1): `npm run test:integration`. `npm test` runs both.
/** ml-kmeans and the packages under it that ship ES modules only. */
const ESM_ONLY = '(ml-[a-z-]+|is-any-array)';

const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // ESM-only packages (ml-kmeans and its ml-* dependencies) compiled to CommonJS for jest's module system;
    // Node itself (worker, CLI) requires them as they are.
    [`^.+/node_modules/${ESM_ONLY}/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true }, isolatedModules: true }],
  },
  transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
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
