import path from 'node:path';

/**
 * Tests run on a stack of their own (ports and data folder apart from `npm run dev`'s),
 * so a test run never touches a developer's data. Explicit environment wins.
 */
const TEST_DEFAULTS: Record<string, string> = {
  STACK_DATA_DIR: path.resolve(__dirname, '..', '..', '.data', 'test'),
  STACK_PG_PORT: '55432',
  STACK_TEMPORAL_PORT: '7244',
  STACK_TEMPORAL_UI_PORT: '8244',
  STACK_FERRETDB_PORT: '27028',
  LOG_LEVEL: 'warn',
  // worker processes of concurrent test runs would all claim the default metrics port
  METRICS_BIND_ADDRESS: 'off',
};

for (const [name, value] of Object.entries(TEST_DEFAULTS)) process.env[name] ??= value;
