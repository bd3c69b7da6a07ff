// The self-check before a state is trusted: the tie to the store, counts, then a sample of customers
// rebuilt and re-hashed.
import type { Db } from 'mongodb';
import type pg from 'pg';
import { buildGoldenRecord, type RunContext } from './build-document';
import type { GoldenCollections } from './batch-writer';
import { documentHash } from './document-hash';
import { validateGoldenRecord } from './document';
import {
  BUILDER_VERSION,
  countStateEntries,
  readStateEntry,
  readStateMeta,
  readStoreStateMeta,
  storeKey,
} from './state';
import { documentRowsOf, sampleHashes } from './view-cursor';

/** Customers rebuilt from the views and compared with what the store holds for them. */
export const STATE_SAMPLE_SIZE = 16;

export interface StateCheck {
  /** Why the state is not trusted (the run does a full pass), or undefined when it is. */
  distrust?: string;
  /** Entries the state holds (when trusted). */
  entries: number;
  /** Store documents the check read (the sample's). */
  documentsRead: number;
}

async function sampleProblem(
  target: pg.Pool,
  mongo: Db,
  collections: GoldenCollections,
  run: RunContext,
): Promise<{ problem?: string; documentsRead: number }> {
  const sample = await sampleHashes(target, STATE_SAMPLE_SIZE, run.consolidationDate.toISOString(), BUILDER_VERSION);
  const ids = sample.map((s) => s.customer_id);
  const rows = new Map((await documentRowsOf(target, ids)).map((row) => [row.customer_id, row]));
  let documentsRead = 0;
  for (const { customer_id: id, source_hash: sourceHash } of sample) {
    const entry = await readStateEntry(target, storeKey(mongo), id);
    if (!entry || entry.h !== sourceHash) continue; // will be rebuilt anyway: nothing taken on trust
    const candidate = buildGoldenRecord(rows.get(id)!, run);
    const validation = validateGoldenRecord(candidate);
    const stored = validation.valid
      ? await collections.records.findOne({ _id: id }, { projection: { data_hash: 1, is_current: 1 } })
      : await collections.quarantine.findOne({ _id: id }, { projection: { data_hash: 1 } });
    documentsRead += 1;
    const expected = documentHash(validation.valid ? validation.record : candidate);
    const recorded = validation.valid ? entry.d : entry.q;
    if (stored?.data_hash !== expected || recorded !== expected || (validation.valid && stored.is_current === false))
      return {
        problem: `customer ${id}: the state says unchanged, but the stored document is not the one its rows build`,
        documentsRead,
      };
  }
  return { documentsRead };
}

const distrusted = (distrust: string): StateCheck => ({ distrust, entries: 0, documentsRead: 0 });

/**
 * Trusted only if a complete run of this builder left it, it is this store's (the same token on both
 * sides), it still has the entries its writes counted, and the sample agrees.
 */
export async function checkState(
  target: pg.Pool,
  mongo: Db,
  collections: GoldenCollections,
  run: RunContext,
): Promise<StateCheck> {
  const meta = await readStateMeta(target, storeKey(mongo));
  if (!meta) return distrusted('no state recorded (first run, or the state was removed)');
  if (meta.version !== BUILDER_VERSION)
    return distrusted(`state written by document builder ${meta.version}, not ${BUILDER_VERSION}`);
  if (!meta.complete) return distrusted('the last full pass did not finish');
  const storeMeta = await readStoreStateMeta(mongo);
  if (storeMeta?.token !== meta.token)
    return distrusted(
      'the store is not the one the state was written for (its state token differs: replaced, dropped or restored)',
    );
  const entries = await countStateEntries(target, storeKey(mongo));
  if (entries !== meta.entries)
    return distrusted(`state holds ${entries} entries, the last complete run left ${meta.entries}`);
  const { problem, documentsRead } = await sampleProblem(target, mongo, collections, run);
  return { distrust: problem, entries, documentsRead };
}
