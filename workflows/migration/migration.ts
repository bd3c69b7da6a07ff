import { ApplicationFailure, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { MigrationActivities } from '../../activities/migration';
import { directCause, FAILURE } from '../shared/failures';
import { parseInput } from '../shared/parse-input';
import { heartbeatingActivity } from '../shared/heartbeat';
import { connectionRetry } from '../shared/retry';
import { parseMigrationConfig } from './config';
import { MIGRATION_NON_RETRYABLE, MigrationConfigError } from './errors';
import { planMigration, readyTables, smallTableBatch } from './plan';
import { copyProgressSignal, migrationProgressQuery } from './progress';
import {
  type CdcCapture,
  migrationInputSchema,
  type MigrationInput,
  type MigrationResult,
  type TableProgress,
  type TableSpec,
} from './types';
import type { CopyTableOutcome } from '../../activities/migration/copy-table';

const MIGRATION_RETRY = connectionRetry(MIGRATION_NON_RETRYABLE);

// Every migration activity heartbeats (prepare and finish run long statements on big tables too).
const schemaActivities = proxyActivities<MigrationActivities>(
  heartbeatingActivity({ startToCloseTimeout: '30 minutes', retry: MIGRATION_RETRY }),
);

const tableActivities = proxyActivities<MigrationActivities>(
  heartbeatingActivity({ startToCloseTimeout: '24 hours', retry: MIGRATION_RETRY }),
);

type Progress = Map<string, TableProgress>;

const configError = (message: string) => ApplicationFailure.nonRetryable(message, MigrationConfigError.name);

/** The config checked as a whole first (each error names its entry), then the rest of the input. */
function parseMigrationInput(raw: MigrationInput): MigrationInput {
  let tables: TableSpec[];
  try {
    tables = parseMigrationConfig(raw.tables, raw.configName);
  } catch (error) {
    throw configError((error as Error).message);
  }
  return parseInput(migrationInputSchema, { ...raw, tables }, 'migration');
}

/** The config's tables, restricted to `only`; dependencies outside the selection count as already there. */
function selectTables(input: MigrationInput): TableSpec[] {
  const { tables } = input;
  if (!input.only?.length) return tables;
  const unknown = input.only.filter((name) => !tables.some((table) => table.name === name));
  if (unknown.length) throw configError(`--tables names tables not in the config: ${unknown.join(', ')}`);
  const only = new Set(input.only);
  return tables
    .filter((table) => only.has(table.name))
    .map((table) => ({ ...table, depends_on: table.depends_on.filter((name) => only.has(name)) }));
}

/** Fails the workflow with the activity's own error (type and message) rather than "Activity task failed". */
async function orFail<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    const cause = directCause(error);
    throw ApplicationFailure.nonRetryable(cause.message, cause.type ?? FAILURE.migrationFailed);
  }
}

function trackProgress(tables: TableSpec[]): Progress {
  const progress: Progress = new Map(
    tables.map((table) => [table.name, { table: table.name, state: 'pending', rows: 0, bytes: 0, elapsedMs: 0 }]),
  );
  setHandler(migrationProgressQuery, () => [...progress.values()]);
  setHandler(copyProgressSignal, (report) => {
    const entry = progress.get(report.table);
    if (entry?.state === 'running')
      Object.assign(entry, { rows: report.rows, bytes: report.bytes, elapsedMs: report.elapsedMs });
  });
  return progress;
}

const isDone = (entry: TableProgress) => entry.state === 'copied' || entry.state === 'skipped';

/** Runs recorded before it call the delete step for every synced table; later ones skip those with nothing to delete. */
export const SKIP_EMPTY_DELETES_PATCH = 'migration-skip-empty-deletes';

/** Runs recorded before it copy every table in an activity of its own; later ones batch the small tables. */
export const BATCH_SMALL_TABLES_PATCH = 'migration-batch-small-tables';

