// The migration's contract: input schemas (the source of truth, types by z.infer), progress and result.
// Shared by the workflow (sandboxed: no Node imports here), its activities and its client.

import { z } from 'zod';
import { identifier } from '../shared/identifiers';

/** Seconds a cursor sync re-reads below its watermark by default: transactions open longer can be missed. */
export const DEFAULT_OVERLAP_SECONDS = 300;

/**
 * How a later run finds a table's changes (an extension of the seed's format; without it: the full comparison).
 * `cursor`: a column every insert and update sets to its transaction's time (dvd_rental's `last_update`, kept by
 * its trigger): rows past the watermark, and those written since the last read minus `overlap_seconds` (the
 * longest transaction it tolerates), are read. A `timestamp` without time zone holds the writers' local time:
 * `time_zone` names their zone; without it 12 more hours are re-read, enough for any zone.
 * `key`: an integer primary key that only grows, for append-only tables (payment): rows past the highest key
 * copied; it sees no update.
 * `cdc` (also written `"sync": "cdc"`): the source's write-ahead log, read through a logical replication slot
 * (pgoutput): every insert, update and delete, whatever the table's columns; needs `wal_level=logical` and a
 * role allowed to replicate. See README "Incremental sync".
 */
const syncObjectSchema = z
  .strictObject({
    cursor: identifier.optional(),
    key: identifier.optional(),
    cdc: z.literal(true).optional(),
    overlap_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .optional(),
    time_zone: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'must be a time zone name such as UTC or Europe/Paris')
      .optional(),
  })
  .superRefine((spec, ctx) => {
    if ([spec.cursor, spec.key, spec.cdc].filter(Boolean).length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          'give exactly one of "cursor" (a column every insert and update sets, e.g. last_update), "key" (an integer primary key of an append-only table) or "cdc": true (the write-ahead log)',
      });
    }
    for (const field of ['overlap_seconds', 'time_zone'] as const) {
      if ((spec.key || spec.cdc) && spec[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'applies to a "cursor" only: a key cursor or the log miss no late commit',
        });
      }
    }
  });

export const syncSpecSchema = z.preprocess((value) => (value === 'cdc' ? { cdc: true } : value), syncObjectSchema);

export type SyncSpec = z.infer<typeof syncSpecSchema>;

/** One entry of the migration config, as the seed wrote it, plus an optional `sync`. */
export const tableSpecSchema = z.strictObject({
  name: identifier,
  schema_in: identifier,
  schema_out: identifier,
  depends_on: z.array(identifier).default([]),
  sync: syncSpecSchema.optional(),
});

export type TableSpec = z.infer<typeof tableSpecSchema>;

/** full: replace the target table's rows; sync: bring it up to date by primary key; auto: full when empty, else sync. */
export const copyModeSchema = z.enum(['auto', 'full', 'sync']);
export type CopyMode = z.infer<typeof copyModeSchema>;

/** What sync does with target rows whose key is gone from the source. */
export const deleteModeSchema = z.enum(['delete', 'flag']);
export type DeleteMode = z.infer<typeof deleteModeSchema>;

export const verifyModeSchema = z.enum(['auto', 'full']);
export type VerifyMode = z.infer<typeof verifyModeSchema>;

export const migrationOptionsSchema = z.strictObject({
  mode: copyModeSchema,
  deletes: deleteModeSchema,
  /** Tables copied at once (only tables with no dependency path between them). */
  parallelism: z.number().int().min(1),
  /** Drop and recreate target tables whose shape differs from the source instead of failing. */
  recreate: z.boolean(),
  /** After an incremental sync: `auto` checks the rows it touched, and the whole table once a week; `full` always. */
  verify: verifyModeSchema.optional(),
  /**
   * Tables the source's statistics estimate below this many rows are copied one after another in one activity
   * (each still in its own transactions, verified and recorded): one task instead of one each. 0 or absent: none.
   */
  batchRowsBelow: z.number().int().min(0).optional(),
});

export type MigrationOptions = z.infer<typeof migrationOptionsSchema>;

