// Shared by the migration workflow (sandboxed: no Node imports here), its activities and its client.

/** One entry of the migration config, as the seed wrote it. */
export interface TableSpec {
  name: string;
  schema_in: string;
  schema_out: string;
  depends_on: string[];
}

/** full: replace the target table's rows; sync: bring it up to date by primary key; auto: full when empty, else sync. */
export type CopyMode = 'auto' | 'full' | 'sync';

/** What sync does with target rows whose key is gone from the source. */
export type DeleteMode = 'delete' | 'flag';

export interface MigrationOptions {
  mode: CopyMode;
  deletes: DeleteMode;
  /** Tables copied at once (only tables with no dependency path between them). */
  parallelism: number;
  /** Drop and recreate target tables whose shape differs from the source instead of failing. */
  recreate: boolean;
}

/** What a run does when not told otherwise (CLI, daily pipeline). */
export const DEFAULT_MIGRATION_OPTIONS: MigrationOptions = { mode: 'auto', deletes: 'delete', parallelism: 2, recreate: false };

export interface MigrationInput {
  /** Name of the config (e.g. its file name without extension): part of the workflow id. */
  configName: string;
  tables: TableSpec[];
  /** Restrict the run to these table names (their dependencies must already be in the target). */
  only?: string[];
  options: MigrationOptions;
}

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
