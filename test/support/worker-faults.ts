// Shared setup of the worker-kill fault tests: a source with one table of BIG_TABLE_ROWS rows, workers
// run as processes of their own (so that they can be SIGKILLed), the migration of that table started on
// their task queue, and the measure of how long a lost copy attempt takes to make progress again.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import pg from 'pg';
import { REPO_ROOT, type Env } from '../../common/env';
import { tableChecksum, type TableChecksum } from '../../dataset/checksum';
import { bundleWorkflows } from '../../scripts/bundle-workflows';
import { adminUrl } from '../../stack/postgres';
import { startWorkerProcess, type WorkerProcess } from '../../stack/worker-process';
import { migrationWorkflow } from '../../workflows';
import type { CopyProgressReport } from '../../workflows/migration/progress';
import type { MigrationResult, TableSpec } from '../../workflows/migration/types';
import { DEFAULT_OPTIONS } from './migration-run';
import { freshDatabase, testEnv } from './stack';

export const BIG_TABLE_ROWS = 1_000_000;
export const BIG_TABLE: TableSpec = { name: 'big', schema_in: 'public', schema_out: 'dvd_rental', depends_on: [] };
const COPY_ACTIVITY = 'migrationCopyTable';

export interface FaultStack {
  env: Env;
  source: pg.Pool;
  target: pg.Pool;
  /** What a worker process of this stack gets: its databases, its task queue, the prebuilt workflow bundle. */
  workerEnv: Record<string, string>;
  taskQueue: string;
  logDir: string;
}

/**
 * Fresh source (with `big` filled once, `rows` rows) and target databases, named after the test file (`name`);
 * `env` replaces the test stack's (e.g. a Temporal server of the test's own).
 */
export async function faultStack(
  name: string,
  {
    env = testEnv(),
    rows = BIG_TABLE_ROWS,
    sourceDatabase,
  }: {
    env?: Env;
    rows?: number;
    /** An existing, loaded source to use instead of a fresh one with `big` (`rows: 0`: a fresh, empty one). */
    sourceDatabase?: string;
  } = {},
): Promise<FaultStack> {
  const [sourceDb, targetDb] = [sourceDatabase ?? `${name}_source`, `${name}_target`];
  const target = await freshDatabase(targetDb, env);
  let source: pg.Pool;
  if (sourceDatabase || rows === 0) {
    source = sourceDatabase
      ? new pg.Pool({ connectionString: adminUrl(env, sourceDb), max: 4 })
      : await freshDatabase(sourceDb, env);
  } else {
    source = await freshDatabase(sourceDb, env);
    await source.query(`create table big (id bigint primary key, payload text not null, amount numeric(10,2),
                                          at timestamptz not null)`);
    await source.query(`insert into big select g, md5(g::text), (g % 100000) / 100.0,
                               timestamptz '2026-01-01 00:00+00' + g * interval '1 second'
                          from generate_series(1, ${rows}) g`);
  }
  const processes = await workerProcesses(name, env, {
    SOURCE_DATABASE_URL: adminUrl(env, sourceDb),
    TARGET_DATABASE_URL: adminUrl(env, targetDb),
  });
  return { env, source, target, ...processes };
}

/** What worker processes of a test need: an environment (its databases, its own task queue, the prebuilt bundle), a log folder. */
export type WorkerProcesses = Pick<FaultStack, 'workerEnv' | 'taskQueue' | 'logDir'>;

/** Worker processes for the test file `name`, on these databases. */
export async function workerProcesses(
  name: string,
  env: Env,
  databases: Pick<Env, 'SOURCE_DATABASE_URL' | 'TARGET_DATABASE_URL'>,
): Promise<WorkerProcesses> {
  const logDir = path.join(env.STACK_DATA_DIR, 'logs', name);
  fs.mkdirSync(logDir, { recursive: true });
  const taskQueue = `${name}-${randomUUID()}`;
  const bundle = await sharedBundle(env);
  const workerEnv = {
    ...databases,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_WORKFLOW_BUNDLE: bundle,
    METRICS_BIND_ADDRESS: 'off',
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS,
  };
  return { workerEnv, taskQueue, logDir };
}

