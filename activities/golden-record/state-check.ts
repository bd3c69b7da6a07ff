// The self-check before a state is trusted: counts, then a sample of customers rebuilt and re-hashed.
import type { Db } from 'mongodb';
import { buildGoldenRecord, type RunContext } from './build-document';
import type { GoldenCollections } from './batch-writer';
import { documentHash } from './document-hash';
import { validateGoldenRecord } from './document';
import { BUILDER_VERSION, readStateMeta, stateCollection } from './state';
import type { SourceHash, ViewCursor } from './view-cursor';

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
  mongo: Db,
  collections: GoldenCollections,
  views: ViewCursor<SourceHash>,
  run: RunContext,
): Promise<{ problem?: string; documentsRead: number }> {
  const sample = await views.sample(STATE_SAMPLE_SIZE, run.consolidationDate.toISOString());
  const rows = new Map((await views.rowsOf(sample.map((s) => s.customer_id))).map((row) => [row.customer_id, row]));
  let documentsRead = 0;
  for (const { customer_id: id, source_hash: sourceHash } of sample) {
    const entry = await stateCollection(mongo).findOne({ _id: id });
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

/** Trusted only if the last complete run recorded it for this builder, it still has that many entries, and the sample agrees. */
export async function checkState(
  mongo: Db,
  collections: GoldenCollections,
  views: ViewCursor<SourceHash>,
  run: RunContext,
): Promise<StateCheck> {
  const meta = await readStateMeta(mongo);
  if (!meta)
    return { distrust: 'no state recorded (first run, or the state was removed)', entries: 0, documentsRead: 0 };
  if (meta.version !== BUILDER_VERSION)
    return {
      distrust: `state written by document builder ${meta.version}, not ${BUILDER_VERSION}`,
      entries: 0,
      documentsRead: 0,
    };
  const entries = await stateCollection(mongo).countDocuments();
  if (entries !== meta.entries)
    return {
      distrust: `state holds ${entries} entries, the last complete run left ${meta.entries}`,
      entries: 0,
      documentsRead: 0,
    };
  const { problem, documentsRead } = await sampleProblem(mongo, collections, views, run);
  return { distrust: problem, entries, documentsRead };
}