class MigrationRun {
  failure?: { table: string; message: string };
  /** Per table copied in this run: target rows its copy found gone from the source, left to the delete step. */
  private readonly pendingDeletes = new Map<string, number>();
  /** Tables whose target has no foreign key yet: their load order is free (keys and FKs come after the rows). */
  free: string[] = [];
  /** The source's row estimates (PrepareTarget's): below `batchRowsBelow`, tables are copied in one batch. */
  estimatedRows: Record<string, number> = {};
  /** Target tables (`schema.name`) this run created: their first copy is a full one, left to run in parallel. */
  created = new Set<string>();
  /** This run's capture of the `sync: cdc` tables' changes, taken before any of their copies. */
  cdc?: CdcCapture;

  constructor(
    private readonly input: MigrationInput,
    private readonly tables: TableSpec[],
    readonly progress: Progress,
    private readonly runKey: string,
  ) {}

  private entry(name: string): TableProgress {
    return this.progress.get(name)!;
  }

  private fail(table: TableSpec, error: unknown): void {
    this.failWith(table, directCause(error).message);
  }

  private failWith(table: TableSpec, message: string): void {
    this.failure ??= { table: `${table.schema_out}.${table.name}`, message };
    Object.assign(this.entry(table.name), { state: 'failed', error: message });
  }

  /** Tables a failed run with the same workflow id already copied and verified. */
  async skipCompleted(): Promise<void> {
    for (const previous of await schemaActivities.migrationCompletedTables({ runKey: this.runKey })) {
      if (this.progress.has(previous.table))
        Object.assign(this.entry(previous.table), { state: 'skipped', rows: previous.rows });
    }
  }

  private copyInput() {
    const { options } = this.input;
    return {
      mode: options.mode,
      deletes: options.deletes,
      runKey: this.runKey,
      ...(options.verify ? { verify: options.verify } : {}),
      ...(this.cdc ? { cdcSlot: this.cdc.slot } : {}),
    };
  }

  private copied(table: TableSpec, result: CopyTableOutcome): void {
    const entry = this.entry(table.name);
    Object.assign(entry, {
      state: 'copied',
      mode: result.mode,
      rows: result.rows,
      bytes: result.bytes,
      changes: result.changes,
    });
    if (result.notes.length) entry.notes = result.notes;
    if (result.sync) entry.sync = result.sync;
    this.pendingDeletes.set(table.name, result.pendingDeletes);
  }

  private async copyOne(table: TableSpec): Promise<void> {
    const entry = this.entry(table.name);
    const started = Date.now();
    entry.state = 'running';
    try {
      this.copied(table, await tableActivities.migrationCopyTable({ table, ...this.copyInput() }));
    } catch (error) {
      this.fail(table, error);
    } finally {
      entry.elapsedMs = Date.now() - started;
    }
  }

  smallTables(): TableSpec[] {
    const names = (predicate: (entry: TableProgress) => boolean) =>
      this.tables.map((t) => t.name).filter((name) => predicate(this.entry(name)));
    return smallTableBatch({
      tables: this.tables,
      pending: names((entry) => entry.state === 'pending'),
      done: names(isDone),
      estimatedRows: this.estimatedRows,
      below: this.input.options.batchRowsBelow ?? 0,
      created: this.created,
      free: this.free,
    });
  }

  private async copyBatch(tables: TableSpec[]): Promise<void> {
    const started = Date.now();
    for (const table of tables) this.entry(table.name).state = 'running';
    try {
      const entries = await tableActivities.migrationCopyTables({ tables, ...this.copyInput() });
      for (const { table: name, outcome, error, elapsedMs } of entries) {
        const table = tables.find((t) => t.name === name)!;
        if (outcome) this.copied(table, outcome);
        else this.failWith(table, error ?? 'failed');
        this.entry(name).elapsedMs = elapsedMs;
      }
    } catch (error) {
      const first = tables.find((table) => this.entry(table.name).state === 'running');
      if (first) this.fail(first, error);
    } finally {
      for (const table of tables) {
        const entry = this.entry(table.name);
        if (entry.state === 'running') Object.assign(entry, { state: 'pending', elapsedMs: 0 });
        else if (entry.state === 'failed') entry.elapsedMs ||= Date.now() - started;
      }
    }
  }

