// The contenders, on the same MongoDB-wire server: our upsert (full run, then an unchanged rerun) and the
// raw driver's unordered bulk upsert of the very documents our run wrote.
import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../common/env';
import { GOLDEN_RECORD_INDEXES } from '../../activities/golden-record/golden-collections';
import { upsertGoldenRecords, type UpsertSummary } from '../../activities/golden-record/upsert';
import os from 'node:os';
import type { PhaseSeconds } from '../../activities/golden-record/phases';
import { cpuBetween, cpuPerDoc, cpuSeconds, type CpuPids } from './cpu';
import { GOLDEN_RECORD_COLLECTION } from '../../activities/golden-record/collections';

export interface Timed<T> {
  result: T;
  seconds: number;
}

export async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export async function ourUpsert(
  env: Env,
  mongo: Db,
  batchSize: number,
  consolidationDate: Date,
  watch?: { phases: PhaseSeconds; progressEvery: number; cpuPids: CpuPids },
): Promise<Timed<UpsertSummary>> {
  const target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
  const phases = watch?.phases;
  try {
    const onBatch = watch ? intervalReporter(watch.phases, watch.progressEvery, watch.cpuPids) : undefined;
    return await timed(() =>
      upsertGoldenRecords({
        target,
        mongo,
        targetUrl: env.TARGET_DATABASE_URL,
        batchSize,
        consolidationDate,
        phases,
        ...(onBatch ? { onBatch } : {}),
      }),
    );
  } finally {
    await target.end();
  }
}

/**
 * Every `every` documents written: that interval's ms per document, whole and in the write phase, with the
 * load average; so growth with the collection's size shows within one run, at about the same load.
 */
function intervalReporter(phases: PhaseSeconds, every: number, cpuPids: CpuPids) {
  let last = { written: 0, at: process.hrtime.bigint(), write: 0, cpu: cpuSeconds(cpuPids) };
  return ({ written }: { written: number }) => {
    if (written - last.written < every) return;
    const now = { written, at: process.hrtime.bigint(), write: phases.write ?? 0, cpu: cpuSeconds(cpuPids) };
    const docs = now.written - last.written;
    const ms = (seconds: number) => ((seconds / docs) * 1000).toFixed(2);
    console.log(
      `    ${written} written: ${ms(Number(now.at - last.at) / 1e9)} ms/doc, write phase ${ms(now.write - last.write)} ms/doc, ${cpuPerDoc(cpuBetween(last.cpu, now.cpu), docs)}, load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    last = now;
  };
}

type Keyed = Document & { _id: number };

/**
 * Reads back our collection's first `limit` documents (untimed, one streaming cursor), and times only the raw writes: per chunk one
 * unordered bulkWrite of `$set` upserts by _id into an empty collection with the same indexes.
 */
export function rawDriverUpsert(from: Db, to: Db, chunkSize: number, limit: number): Promise<Timed<number>> {
  return rawDriverWrite(from, to, chunkSize, limit, ({ _id, ...fields }) => ({
    updateOne: { filter: { _id }, update: { $set: fields }, upsert: true },
  }));
}

async function rawDriverWrite(
  from: Db,
  to: Db,
  chunkSize: number,
  limit: number,
  op: (doc: Keyed) => AnyBulkWriteOperation<Keyed>,
): Promise<Timed<number>> {
  const sink = to.collection<Keyed>(GOLDEN_RECORD_COLLECTION);
  for (const { key, name } of GOLDEN_RECORD_INDEXES) await sink.createIndex(key, { name });
  let seconds = 0;
  let written = 0;
  const write = async (docs: Keyed[]) => {
    const chunk = await timed(() => sink.bulkWrite(docs.map(op), { ordered: false }));
    seconds += chunk.seconds;
    written += chunk.result.upsertedCount + chunk.result.modifiedCount + chunk.result.insertedCount;
  };
  let pending: Keyed[] = [];
  for await (const doc of from.collection<Keyed>(GOLDEN_RECORD_COLLECTION).find({}, { batchSize: chunkSize, limit })) {
    pending.push(doc);
    if (pending.length === chunkSize) {
      await write(pending);
      pending = [];
    }
  }
  if (pending.length > 0) await write(pending);
  return { result: written, seconds };
}