/** Every source file the workflow bundle is made of, hashed: a bundle is reused while its sources are unchanged. */
function workflowSourcesHash(): string {
  const hash = createHash('sha256');
  const root = path.join(REPO_ROOT, 'workflows');
  for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(root, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The workflow bundle, built once per change of the workflow sources and shared by the fault test files. */
async function sharedBundle(env: Env): Promise<string> {
  const file = path.join(env.STACK_DATA_DIR, 'bundles', `workflows-${workflowSourcesHash()}.js`);
  if (fs.existsSync(file)) return file;
  const building = await bundleWorkflows(`${file}.${process.pid}.tmp`);
  fs.renameSync(building, file); // atomic: a file built at the same time by another test file is the same
  return file;
}

let started = 0;

export function startWorker(stack: WorkerProcesses): Promise<WorkerProcess> {
  return startWorkerProcess({ env: stack.workerEnv, logFile: path.join(stack.logDir, `worker-${++started}.log`) });
}

/** A migration of `big` alone into an empty target schema (each trial starts from nothing). */
export async function startMigration(stack: FaultStack, client: Client, trial: string) {
  await stack.target.query('drop schema if exists dvd_rental cascade');
  return startMigrationOf(stack, client, { id: trial, configName: 'reliability', tables: [BIG_TABLE] });
}

/** A migration of `tables` on the stack's task queue, one table at a time unless `parallelism`. */
export function startMigrationOf(
  stack: FaultStack,
  client: Client,
  run: { id: string; configName: string; tables: TableSpec[]; parallelism?: number },
) {
  return client.workflow.start(migrationWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: `migration-${run.id}-${randomUUID()}`,
    args: [
      {
        configName: run.configName,
        tables: run.tables,
        options: { ...DEFAULT_OPTIONS, parallelism: run.parallelism ?? 1 },
      },
    ],
  });
}

export interface CopyAttempt {
  attempt: number;
  /** pid of the worker running it (from its identity, `pid@host`). */
  workerPid: number;
  /** Rows the attempt's own heartbeats reported (0 before its first heartbeat). */
  rows: number;
}

/** The pending copy activity of the run, if any, as the server sees it. */
export async function copyAttempt(handle: WorkflowHandle): Promise<CopyAttempt | undefined> {
  const { raw } = await handle.describe();
  const pending = raw.pendingActivities?.find((activity) => activity.activityType?.name === COPY_ACTIVITY);
  if (!pending?.attempt) return undefined;
  const beatAt = optionalTsToMs(pending.lastHeartbeatTime) ?? 0;
  const startedAt = optionalTsToMs(pending.lastStartedTime) ?? Infinity;
  const payload = pending.heartbeatDetails?.payloads?.[0];
  // Details outlive their attempt: only a heartbeat after this attempt started is its own.
  const own =
    payload && beatAt >= startedAt ? defaultPayloadConverter.fromPayload<CopyProgressReport>(payload) : undefined;
  return {
    attempt: pending.attempt,
    workerPid: Number(pending.lastWorkerIdentity?.split('@')[0] ?? 0),
    rows: own?.rows ?? 0,
  };
}

/**
 * Polls until `predicate` holds for the copy attempt (undefined once none is pending: the copy is over);
 * when it did, in ms since the epoch.
 */
export async function waitForCopy(
  handle: WorkflowHandle,
  predicate: (attempt: CopyAttempt | undefined) => boolean,
  timeoutMs = 120_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate(await copyAttempt(handle))) return Date.now();
    await sleep(200);
  }
  throw new Error(`the copy of ${BIG_TABLE.name} did not reach the expected state within ${timeoutMs} ms`);
}

/**
 * Kill to the first heartbeat of a later attempt that reports copied rows: the table's retry making progress.
 * A retry may also end before its first such heartbeat arrives (killed after the commit, the retry finds
 * the table copied): the copy no longer pending then counts too, as the killed attempt cannot complete.
 */
export async function recoveryMs(handle: WorkflowHandle, killedAt: number, killedAttempt: number): Promise<number> {
  const progressing = await waitForCopy(handle, (copy) => !copy || (copy.attempt > killedAttempt && copy.rows > 0));
  return progressing - killedAt;
}

export interface EndState {
  source: TableChecksum;
  target: TableChecksum;
}

export async function endState(stack: FaultStack): Promise<EndState> {
  const [source, target] = await Promise.all([
    tableChecksum(stack.source, 'public', BIG_TABLE.name),
    tableChecksum(stack.target, 'dvd_rental', BIG_TABLE.name),
  ]);
  return { source, target };
}

export const resultOf = (handle: WorkflowHandle): Promise<MigrationResult> =>
  handle.result() as Promise<MigrationResult>;

/** The recovery time the issue asks for (kill to the retry making progress). */
export const RECOVERY_GOAL_MS = 30_000;

export type CopySide = 'source' | 'target';

/**
 * Waits until the copy's session on `side` (COPY TO on the source, COPY FROM on the target, seen in
 * pg_stat_progress_copy) has moved at least `rows` rows; its backend pid.
 */
export async function copySession(
  stack: FaultStack,
  side: CopySide,
  rows: number,
  timeoutMs = 120_000,
): Promise<number> {
  const pool = side === 'source' ? stack.source : stack.target;
  const command = side === 'source' ? 'COPY TO' : 'COPY FROM';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows: sessions } = await pool.query<{ pid: number }>(
      `select pid from pg_stat_progress_copy where datname = current_database() and command = $1
          and tuples_processed >= $2`,
      [command, rows],
    );
    if (sessions[0]) return sessions[0].pid;
    await sleep(20);
  }
  throw new Error(`no ${command} session on the ${side} moved ${rows} rows within ${timeoutMs} ms`);
}

/** pg_terminate_backend, as an operator or a failover would: the session's transaction is rolled back. */
export async function terminateBackend(pool: pg.Pool, pid: number): Promise<void> {
  const { rows } = await pool.query<{ done: boolean }>('select pg_terminate_backend($1) as done', [pid]);
  if (!rows[0]?.done) throw new Error(`backend ${pid} could not be terminated`);
}

/** The highest attempt any activity of `type` reached in the run (from its history). */
export async function maxAttempt(handle: WorkflowHandle, type = COPY_ACTIVITY): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Set(
    events
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === type)
      .map((event) => String(event.eventId)),
  );
  const attempts = events
    .filter((event) => scheduled.has(String(event.activityTaskStartedEventAttributes?.scheduledEventId)))
    .map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0);
  return Math.max(0, ...attempts);
}

/** Polls the run's history until an activity of `type` completed. */
export async function activityCompleted(handle: WorkflowHandle, type: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const events = (await handle.fetchHistory().catch(() => undefined))?.events ?? [];
    const scheduled = new Set(
      events
        .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === type)
        .map((event) => String(event.eventId)),
    );
    if (events.some((event) => scheduled.has(String(event.activityTaskCompletedEventAttributes?.scheduledEventId))))
      return;
    await sleep(25);
  }
  throw new Error(`${type} did not complete in ${handle.workflowId}`);
}
