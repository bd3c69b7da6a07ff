// The compact state of the golden record: per customer, the hash of the view rows its document was built
// from, so a rerun decides in the database which customers changed, and only those leave it. It lives in
// the target Postgres, next to the views it is compared with (one SQL join, no sort in the document store),
// one state per document store (keyed by its database name). A token written to both the store's meta
// document and the state's meta row at the start of every run ties the two: a store dropped, replaced or
// restored from a backup no longer has the state's token, and the next run does a full pass.
//
// Crash window: every batch writes the store first and the state after. A crash between the two leaves
// the state older than the store: the next run sees a hash that differs, rebuilds the customer and writes
// the same document again (harmless). The state is never ahead of the store.
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type pg from 'pg';
import { GOLDEN_RECORD_META_COLLECTION, STATE_META_ID } from './collections';
import { goldenRecordQuery, sourceHashQuery } from './golden-record-query';
import { inTransaction } from '../../common/transaction';

/**
 * Bump when the document built from the same view rows changes (build-document.ts, document.ts): every
 * stored hash then differs and the next run rebuilds everyone. The queries' text is part of it already.
 */
const BUILDER_REVISION = 'golden-record-document-1';
export const BUILDER_VERSION = `${BUILDER_REVISION}:${createHash('sha256')
  .update(goldenRecordQuery())
  .update(sourceHashQuery())
  .digest('hex')
  .slice(0, 16)}`;

export const STATE_TABLE = 'v_dvd_rental.golden_record_state';
/** Where the state lived before it moved to Postgres: dropped by the full pass the move causes. */
const LEGACY_STATE_COLLECTION = 'CustomersGoldenRecord_state';
export const STATE_META_TABLE = 'v_dvd_rental.golden_record_state_meta';

export interface StateEntry {
  _id: number;
  /** Hash of the customer's view rows when its document was last built; null once it left the source. */
  h: string | null;
  /** data_hash of its document in CustomersGoldenRecord; null when it has none (only ever quarantined). */
  d: string | null;
  /** data_hash of its quarantine entry, when it has one. */
  q?: string;
  at: Date;
}

/** The state's meta row (Postgres), one per document store. */
export interface StateMeta {
  version: string;
  /** The same as the store's meta document's, else the state is not the store's. */
  token: string;
  /** Entries of this store, kept in the same transaction as every write of them. */
  entries: number;
  /** False while a full pass rewrites the state: a half-written state is not trusted. */
  complete: boolean;
}

/** The store's side of the tie (CustomersGoldenRecord_meta, _id "state"). */
export interface StoreStateMeta {
  _id: typeof STATE_META_ID;
  version: string;
  token: string;
  written_at: Date;
}

const STATE_DDL = `
create table if not exists ${STATE_TABLE} (
  store text not null,
  customer_id integer not null,
  h text,
  d text,
  q text,
  at timestamptz not null,
  primary key (store, customer_id)
);
create table if not exists ${STATE_META_TABLE} (
  store text primary key,
  version text not null,
  token text not null,
  entries bigint not null,
  complete boolean not null,
  written_at timestamptz not null
);`;

/** The state's store key: the document store's database name. */
export const storeKey = (mongo: Db) => mongo.databaseName;

/** Idempotent: the state's tables in the target (the views' schema exists: the views are read from it). */
export async function ensureStateTables(target: pg.Pool): Promise<void> {
  await target.query(STATE_DDL);
}

const storeMetaCollection = (mongo: Db) => mongo.collection<StoreStateMeta>(GOLDEN_RECORD_META_COLLECTION);

export const readStoreStateMeta = (mongo: Db) => storeMetaCollection(mongo).findOne({ _id: STATE_META_ID });

export async function readStateMeta(target: pg.Pool, store: string): Promise<StateMeta | null> {
  const { rows } = await target.query<StateMeta>(
    `select version, token, entries::integer as entries, complete from ${STATE_META_TABLE} where store = $1`,
    [store],
  );
  const row = rows[0];
  return row ?? null;
}

export async function countStateEntries(target: pg.Pool, store: string): Promise<number> {
  const { rows } = await target.query<{ n: number }>(
    `select count(*)::integer as n from ${STATE_TABLE} where store = $1`,
    [store],
  );
  return rows[0]!.n;
}

/**
 * A new run's tie between store and state: a fresh token, into the store first, then the state's meta. A
 * full pass also empties the store's state and marks it incomplete until finishRun.
 */
export async function beginRun(target: pg.Pool, mongo: Db, { full, at }: { full: boolean; at: Date }): Promise<void> {
  const token = randomUUID();
  const store = storeKey(mongo);
  await storeMetaCollection(mongo).replaceOne(
    { _id: STATE_META_ID },
    { version: BUILDER_VERSION, token, written_at: at },
    { upsert: true },
  );
  if (full && (await mongo.listCollections({ name: LEGACY_STATE_COLLECTION }).hasNext()))
    await mongo.collection(LEGACY_STATE_COLLECTION).drop();
  await inTransaction(target, async (db) => {
    if (full) await db.query(`delete from ${STATE_TABLE} where store = $1`, [store]);
    await db.query(
      `insert into ${STATE_META_TABLE} (store, version, token, entries, complete, written_at)
       values ($1, $2, $3, 0, $4, $5)
       on conflict (store) do update
          set version = excluded.version, token = excluded.token, written_at = excluded.written_at,
              complete = excluded.complete and ${STATE_META_TABLE}.complete,
              entries = case when $4 then ${STATE_META_TABLE}.entries else 0 end`,
      [store, BUILDER_VERSION, token, !full, at],
    );
  });
}

/** The run went through every customer: a full pass's state is now complete. */
export async function finishRun(target: pg.Pool, mongo: Db, at: Date): Promise<void> {
  await target.query(`update ${STATE_META_TABLE} set complete = true, written_at = $2 where store = $1`, [
    storeKey(mongo),
    at,
  ]);
}

/** The batch's entries, replacing any the state has, with the meta's entry count, in one transaction. */
export async function writeStateEntries(target: pg.Pool, mongo: Db, entries: readonly StateEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const store = storeKey(mongo);
  return inTransaction(target, async (db) => {
    const { rows } = await db.query<{ inserted: boolean }>(
      `insert into ${STATE_TABLE} (store, customer_id, h, d, q, at)
       select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
       on conflict (store, customer_id) do update
          set h = excluded.h, d = excluded.d, q = excluded.q, at = excluded.at
       returning (xmax = 0) as inserted`,
      [
        store,
        entries.map((e) => e._id),
        entries.map((e) => e.h),
        entries.map((e) => e.d),
        entries.map((e) => e.q ?? null),
        entries.map((e) => e.at),
      ],
    );
    const inserted = rows.filter((row) => row.inserted).length;
    if (inserted > 0)
      await db.query(`update ${STATE_META_TABLE} set entries = entries + $2 where store = $1`, [store, inserted]);
    return inserted;
  });
}

export async function readStateEntry(target: pg.Pool, store: string, id: number): Promise<StateEntry | null> {
  const { rows } = await target.query<{ h: string | null; d: string | null; q: string | null; at: Date }>(
    `select h, d, q, at from ${STATE_TABLE} where store = $1 and customer_id = $2`,
    [store, id],
  );
  const row = rows[0];
  if (!row) return null;
  return { _id: id, h: row.h, d: row.d, ...(row.q === null ? {} : { q: row.q }), at: row.at };
}
