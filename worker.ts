import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { loadEnv, type Env } from './common/env';
import { createLogger } from './common/logger';
import { TASK_QUEUE } from './common/names';
import { openResources, type Resources } from './common/resources';
import { installRuntime } from './common/runtime';

export interface WorkerOptions {
  env: Env;
  resources: Resources;
  connection: NativeConnection;
  taskQueue?: string;
}

/** Builds a worker whose activities get their connections injected (tests pass their own). */
export function createWorker({ env, resources, connection, taskQueue = TASK_QUEUE }: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities(resources),
  });
}

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, { component: 'worker' });
  installRuntime(logger, 'INFO');
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const resources = await openResources(env);
  try {
    const worker = await createWorker({ env, resources, connection });
    logger.info({ taskQueue: TASK_QUEUE, temporal: env.TEMPORAL_ADDRESS }, 'worker started');
    // Worker.run() returns after SIGINT/SIGTERM once running tasks have finished (the SDK's shutdown signals).
    await worker.run();
  } finally {
    await resources.close();
    await connection.close();
    logger.info('worker stopped');
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
