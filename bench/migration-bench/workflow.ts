// Contender "this migration": migrationWorkflow run by a worker in a process of its own.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { REPO_ROOT, type Env } from '../../common/env';
import { DEFAULT_MIGRATION_OPTIONS, type MigrationResult, type TableSpec } from '../../workflows/migration/types';
import { adminUrl } from '../../stack/postgres';
import { COMPILED_WORKER, startWorkerProcess } from '../../stack/worker-process';
import { migrationWorkflow } from '../../workflows';
import { activityPhases, type Phase } from './history';
import { postmasterPid, processSeconds, treeSeconds } from '../golden-record-bench/cpu';
import { sampleMachineCpu, type CpuTimeline } from './machine-cpu';
import { checkpoint, recreateDatabase, sampleRss, timed } from './support';

export interface WorkflowRun {
  seconds: number;
  result: MigrationResult;
  /** The worker's VmHWM when it stops: includes its start (bundling the workflows). */
  peakRssMb: number;
  /** Highest VmRSS sampled while the workflow ran. */
  runRssMb: number;
  /** VmHWM once the worker reported it had started, before any task. */
  startupRssMb: number;
  phases: Phase[];
  /** How busy the machine's CPUs were, second by second. */
  cpu: CpuTimeline;
  /** CPU seconds the worker process and the stack's Postgres used during the run. */
  cpuSeconds: { worker: number; postgres?: number };
}

export interface WorkflowRunOptions {
  env: Env;
  /** Workflow code bundled beforehand (bundleQuietly), as a deployment would ship it. */
  workflowBundle: string;
  client: Client;
  source: string;
  target: string;
  tables: TableSpec[];
  parallelism: number;
  /** Node flags of the worker process; WORKER_NODE_FLAGS unless given. */
  nodeFlags?: string[];
  /** Sync into the target as it is (default: recreated empty first, a full copy). */
  keepTarget?: boolean;
  /** Small tables batched in one activity (the daily default unless given; 0: none). */
  batchRowsBelow?: number;
}

/** How the bench starts its worker: compiled JS as deployed (buildWorker first), young generation kept small. */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=128'];
export const WORKER_COMMAND = `node ${WORKER_NODE_FLAGS.join(' ')} dist/worker.js`;

/** `npm run build`; a type error elsewhere in the tree still emits JavaScript, so it only warns. */
export function buildWorker(): void {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch (error) {
    if (!fs.existsSync(COMPILED_WORKER)) throw error;
    const output = String((error as { stdout?: Buffer }).stdout ?? '').slice(0, 500);
    console.warn(`warning: npm run build reported errors (dist/worker.js emitted anyway):\n${output}`);
  }
}

async function startWorker(options: WorkflowRunOptions, taskQueue: string) {
  const { env } = options;
  return startWorkerProcess({
    entry: 'compiled',
    nodeFlags: options.nodeFlags ?? WORKER_NODE_FLAGS,
    env: {
      SOURCE_DATABASE_URL: adminUrl(env, options.source),
      TARGET_DATABASE_URL: adminUrl(env, options.target),
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_WORKFLOW_BUNDLE: options.workflowBundle,
      // No metrics endpoint: its fixed port would clash with any other worker on the machine.
      METRICS_BIND_ADDRESS: 'off',
    },
    logFile: path.join(
      env.STACK_DATA_DIR,
      'logs',
      `bench-migration-worker-${options.target}-p${options.parallelism}.log`,
    ),
  });
}

/** The workflow code bundled once for every worker of the bench, without webpack's report on stdout. */
export async function bundleQuietly(env: Env): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(REPO_ROOT, 'workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const file = path.join(env.STACK_DATA_DIR, 'bench-migration-workflow-bundle.js');
  fs.writeFileSync(file, code);
  return file;
}

function execute(options: WorkflowRunOptions, taskQueue: string, workflowId: string): Promise<MigrationResult> {
  return options.client.workflow.execute(migrationWorkflow, {
    taskQueue,
    workflowId,
    args: [
      {
        configName: 'bench',
        tables: options.tables,
        options: {
          mode: 'auto',
          deletes: 'delete',
          parallelism: options.parallelism,
          recreate: false,
          batchRowsBelow: options.batchRowsBelow ?? DEFAULT_MIGRATION_OPTIONS.batchRowsBelow,
        },
      },
    ],
  });
}

/** Times the workflow from its start to its result; the worker starts (and bundles) before the clock starts. */
export async function runMigrationWorkflow(options: WorkflowRunOptions): Promise<WorkflowRun> {
  if (options.keepTarget) await checkpoint(options.env);
  else await recreateDatabase(options.env, options.target);
  const taskQueue = `bench-migration-${randomUUID()}`;
  const worker = await startWorker(options, taskQueue);
  const startupRssMb = worker.peakRssMb();
  const workflowId = `bench-migration-p${options.parallelism}-${randomUUID()}`;
  const sampler = sampleRss(worker.pid);
  const cpuSampler = sampleMachineCpu();
  const postgres = postmasterPid(options.env.STACK_DATA_DIR);
  const cpuNow = () => ({
    worker: processSeconds(worker.pid) ?? 0,
    postgres: postgres === undefined ? undefined : treeSeconds(postgres),
  });
  const cpuBefore = cpuNow();
  const run = await timed(() => execute(options, taskQueue, workflowId)).catch(async (error: unknown) => {
    sampler.stop();
    cpuSampler.stop();
    await worker.stop();
    throw error;
  });
  const runRssMb = sampler.stop();
  const cpu = cpuSampler.stop();
  const cpuAfter = cpuNow();
  const cpuSeconds = {
    worker: cpuAfter.worker - cpuBefore.worker,
    ...(cpuAfter.postgres !== undefined && cpuBefore.postgres !== undefined
      ? { postgres: cpuAfter.postgres - cpuBefore.postgres }
      : {}),
  };
  const peakRssMb = await worker.stop();
  const phases = activityPhases(await options.client.workflow.getHandle(workflowId).fetchHistory());
  return { ...run, peakRssMb, runRssMb, startupRssMb, phases, cpu, cpuSeconds };
}
