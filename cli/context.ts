import type { Client } from '@temporalio/client';
import { ConfigError, loadEnv, type Env } from '../common/env';
import { connectClient } from '../common/temporal-client';
import { CliError, EXIT } from './errors';

export function cliEnv(): Env {
  try {
    return loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/** Runs `fn` with a Temporal client; a server that cannot be reached is one clear error (exit 3). */
export async function withClient<T>(env: Env, fn: (client: Client) => Promise<T>): Promise<T> {
  let client: Client;
  try {
    client = await connectClient(env);
  } catch (error) {
    throw new CliError(
      `cannot reach the Temporal server at ${env.TEMPORAL_ADDRESS} (set TEMPORAL_ADDRESS)`,
      EXIT.unreachable,
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}
