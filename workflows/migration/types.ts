// The migration's contract: input schemas (the source of truth, types by z.infer), progress and result.
// Shared by the workflow (sandboxed: no Node imports here), its activities and its client.

import { z } from 'zod';
import { identifier } from '../shared/identifiers';

/** One entry of the migration config, as the seed wrote it. */
export const tableSpecSchema = z.strictObject({
  name: identifier,
  schema_in: identifier,
  schema_out: identifier,
  depends_on: z.array(identifier).default([]),
});

export type TableSpec = z.infer<typeof tableSpecSchema>;

/** full: replace the target table's rows; sync: bring it up to date by primary key; auto: full when empty, else sync. */
export const copyModeSchema = z.enum(['auto', 'full', 'sync']);
export type CopyMode = z.infer<typeof copyModeSchema>;

/** What sync does with target rows whose key is gone from the source. */
export const deleteModeSchema = z.enum(['delete', 'flag']);
export type DeleteMode = z.infer<typeof deleteModeSchema>;

export const migrationOptionsSchema = z.strictObject({
  mode: copyModeSchema,
  deletes: deleteModeSchema,
  /** Tables copied at once (only tables with no dependency path between them). */
  parallelism: z.number().int().min(1),
  /** Drop and recreate target tables whose shape differs from the source instead of failing. */
  recreate: z.boolean(),
});

export type MigrationOptions = z.infer<typeof migrationOptionsSchema>;

/** What a run does when not told otherwise (CLI, daily pipeline). */
export const DEFAULT_MIGRATION_OPTIONS: MigrationOptions = {
  mode: 'auto',
  deletes: 'delete',
  parallelism: 2,
  recreate: false,
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
  error?: string;
}

export interface CopyTableResult {
  table: string;
  mode: 'full' | 'sync';
  rows: number;
  bytes: number;
  checksum: string;
  changes: { inserted: number; updated: number; deleted: number };
}

export interface MigrationResult {
  configName: string;
  status: 'succeeded' | 'failed';
  tables: TableProgress[];
  /** Source objects the migration does not replicate (functions, triggers, views...). */
  notReplicated: string[];
}
