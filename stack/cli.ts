import { Command } from 'commander';
import { loadEnv } from '../common/env';
import { stackHealth, startStack, stopStack } from '.';

const program = new Command('stack').description('The local stack: PostgreSQL, Temporal dev server, FerretDB');

program.command('start').action(async () => {
  const status = await startStack(loadEnv());
  for (const [name, state] of Object.entries(status.services)) console.log(`${name}: ${state}`);
  console.log(`Temporal Web UI: ${status.temporalUiUrl}`);
});

program.command('stop').action(async () => {
  const stopped = await stopStack(loadEnv());
  console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
});

program.command('status').action(async () => {
  const health = await stackHealth(loadEnv());
  for (const [name, up] of Object.entries(health)) console.log(`${name}: ${up ? 'up' : 'down'}`);
});

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