  /** Dependency order, up to `parallelism` at once; after a failure no new table starts. */
  async copyAll(): Promise<void> {
    const running = new Map<string, Promise<void>>();
    const names = (predicate: (entry: TableProgress) => boolean) =>
      this.tables.map((t) => t.name).filter((name) => predicate(this.entry(name)));
    // The small tables, as one activity that takes one of the `parallelism` slots while it runs.
    const batch = this.smallTables();
    if (batch.length && patched(BATCH_SMALL_TABLES_PATCH)) {
      const copying = this.copyBatch(batch).finally(() => batch.forEach((table) => running.delete(table.name)));
      for (const table of batch) running.set(table.name, copying);
    }
    for (;;) {
      if (!this.failure) {
        const batched = batch.filter((table) => running.has(table.name)).length;
        const ready = readyTables({
          tables: this.tables,
          done: names(isDone),
          running: [...running.keys()],
          excluded: names((entry) => entry.state === 'failed'),
          free: this.free,
          parallelism: this.input.options.parallelism + Math.max(0, batched - 1),
        });
        for (const name of ready) {
          const table = this.tables.find((t) => t.name === name)!;
          running.set(
            name,
            this.copyOne(table).finally(() => running.delete(name)),
          );
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    for (const entry of this.progress.values()) if (entry.state === 'pending') entry.state = 'not_run';
  }

  /** Rows gone from the source are removed children first, so no foreign key is broken on the way. */
  async applyDeletes(): Promise<void> {
    const byName = new Map(this.tables.map((table) => [table.name, table]));
    const childrenFirst = planMigration(this.tables).order.reverse();
    for (const name of childrenFirst) {
      const entry = this.entry(name);
      if (this.failure || !isDone(entry) || entry.mode === 'full') continue;
      if (this.pendingDeletes.get(name) === 0 && patched(SKIP_EMPTY_DELETES_PATCH)) continue;
      try {
        const { deleted } = await tableActivities.migrationApplyDeletes({
          table: byName.get(name)!,
          deletes: this.input.options.deletes,
        });
        if (entry.changes) entry.changes.deleted += deleted;
      } catch (error) {
        this.fail(byName.get(name)!, error);
      }
    }
  }

  finishedTables(): TableSpec[] {
    return this.tables.filter((table) => isDone(this.entry(table.name)));
  }
}

/**
 * Copies the tables of a config from the source to the target Postgres in dependency order, as the seed
 * did, but streamed, verified, parallel where no dependency forbids it, and resumable: a rerun with the
 * same workflow id skips the tables the failed run already copied and verified.
 */
export async function migrationWorkflow(raw: MigrationInput): Promise<MigrationResult> {
  const input = parseMigrationInput(raw);
  const tables = selectTables(input);
  const run = new MigrationRun(input, tables, trackProgress(tables), workflowInfo().workflowId);

  await orFail(schemaActivities.migrationCheckSource({ tables }));
  const schema = await orFail(schemaActivities.migrationPrepareTarget({ tables, recreate: input.options.recreate }));
  run.free = schema.withoutForeignKeys;
  run.estimatedRows = schema.estimatedRows ?? {};
  run.created = new Set([...schema.created, ...schema.recreated]);
  await run.skipCompleted();
  const cdcTables = tables.filter((table) => table.sync?.cdc);
  if (cdcTables.length)
    run.cdc = await orFail(
      schemaActivities.migrationCaptureChanges({ configName: input.configName, tables: cdcTables }),
    );
  await run.copyAll();
  await run.applyDeletes();
  const finished = run.finishedTables();
  if (finished.length) await schemaActivities.migrationFinishTarget({ tables: finished });

  const result: MigrationResult = {
    configName: input.configName,
    status: run.failure ? 'failed' : 'succeeded',
    tables: [...run.progress.values()],
    notReplicated: schema.notReplicated,
    ...(run.cdc ? { cdc: run.cdc } : {}),
  };
  if (run.failure) {
    log.error('migration stopped', { table: run.failure.table });
    throw ApplicationFailure.nonRetryable(
      `table ${run.failure.table} failed: ${run.failure.message}`,
      FAILURE.migrationFailed,
      result,
    );
  }
  await schemaActivities.migrationForgetRun({ runKey: workflowInfo().workflowId });
  return result;
}
