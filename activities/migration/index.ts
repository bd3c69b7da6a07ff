import { Context } from '@temporalio/activity';
import { withKeepAlive } from '../../common/heartbeat';
import type { ActivityDeps } from '../deps';
import { MIGRATION_NON_RETRYABLE, MigrationConfigError } from '../../workflows/migration/errors';
import type { CopyProgressReport } from '../../workflows/migration/progress';
import type { CopyMode, DeleteMode, TableSpec, VerifyMode } from '../../workflows/migration/types';
import { tableExists } from './catalog';
import { applyDeletes, copyTable, type CopyTableOutcome } from './copy-table';
import { CopiesInFlight } from './copies-in-flight';
import { completedTables, ensureLedger, forgetRun, recordCompleted } from './ledger';
import { progressReporter } from './progress-reporter';
import { ensureSyncState } from './sync-state';
import { captureChanges } from './cdc-capture';
import { finishTargetSchema, prepareTargetSchema } from './target-schema';

interface CopyInput {
  mode: CopyMode;
  deletes: DeleteMode;
  runKey: string;
  verify?: VerifyMode;
  cdcSlot?: string;
}

/** A batched table: its outcome, or the error that ended the batch (it failed for good). */
export interface BatchEntry {
  table: string;
  outcome?: CopyTableOutcome;
  error?: string;
  elapsedMs: number;
}

export function migrationActivities({ sourcePg, targetPg }: ActivityDeps) {
  const inFlight = new CopiesInFlight();
  async function copyAndRecord(
    input: CopyInput,
    table: TableSpec,
    beat: (report: CopyProgressReport) => void,
    signal: AbortSignal,
  ): Promise<CopyTableOutcome> {
    const result = await copyTable({
      source: sourcePg,
      target: targetPg,
      table,
      mode: input.mode,
      deletes: input.deletes,
      deferDeletes: true,
      verify: input.verify,
      cdcSlot: input.cdcSlot,
      inFlight,
      onProgress: progressReporter(table.name, beat),
      signal,
    });
    await recordCompleted(targetPg, {
      runKey: input.runKey,
      table: table.name,
      rows: result.rows,
      checksum: result.checksum,
    });
    return result;
  }

  return {
    /** Every table of the config must exist in the source; names each one that does not. */
    async migrationCheckSource({ tables }: { tables: TableSpec[] }): Promise<void> {
      const missing: string[] = [];
      for (const [index, table] of tables.entries()) {
        if (!(await tableExists(sourcePg, table.schema_in, table.name))) {
          missing.push(
            `tables[${index}] "${table.name}": ${table.schema_in}.${table.name} does not exist in the source database`,
          );
        }
      }
      if (missing.length) throw new MigrationConfigError(missing.join('\n'));
    },

    migrationPrepareTarget({ tables, recreate }: { tables: TableSpec[]; recreate: boolean }) {
      return withKeepAlive(async () => {
        await ensureLedger(targetPg);
        await ensureSyncState(targetPg);
        return prepareTargetSchema({ source: sourcePg, target: targetPg, tables, recreate });
      });
    },

    /** Foreign keys validated and sequences set: long statements on big tables, hence the keep-alive. */
    migrationFinishTarget({ tables }: { tables: TableSpec[] }) {
      return withKeepAlive(() => finishTargetSchema({ source: sourcePg, target: targetPg, tables }));
    },

    /** The `sync: cdc` tables' changes since the last run, from the slot into the target's change log. */
    migrationCaptureChanges({ configName, tables }: { configName: string; tables: TableSpec[] }) {
      return withKeepAlive(() => captureChanges({ source: sourcePg, target: targetPg, configName, tables }));
    },

    migrationCompletedTables({ runKey }: { runKey: string }) {
      return completedTables(targetPg, runKey);
    },

    /** After a successful run: a later run with the same id starts afresh. */
    migrationForgetRun({ runKey }: { runKey: string }) {
      return forgetRun(targetPg, runKey);
    },

    /** Deletes (or flags) target rows gone from the source; called children first, after every upsert. */
    migrationApplyDeletes({ table, deletes }: { table: TableSpec; deletes: DeleteMode }) {
      const signal = Context.current().cancellationSignal;
      return withKeepAlive(() => applyDeletes({ source: sourcePg, target: targetPg, table, deletes, signal }));
    },

    /**
     * One table, all or nothing, verified; recorded in the ledger so a rerun of the run skips it.
     * Deletes wait for migrationApplyDeletes, since children are synced after their parents.
     */
    async migrationCopyTable(input: CopyInput & { table: TableSpec }): Promise<CopyTableOutcome> {
      const signal = Context.current().cancellationSignal;
      return withKeepAlive<CopyProgressReport, CopyTableOutcome>(
        (beat) => copyAndRecord(input, input.table, beat, signal),
        { table: input.table.name, rows: 0, bytes: 0, elapsedMs: 0 },
      ); // a copy restarts: no cursor to keep
    },

    /**
     * Small tables one after another in one activity (each in its own transactions, as migrationCopyTable):
     * one task instead of one per table. A table that fails for good ends the batch, with its error; an error
     * a retry may fix fails the activity, whose retry copies the batch again (syncs are idempotent).
     */
    async migrationCopyTables(input: CopyInput & { tables: TableSpec[] }): Promise<BatchEntry[]> {
      const signal = Context.current().cancellationSignal;
      return withKeepAlive<CopyProgressReport, BatchEntry[]>(async (beat) => {
        const entries: BatchEntry[] = [];
        for (const table of input.tables) {
          const started = Date.now();
          try {
            const outcome = await copyAndRecord(input, table, beat, signal);
            entries.push({ table: table.name, outcome, elapsedMs: Date.now() - started });
          } catch (error) {
            if (!(error instanceof Error) || !MIGRATION_NON_RETRYABLE.includes(error.name)) throw error;
            entries.push({ table: table.name, error: error.message, elapsedMs: Date.now() - started });
            break;
          }
        }
        return entries;
      });
    },
  };
}

export type MigrationActivities = ReturnType<typeof migrationActivities>;
