import type pg from 'pg';
import type { SourceView, ViewRow } from './build-document';
import {
  changedCustomersQuery,
  GOLDEN_RECORD_TYPES,
  goldenRecordQuery,
  refreshDatesQuery,
  sampleCustomersQuery,
  sourceCountsQuery,
  sourceHashQuery,
} from './golden-record-query';

const CURSOR = 'golden_record_rows';
/** Below every customer_id (an integer column): the start when there is nothing to resume after. */
const BEFORE_FIRST_CUSTOMER = -2147483648;

/** One customer's hash over the view columns its document is built from (sourceHashQuery). */
export interface SourceHash {
  customer_id: number;
  source_hash: string;
}

/**
 * A customer whose source hash differs from its state entry (changedCustomersQuery): new, changed, back
 * in the source, or gone from it (source_hash null). h, d, q: its state entry, when `known`.
 */
export interface ChangedCustomer {
  customer_id: number;
  source_hash: string | null;
  known: boolean;
  h: string | null;
  d: string | null;
  q: string | null;
}

/** What the changes cursor does not return, counted in its snapshot (after the resume point). */
export interface SourceCounts {
  /** Customers of the source. */
  customers: number;
  /** State entries of customers in the source with a quarantine hash. */
  quarantinedEntries: number;
  /** The source's last customer (null when there is none after the resume point). */
  lastCustomerId: number | null;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** The document rows of these customers. */
export async function documentRowsOf(db: Queryable, customerIds: readonly number[]): Promise<ViewRow[]> {
  if (customerIds.length === 0) return [];
  const fetched = await db.query({
    text: goldenRecordQuery(undefined, 'any'),
    values: [customerIds],
    types: GOLDEN_RECORD_TYPES,
  });
  return fetched.rows as ViewRow[];
}

/** The source hashes of `size` customers spread over the range (the same ones for the same seed). */
export async function sampleHashes(
  db: Queryable,
  size: number,
  seed: string,
  builderVersion: string,
): Promise<SourceHash[]> {
  const ids = await db.query<{ customer_id: number }>(sampleCustomersQuery(), [seed, size]);
  const fetched = await db.query<SourceHash>(sourceHashQuery(undefined, 'any'), [
    ids.rows.map((row) => row.customer_id),
    builderVersion,
  ]);
  return fetched.rows;
}

export async function readRefreshDates(db: Queryable): Promise<Record<SourceView, Date | null>> {
  const { rows } = await db.query({ text: refreshDatesQuery(), types: GOLDEN_RECORD_TYPES });
  return rows[0] as Record<SourceView, Date | null>;
}

export interface ViewCursor<Row> {
  /** When each view was refreshed, read in the same snapshot as the rows. */
  refreshDates: Record<SourceView, Date | null>;
  /** The next rows (at most batchSize); an empty array at the end. */
  next(): Promise<Row[]>;
  /** The document rows of these customers, in the cursor's snapshot (between two next() calls). */
  rowsOf(customerIds: readonly number[]): Promise<ViewRow[]>;
  /** Counted in the cursor's snapshot (changes cursor only). */
  counts?: SourceCounts;
  close(): Promise<void>;
}

/** The cursor's rows: whole document rows, or the customers that differ from the state (`changes` set). */
export interface ViewCursorOptions {
  target: pg.Pool;
  batchSize: number;
  afterCustomerId?: number;
  /** Changed customers instead of document rows: the builder version goes into every hash. */
  changes?: { builderVersion: string; store: string };
}

/**
 * A server-side cursor over the joined views in one read-only, repeatable-read transaction: the refresh
 * dates, every batch and every rowsOf() come from one snapshot, and only one batch is in memory at a time.
 */
export async function openViewCursor<Row = ViewRow>(opts: ViewCursorOptions): Promise<ViewCursor<Row>> {
  const client = await opts.target.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const refreshDates = await readRefreshDates(client);
    const after = opts.afterCustomerId ?? BEFORE_FIRST_CUSTOMER;
    let counts: SourceCounts | undefined;
    if (opts.changes === undefined)
      await client.query(`declare ${CURSOR} no scroll cursor for ${goldenRecordQuery()}`, [after]);
    else {
      const { builderVersion, store } = opts.changes;
      await client.query(`declare ${CURSOR} no scroll cursor for ${changedCustomersQuery()}`, [
        after,
        builderVersion,
        store,
      ]);
      const { rows } = await client.query<{ customers: number; quarantined: number; last_customer: number | null }>(
        sourceCountsQuery(),
        [after, store],
      );
      counts = {
        customers: rows[0]!.customers,
        quarantinedEntries: rows[0]!.quarantined,
        lastCustomerId: rows[0]!.last_customer,
      };
    }
    return {
      refreshDates,
      ...(counts === undefined ? {} : { counts }),
      async next() {
        const fetched = await client.query({
          text: `fetch forward ${opts.batchSize} from ${CURSOR}`,
          types: GOLDEN_RECORD_TYPES,
        });
        return fetched.rows as Row[];
      },
      rowsOf: (customerIds) => documentRowsOf(client, customerIds),
      async close() {
        try {
          await client.query('rollback');
          client.release();
        } catch (error) {
          client.release(error as Error);
        }
      },
    };
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
}
