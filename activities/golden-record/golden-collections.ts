import type { Db, Filter } from 'mongodb';
import {
  FRESHNESS_ID,
  GOLDEN_RECORD_COLLECTION,
  GOLDEN_RECORD_META_COLLECTION,
  QUARANTINE_COLLECTION,
} from '../../golden-record/collections';
import type { GoldenRecordSource } from '../../golden-record/document';
import type { StoredState } from './batch-plan';
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

/** Idempotent. One index per command: FerretDB 1.24 crashes on a createIndexes of several indexes that all exist. */
export async function ensureGoldenRecordIndexes(mongo: Db): Promise<void> {
  const records = mongo.collection(GOLDEN_RECORD_COLLECTION);
  for (const { key, name } of GOLDEN_RECORD_INDEXES) await records.createIndex(key, { name });
}

/** _ids after `after` (exclusive) up to `upTo` (inclusive); either bound may be open. */
export function idRange(after: number | undefined, upTo: number | undefined): Filter<CustomerKeyed> {
  const range: { $gt?: number; $lte?: number } = {};
  if (after !== undefined) range.$gt = after;
  if (upTo !== undefined) range.$lte = upTo;
  return Object.keys(range).length > 0 ? { _id: range } : {};
}

/** What both collections hold over a range of _ids: hashes and currency only, never whole documents. */
export async function storedInRange(
  { records, quarantine }: GoldenCollections,
  range: Filter<CustomerKeyed>,
): Promise<{ stored: StoredState[]; inQuarantine: StoredState[] }> {
  const [stored, inQuarantine] = await Promise.all([
    records.find(range, { projection: { data_hash: 1, is_current: 1 } }).toArray(),
    quarantine.find(range, { projection: { data_hash: 1 } }).toArray(),
  ]);
  return { stored: stored as StoredState[], inQuarantine: inQuarantine as StoredState[] };
}

export interface GoldenRecordFreshness {
  _id: typeof FRESHNESS_ID;
  last_consolidation_date: Date;
  /** By view name: where it is and when it was refreshed, as read by the last complete run. */
  views: Record<string, { path: string; last_refresh_date: Date | null }>;
}

/** The collection's freshness, written once per complete run instead of touching unchanged documents. */
export async function recordFreshness(mongo: Db, consolidationDate: Date, sources: GoldenRecordSource[]): Promise<void> {
  const views = Object.fromEntries(
    sources.map(({ path, last_refresh_date }) => [path.slice(path.lastIndexOf('/') + 1), { path, last_refresh_date }]),
  );
  await mongo
    .collection<GoldenRecordFreshness>(GOLDEN_RECORD_META_COLLECTION)
    .updateOne({ _id: FRESHNESS_ID }, { $set: { last_consolidation_date: consolidationDate, views } }, { upsert: true });
}

export async function readFreshness(mongo: Db): Promise<GoldenRecordFreshness | null> {
  return mongo.collection<GoldenRecordFreshness>(GOLDEN_RECORD_META_COLLECTION).findOne({ _id: FRESHNESS_ID });
}
