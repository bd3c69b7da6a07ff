import './test-env';
import { loadEnv } from '../../common/env';
import { stopStack } from '../../stack';

/** KEEP_STACK=1 leaves the test stack up, so repeated local runs start in a second. */
export default async function globalTeardown(): Promise<void> {
  if (process.env.KEEP_STACK === '1') return;
  await stopStack(loadEnv());
}
