/**
 * `npm run dev`: the local stack up, the source loaded, a worker running, every pipeline run once,
 * and the Temporal Web UI address printed. The worker keeps serving until Ctrl-C (or exits with --once).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadEnv, type Env } from '../common/env';
import { workflowUrl } from '../common/temporal-client';
import { createLogger } from '../common/logger';
import { openResources } from '../common/resources';
import { installRuntime } from '../common/runtime';
import { defaultSourceData, describeSourceData, loadSource, sourceIsLoaded } from '../dataset/load-source';
import { applySchedules } from '../schedules/apply';
import { declaredSchedules } from '../schedules/declarations';
import { describeSchedule } from '../schedules/operations';
import { startStack } from '../stack';
import { createWorker } from '../worker';
import { PIPELINES } from '../pipelines';

const once = process.argv.includes('--once');
const reload = process.argv.includes('--reload');

async function prepareSource(env: Env): Promise<void> {
  if (!reload && (await sourceIsLoaded(env))) {
    console.log('source: dvd_rental already loaded (npm run dev -- --reload to load it again)');
    return;
  }
  const data = defaultSourceData(env);
  const counts = await loadSource(env, data);
  console.log(`source: loaded ${describeSourceData(data)}, ${counts.rental} rentals`);
}

async function runPipelines(env: Env, client: Client): Promise<boolean> {
  let ok = true;
  for (const { workflows, dev } of PIPELINES) {
    if (!dev) continue;
    const { name } = workflows;
    const workflowId = `${name}-dev-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    console.log(`${name}: started, ${workflowUrl(env, workflowId)}`);
    try {
      const summary = await dev(client, { taskQueue: env.TEMPORAL_TASK_QUEUE, workflowId, pipelines: PIPELINES });
      console.log(`${name}: done, ${summary}`);
    } catch (error) {
      ok = false;
      console.error(`${name}: failed, ${error instanceof Error ? error.message : error}`);
    }
  }
  return ok;
}

/** The declared schedules, applied so the pipelines also run daily while the worker serves. */
async function applyDevSchedules(env: Env, client: Client): Promise<void> {
  const declarations = await declaredSchedules();
  for (const { id, outcome } of await applySchedules(client, declarations, env.TEMPORAL_TASK_QUEUE)) {
    const view = await describeSchedule(client, id, declarations);
    console.log(`schedule ${id}: ${outcome}, ${view.paused ? 'paused' : `next run ${view.nextRuns[0] ?? 'none'}`}`);
  }
}

async function main(): Promise<void> {
  const env = loadEnv();
  installRuntime(createLogger(env.LOG_LEVEL, { component: 'dev' }), 'WARN', {
    metricsBindAddress: env.METRICS_BIND_ADDRESS,
  });
  const stack = await startStack(env);
  for (const [name, state] of Object.entries(stack.services)) console.log(`${name}: ${state}`);
  await prepareSource(env);

  const nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const resources = await openResources(env);
  const worker = await createWorker({ env, resources, connection: nativeConnection });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });

  const serving = worker.run();
  const ok = await runPipelines(env, client);
  await applyDevSchedules(env, client);
  console.log(`\nTemporal Web UI: ${env.TEMPORAL_UI_URL}`);
  console.log(
    `  filter the runs of a day: BusinessDate = "${new Date().toISOString().slice(0, 10)}"; the CLI: npm run cli -- --help`,
  );
  if (once) worker.shutdown();
  else
    console.log(
      'worker running on task queue',
      env.TEMPORAL_TASK_QUEUE,
      '- Ctrl-C stops it (the stack stays up: npm run stack -- stop)',
    );
  await serving;
  await resources.close();
  await connection.close();
  await nativeConnection.close();
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
