import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import { loadEnv, type Env } from './common/env';
import { createLogger } from './common/logger';
import { openResources, type Resources } from './common/resources';
import { installRuntime } from './common/runtime';
import { ensureSearchAttributes } from './common/register-search-attributes';

export interface WorkerOptions {
  env: Env;
  resources: Resources;
  connection: NativeConnection;
  taskQueue?: string;
}

/** Builds a worker whose activities get their connections injected (tests pass their own). */
export async function createWorker({
  env,
  resources,
  connection,
  taskQueue = env.TEMPORAL_TASK_QUEUE,
}: WorkerOptions): Promise<Worker> {
  await ensureSearchAttributes(connection.operatorService, env.TEMPORAL_NAMESPACE);
  return Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue,
    // A prebuilt bundle (npm run bundle-workflows) spares the worker webpack's time and ~70 MB of memory.
    ...(env.TEMPORAL_WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: env.TEMPORAL_WORKFLOW_BUNDLE } }
      : { workflowsPath: require.resolve('./workflows') }),
    activities: createActivities(resources),
  });
}

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, { component: 'worker' });
  installRuntime(logger, 'INFO', { metricsBindAddress: env.METRICS_BIND_ADDRESS });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const resources = await openResources(env);
  try {
    const worker = await createWorker({ env, resources, connection });
    logger.info(
      { taskQueue: env.TEMPORAL_TASK_QUEUE, temporal: env.TEMPORAL_ADDRESS, metrics: env.METRICS_BIND_ADDRESS },
      'worker started',
    );
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
