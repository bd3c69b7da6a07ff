// The golden-record upsert: the three views, joined per customer, into MongoDB. A plain function: the
// activity wraps it (heartbeat from onBatch, resume from the heartbeat's progress).
//
// Which customers changed is decided in the database: per customer, a hash of the view rows its document
// is built from, joined with the compact state (state.ts, a table next to the views): only the customers
// whose hash differs leave Postgres, and only they are fetched, built, validated and written. A state that fails its self-check (state-check.ts)
// is not used: the run does a full pass, builds everyone, rewrites the state, and says why.
import type { Db } from 'mongodb';
import type pg from 'pg';
import { buildGoldenRecord, buildSources, type RunContext } from './build-document';
import { DEFAULT_UPSERT_BATCH_SIZE } from '../../workflows/golden-record/types';
import { planBatch, type BatchPlan } from './batch-plan';
import { writeBatch, type GoldenCollections, type WriteOutcome } from './batch-writer';
import { planChanges, storedFromEntries, type ChangePlan } from './change-plan';
import { ensureGoldenRecordIndexes, goldenCollections, recordFreshness } from './golden-collections';
import { checkState } from './state-check';
import {
  beginRun,
  BUILDER_VERSION,
  ensureStateTables,
  finishRun,
  readStateMeta,
  storeKey,
  writeStateEntries,
  type StateEntry,
} from './state';
import { openViewCursor, readRefreshDates, type ChangedCustomer, type ViewCursor } from './view-cursor';
import { finishFullPass } from './full-pass';
import { inPhase, type PhaseSeconds } from './phases';

export type UpsertPass = 'incremental' | 'full';

/** How a run goes through the customers; carried in the heartbeat so a retried attempt goes on the same way. */
export interface PassState {
  pass: UpsertPass;
  /** Why the state was not trusted (full pass only). */
  fullPassReason?: string;
  /** The collection was empty when the full pass began: new documents are plain inserts. */
  intoEmpty?: boolean;
  /** State entries when the pass began, plus those this attempt added. */
  stateEntries: number;
}

export interface UpsertProgress extends PassState {
  lastCustomerId: number;
  read: number;
  written: number;
  unchanged: number;
  quarantined: number;
}

export interface UpsertGoldenRecordsOptions {
  target: pg.Pool;
  mongo: Db;
  /** The target database's URL, for the documents' source paths (user and password are never written). */
  targetUrl: string;
  batchSize?: number;
  /** The run's time: written into changed documents and the collection's freshness; same on every retry. */
  consolidationDate: Date;
  /** Continue after this customer (an earlier attempt's last reported batch). */
  resumeAfterCustomerId?: number;
  /** The earlier attempt's pass, from its heartbeat. */
  resumePass?: PassState;
  /** Once the pass is chosen (a new run: after the state's self-check). */
  onPass?: (pass: PassState) => void;
  /** After each batch is written: safe to heartbeat as the resume point. */
  onBatch?: (progress: UpsertProgress) => void;
  signal?: AbortSignal;
  /** Seconds per phase are added here (the benchmark's breakdown). */
  phases?: PhaseSeconds;
}

/** Counts of this call only: a resumed call does not count what the earlier attempt did. */
export interface UpsertSummary {
  pass: UpsertPass;
  fullPassReason?: string;
  /** Customers of the views examined (by their source hash, in the database). */
  read: number;
  /** Documents built and validated (changed customers; everyone in a full pass). */
  built: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  markedMissing: number;
  /** Compact state entries that left the database: those of changed and gone customers only. */
  stateRead: number;
  /** Documents of the golden-record collections read (only the self-check's sample). */
  documentsRead: number;
  lastCustomerId: number;
}

