import './test-env';
import { loadEnv } from '../../common/env';
import { startStack } from '../../stack';

export default async function globalSetup(): Promise<void> {
  const status = await startStack(loadEnv());
  const summary = Object.entries(status.services).map(([name, state]) => `${name} ${state}`);
  console.log(`\ntest stack: ${summary.join(', ')}; Web UI ${status.temporalUiUrl}`);
}
