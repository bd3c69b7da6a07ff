import type { Db } from 'mongodb';
import {
  FRESHNESS_ID,
  GOLDEN_RECORD_COLLECTION,
  GOLDEN_RECORD_META_COLLECTION,
  QUARANTINE_COLLECTION,
} from './collections';
import type { GoldenRecordSource } from './document';
import type { CustomerKeyed, GoldenCollections } from './batch-writer';

export const GOLDEN_RECORD_INDEXES = [
  { key: { first_name: 1, last_name: 1 }, name: 'first_name_1_last_name_1' },
  { key: { email: 1 }, name: 'email_1' },
  { key: { phone: 1 }, name: 'phone_1' },
] as const;

export function goldenCollections(mongo: Db): GoldenCollections {
  return {
    records: mongo.collection<CustomerKeyed>(GOLDEN_RECORD_COLLECTION),
    quarantine: mongo.collection<CustomerKeyed>(QUARANTINE_COLLECTION),
  };
}

/** Idempotent: one createIndexes command; indexes that exist are left as they are. */
export async function ensureGoldenRecordIndexes(mongo: Db): Promise<void> {
  await mongo
    .collection(GOLDEN_RECORD_COLLECTION)
    .createIndexes(GOLDEN_RECORD_INDEXES.map(({ key, name }) => ({ key: { ...key }, name })));
}

export interface GoldenRecordFreshness {
  _id: typeof FRESHNESS_ID;
  last_consolidation_date: Date;
  /** By view name: where it is and when it was refreshed, as read by the last complete run. */
  views: Record<string, { path: string; last_refresh_date: Date | null }>;
}

/** The collection's freshness, written once per complete run instead of touching unchanged documents. */
export async function recordFreshness(
  mongo: Db,
  consolidationDate: Date,
  sources: GoldenRecordSource[],
): Promise<void> {
  const views = Object.fromEntries(
    sources.map(({ path, last_refresh_date }) => [path.slice(path.lastIndexOf('/') + 1), { path, last_refresh_date }]),
  );
  await mongo
    .collection<GoldenRecordFreshness>(GOLDEN_RECORD_META_COLLECTION)
    .updateOne(
      { _id: FRESHNESS_ID },
      { $set: { last_consolidation_date: consolidationDate, views } },
      { upsert: true },
    );
}

export async function readFreshness(mongo: Db): Promise<GoldenRecordFreshness | null> {
  return mongo.collection<GoldenRecordFreshness>(GOLDEN_RECORD_META_COLLECTION).findOne({ _id: FRESHNESS_ID });
}