/** What a run does when not told otherwise (CLI, daily pipeline). */
export const DEFAULT_MIGRATION_OPTIONS: MigrationOptions = {
  mode: 'auto',
  deletes: 'delete',
  parallelism: 2,
  recreate: false,
  batchRowsBelow: 200_000,
};

/** A config's name (e.g. its file name without extension): part of the workflow id. */
export const configNameSchema = z.string().min(1, 'must name the config');

export const migrationInputSchema = z.strictObject({
  configName: configNameSchema,
  /** The config's entries; the workflow checks them as a whole first (parseMigrationConfig: each error names its entry). */
  tables: z.array(tableSpecSchema).min(1),
  /** Restrict the run to these table names (their dependencies must already be in the target). */
  only: z.array(identifier).optional(),
  options: migrationOptionsSchema,
});

export type MigrationInput = z.infer<typeof migrationInputSchema>;

export type TableState = 'pending' | 'running' | 'copied' | 'failed' | 'not_run' | 'skipped';

export interface TableProgress {
  table: string;
  state: TableState;
  mode?: 'full' | 'sync';
  rows: number;
  bytes: number;
  /** Milliseconds since the table started (or its total when finished). */
  elapsedMs: number;
  /** For sync: rows inserted / updated / deleted or flagged. */
  changes?: { inserted: number; updated: number; deleted: number };
  /** Why the mode used differs from the one asked for, e.g. a table without a key copied in full. */
  notes?: string[];
  /** For sync: how the changes were found and what it read. */
  sync?: SyncCounters;
  error?: string;
}

/** How a sync found its changes, and what it read to find them. */
export interface SyncCounters {
  /** cursor / key / cdc: incremental (see SyncSpec); compare: the whole source staged and compared with the target. */
  method: 'cursor' | 'key' | 'cdc' | 'compare';
  /** Why `compare` for a table whose config names a cursor (or that it has none). */
  reason?: string;
  /** Rows streamed from the source: the cursor's rows (re-read overlap included) and repaired ones, or the whole table. */
  rowsRead: number;
  /** Of rowsRead, those at or below the old watermark (the overlap re-read). */
  reread: number;
  /** Primary keys compared on each side to find deleted and missed rows (by range fingerprints). */
  keysCompared?: { source: number; target: number };
  /** Of those, keys streamed and merged one by one (both sides): the ranges whose fingerprints differ. */
  keysStreamed?: number;
  /** The key counts were equal: no fingerprint compared (the weekly or `--verify full` run compares them). */
  keysByCount?: boolean;
  /** read: the target's keys were read; recorded: compared with the key summary the last sync left (key-summary.ts). */
  targetKeys?: 'read' | 'recorded';
  /** Rows the cursor missed (their key was in the source, not in the target) copied by the key comparison. */
  repaired: number;
  /** With a NULL cursor value: read on every sync. */
  nullCursor: number;
  watermark?: { from: string | null; to: string | null };
  /** cdc: changes the log held for the table since its watermark (an LSN), and the distinct keys they touched. */
  logged?: { changes: number; keys: number };
  verified: 'touched' | 'full';
}

export interface CopyTableResult {
  table: string;
  mode: 'full' | 'sync';
  rows: number;
  bytes: number;
  checksum: string;
  changes: { inserted: number; updated: number; deleted: number };
  sync?: SyncCounters;
}

/** What a run's CDC capture brought into the target's change log (activities/migration/cdc-capture.ts). */
export interface CdcCapture {
  slot: string;
  /** Slot positions: the previous capture's, and the marker this one read up to. */
  from: string;
  until: string;
  /** Per target table (`schema.table`): changes logged. */
  changes: Record<string, number>;
  /** Transactions sent again that an earlier capture had logged (its run ended before confirming them). */
  skippedTransactions: number;
  /** Log entries every table had applied, dropped. */
  pruned: number;
  /** The slot was created now: it knows no earlier change, so its tables are compared in full once. */
  slotCreated: boolean;
}

export interface MigrationResult {
  configName: string;
  status: 'succeeded' | 'failed';
  tables: TableProgress[];
  /** Source objects the migration does not replicate (functions, triggers, views...). */
  notReplicated: string[];
  /** With `sync: cdc` tables: this run's capture. */
  cdc?: CdcCapture;
}