function checkBatchSize(batchSize: number): number {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, not ${batchSize}`);
  return batchSize;
}

const emptySummary = (pass: PassState, lastCustomerId: number): UpsertSummary => ({
  pass: pass.pass,
  ...(pass.fullPassReason === undefined ? {} : { fullPassReason: pass.fullPassReason }),
  read: 0,
  built: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  quarantined: 0,
  markedMissing: 0,
  stateRead: 0,
  documentsRead: 0,
  lastCustomerId,
});

function count(summary: UpsertSummary, changes: ChangePlan, plan: BatchPlan, written: WriteOutcome): void {
  summary.read += changes.inSource.size;
  summary.built += changes.build.length;
  summary.inserted += written.inserted;
  summary.updated += written.updated;
  summary.unchanged += written.unchanged;
  summary.quarantined += plan.quarantined;
  summary.markedMissing += written.markedMissing;
}

interface Batch {
  changes: ChangePlan;
  plan: BatchPlan;
}

async function planBatchOf(
  rows: ChangedCustomer[],
  views: ViewCursor<ChangedCustomer>,
  run: RunContext,
  pass: PassState,
  phases?: PhaseSeconds,
): Promise<Batch> {
  const changes = planChanges(rows, run.consolidationDate);
  const viewRows = await inPhase(phases, 'fetch', () => views.rowsOf(changes.build));
  const plan = await inPhase(phases, 'build', () => {
    const candidates = viewRows.map((row) => buildGoldenRecord(row, run));
    const { stored, inQuarantine } = storedFromEntries(changes.entries.values());
    return planBatch(candidates, stored, inQuarantine, changes.inSource);
  });
  if (pass.pass === 'full' && !pass.intoEmpty) {
    // What the collection holds is unknown: every document is an upsert, and leaves quarantine if valid.
    plan.updates.push(...plan.inserts.splice(0));
    plan.releaseFromQuarantine.push(...plan.updates.map(({ record }) => record._id));
  }
  return { changes, plan };
}

/** The batch's new state entries: every customer built, and those gone from the source. */
async function stateEntriesOf(
  { changes, plan }: Batch,
  collections: GoldenCollections,
  at: Date,
): Promise<StateEntry[]> {
  const entries: StateEntry[] = [];
  for (const id of changes.build) {
    const outcome = plan.outcomes.get(id)!;
    const h = changes.sourceHash.get(id)!;
    if (outcome.valid) {
      entries.push({ _id: id, h, d: outcome.hash, at });
      continue;
    }
    // Invalid: the collection keeps whatever valid document it had.
    const known = changes.entries.get(id);
    const d = known
      ? known.d
      : ((await collections.records.findOne({ _id: id }, { projection: { data_hash: 1 } }))?.data_hash ?? null);
    entries.push({ _id: id, h, d, q: outcome.hash, at });
  }
  for (const entry of changes.gone) entries.push({ _id: entry._id, h: null, d: entry.d, at });
  return entries;
}

/** What the database did not return: unchanged customers, and those still in quarantine with the same rows. */
function countUnreturned(summary: UpsertSummary, views: ViewCursor<ChangedCustomer>, leftQuarantine: number): void {
  const counts = views.counts!;
  const stillQuarantined = counts.quarantinedEntries - leftQuarantine;
  const unchanged = counts.customers - summary.read - stillQuarantined;
  summary.read = counts.customers;
  summary.unchanged += unchanged;
  summary.quarantined += stillQuarantined;
  if (counts.lastCustomerId !== null) summary.lastCustomerId = Math.max(summary.lastCustomerId, counts.lastCustomerId);
}

async function upsertBatches(
  opts: UpsertGoldenRecordsOptions,
  collections: GoldenCollections,
  views: ViewCursor<ChangedCustomer>,
  pass: PassState,
  run: RunContext,
  summary: UpsertSummary,
): Promise<void> {
  let leftQuarantine = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const rows = await inPhase(opts.phases, 'select', () => views.next());
    const upTo = rows.at(-1)?.customer_id;
    summary.stateRead += rows.filter((row) => row.known).length;
    const batch = await planBatchOf(rows, views, run, pass, opts.phases);
    leftQuarantine += batch.changes.leftQuarantineEntries;
    const written = await inPhase(opts.phases, 'write', () =>
      writeBatch(collections, batch.plan, run.consolidationDate),
    );
    count(summary, batch.changes, batch.plan, written);
    // The store first, then the state: a crash between the two leaves a state behind the store (a harmless rewrite).
    pass.stateEntries += await inPhase(opts.phases, 'state', async () => {
      const newEntries = await stateEntriesOf(batch, collections, run.consolidationDate);
      return writeStateEntries(opts.target, opts.mongo, newEntries);
    });
    if (upTo === undefined) break;
    summary.lastCustomerId = upTo;
    opts.onBatch?.({
      ...pass,
      lastCustomerId: upTo,
      read: summary.read,
      written: summary.inserted + summary.updated,
      unchanged: summary.unchanged,
      quarantined: summary.quarantined,
    });
  }
  countUnreturned(summary, views, leftQuarantine);
}

/** A new run checks the state and ties it to the store; a resumed one goes on as its first attempt began. */
async function choosePass(
  opts: UpsertGoldenRecordsOptions,
  collections: GoldenCollections,
  run: RunContext,
): Promise<{ pass: PassState; documentsRead: number }> {
  if (opts.resumePass) return { pass: { ...opts.resumePass }, documentsRead: 0 };
  const check = await checkState(opts.target, opts.mongo, collections, run);
  if (check.distrust === undefined) {
    await beginRun(opts.target, opts.mongo, { full: false, at: run.consolidationDate });
    return { pass: { pass: 'incremental', stateEntries: check.entries }, documentsRead: check.documentsRead };
  }
  // A full pass restarted after a resume point keeps the entries written before it.
  if (opts.resumeAfterCustomerId === undefined)
    await beginRun(opts.target, opts.mongo, { full: true, at: run.consolidationDate });
  const intoEmpty = (await collections.records.findOne({}, { projection: { _id: 1 } })) === null;
  const stateEntries = (await readStateMeta(opts.target, storeKey(opts.mongo)))?.entries ?? 0;
  return {
    pass: { pass: 'full', fullPassReason: check.distrust, intoEmpty, stateEntries },
    documentsRead: check.documentsRead,
  };
}

/**
 * Upserts one document per customer into CustomersGoldenRecord: unchanged customers are not built nor
 * written, invalid documents go to quarantine, customers gone from the source are marked
 * `is_current: false`. Idempotent: a rerun, or a retry from any resume point, ends in the same state.
 */
export async function upsertGoldenRecords(opts: UpsertGoldenRecordsOptions): Promise<UpsertSummary> {
  const batchSize = checkBatchSize(opts.batchSize ?? DEFAULT_UPSERT_BATCH_SIZE);
  await ensureGoldenRecordIndexes(opts.mongo);
  await ensureStateTables(opts.target);
  const collections = goldenCollections(opts.mongo);
  const checkRun = {
    consolidationDate: opts.consolidationDate,
    sources: buildSources(opts.targetUrl, await readRefreshDates(opts.target)),
  };
  // Before the cursor opens: a full pass empties the state the cursor then reads in its snapshot.
  const { pass, documentsRead } = await inPhase(opts.phases, 'check', () => choosePass(opts, collections, checkRun));
  opts.onPass?.(pass);
  const views = await inPhase(opts.phases, 'select', () =>
    openViewCursor<ChangedCustomer>({
      target: opts.target,
      batchSize,
      afterCustomerId: opts.resumeAfterCustomerId,
      changes: { builderVersion: BUILDER_VERSION, store: storeKey(opts.mongo) },
    }),
  );
  try {
    const run = {
      consolidationDate: opts.consolidationDate,
      sources: buildSources(opts.targetUrl, views.refreshDates),
    };
    const summary = emptySummary(pass, opts.resumeAfterCustomerId ?? 0);
    summary.documentsRead = documentsRead;
    await upsertBatches({ ...opts, batchSize }, collections, views, pass, run, summary);
    await inPhase(opts.phases, 'finish', async () => {
      if (pass.pass === 'full')
        summary.markedMissing += await finishFullPass(collections, run.consolidationDate, pass.intoEmpty ?? false);
      await finishRun(opts.target, opts.mongo, run.consolidationDate);
      await recordFreshness(opts.mongo, run.consolidationDate, run.sources);
    });
    return summary;
  } finally {
    await views.close();
  }
}
