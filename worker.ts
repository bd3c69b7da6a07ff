import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities';
import type { Pipeline } from './common/pipeline';
import { PIPELINES } from './pipelines';
import { HEARTBEAT } from './workflows/shared/heartbeat';
import { extraTaskQueue } from './workflows/shared/names';
import { loadEnv, type Env } from './common/env';
import { createLogger } from './common/logger';
import { openResources, type Resources } from './common/resources';
import { installRuntime } from './common/runtime';
import { ensureSearchAttributes } from './common/register-search-attributes';
import { allowHeapGrowth } from './common/heap-growth';

export interface WorkerOptions {
  env: Env;
  resources: Resources;
  connection: NativeConnection;
  taskQueue?: string;
}

/** The main worker and the extra ones the pipelines declare (e.g. a rate-limited queue), run and stopped together. */
export class WorkerGroup {
  constructor(readonly workers: readonly [Worker, ...Worker[]]) {}

  get main(): Worker {
    return this.workers[0];
  }

  async run(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.run()));
  }

  /** Runs every worker until `promise` settles and all of them have stopped; its result or error. */
  async runUntil<T>(promise: Promise<T>): Promise<T> {
    // allSettled: a failure must not return (and let the caller close the connection) before every worker stopped
    const outcomes = await Promise.allSettled(this.workers.map((worker) => worker.runUntil(promise)));
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    return (outcomes[0] as PromiseFulfilledResult<T>).value;
  }

  shutdown(): void {
    for (const worker of this.workers) worker.shutdown();
  }
}

function pick(activities: Record<string, unknown>, names: readonly string[], pipeline: string) {
  const missing = names.filter((name) => !(name in activities));
  if (missing.length)
    throw new Error(`pipeline ${pipeline} declares an extra worker for unknown activities: ${missing}`);
  return Object.fromEntries(names.map((name) => [name, activities[name]]));
}

/** Builds the workers, whose activities get their connections injected (tests pass their own). */
export async function createWorker(
  { env, resources, connection, taskQueue = env.TEMPORAL_TASK_QUEUE }: WorkerOptions,
  pipelines: readonly Pipeline[] = PIPELINES,
): Promise<WorkerGroup> {
  await ensureSearchAttributes(connection.operatorService, env.TEMPORAL_NAMESPACE);
  const activities = createActivities(resources, pipelines);
  // Heartbeats reach Temporal at most THROTTLE_MS apart (the SDK's default, 80% of the timeout, would leave
  // a 3 s margin before a false timeout); see workflows/shared/heartbeat.ts.
  const heartbeats = {
    maxHeartbeatThrottleInterval: HEARTBEAT.THROTTLE_MS,
    defaultHeartbeatThrottleInterval: HEARTBEAT.THROTTLE_MS,
  };
  const main = await Worker.create({
    ...heartbeats,
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue,
    // A prebuilt bundle (npm run bundle-workflows) spares the worker webpack's time and ~70 MB of memory.
    ...(env.TEMPORAL_WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: env.TEMPORAL_WORKFLOW_BUNDLE } }
      : { workflowsPath: require.resolve('./workflows') }),
    activities,
  });
  const extra = pipelines.flatMap((pipeline) =>
    (pipeline.extraWorkers ?? []).map((declared) =>
      Worker.create({
        ...heartbeats,
        connection,
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: extraTaskQueue(taskQueue, declared.taskQueueSuffix),
        activities: pick(activities, declared.activities, pipeline.workflows.name),
        maxTaskQueueActivitiesPerSecond: declared.maxTaskQueueActivitiesPerSecond,
      }),
    ),
  );
  return new WorkerGroup([main, ...(await Promise.all(extra))]);
}

async function main(): Promise<void> {
  allowHeapGrowth();
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
