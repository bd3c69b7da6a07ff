// `npm run test:faults`: the long version of every fault test (test/integration/reliability/), then the
// table of what they saw: fault, trials, passed, rows checked, recovery time. Exits with jest's status.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { FAULT_RESULTS_DIR, faultTable, readFaultResults } from '../test/support/fault-results';

fs.rmSync(FAULT_RESULTS_DIR, { recursive: true, force: true });
const jest = spawnSync(
  'npx',
  [
    'jest',
    '--selectProjects',
    'integration',
    '--testPathPatterns',
    'test/integration/reliability/',
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, FAULTS_LONG: '1', WORKER_KILL_TRIALS: process.env.WORKER_KILL_TRIALS ?? '20' },
  },
);
console.log(`\nFault tests (${FAULT_RESULTS_DIR}):\n\n${faultTable(readFaultResults())}\n`);
process.exit(jest.status ?? 1);
