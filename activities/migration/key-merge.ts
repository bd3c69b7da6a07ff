// Compares the primary keys of both sides without moving rows. Each side first sums up its keys by range of
// the first key column (count and XOR of the keys' hashes, per range: one aggregate query each, nothing
// streamed); only the ranges that differ are then streamed, key columns only, in key order, and merged in one
// pass. Keys only one side has are collected, up to a cap: the target's are rows deleted at the source, the
// source's rows a cursor missed.
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { columnList, quoteIdent } from './catalog';
import type { SourceTwin } from './source-twin';
import { fitsLayout, summaryOf, totalOf, type KeySummary, type RangePrints } from './key-summary';

/** Integer key types: their order is the same in Postgres and here (numbers), whatever the collation. */
export const MERGEABLE_KEY_TYPES = new Set(['smallint', 'integer', 'bigint']);

/** More differing keys than this: the caller falls back to staging the keys in the target. */
export const KEY_LIST_CAP = 10_000;

export type Key = readonly (number | bigint)[];

export interface KeyDifference {
  /** Keys on each side (every one compared, by its range's fingerprint). */
  source: number;
  target: number;
  /** Keys streamed and merged one by one (both sides): those of the ranges that differ. */
  streamed: number;
  /** count: the key counts were equal and nothing more was compared; keys: the keys themselves. */
  compared: 'count' | 'keys';
  /** The key ranges that were streamed and merged. */
  ranges?: KeyRanges;
  /** The source's keys summed up (by range, when the ranges were compared): what the target holds once synced. */
  sourceSummary?: KeySummary;
  /** Whether the target's keys were read, or taken from `knownTarget`. */
  targetRead: boolean;
  sourceOnly: Key[];
  targetOnly: Key[];
  /** Counts past the cap (the lists then hold the first KEY_LIST_CAP). */
  sourceOnlyCount: number;
  targetOnlyCount: number;
}

export interface KeySide {
  db: pg.ClientBase;
  /** A second session in the same snapshot: the ranges are summed up in two halves at once when a core is free. */
  twin?: () => Promise<SourceTwin>;
  table: string;
  /** Filters alias `t`, e.g. rows not flagged as deleted. */
  where?: string;
}

const NEWLINE = 0x0a;

function parseKey(line: string): Key {
  return line.split('\t').map((text) => {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : BigInt(text);
  });
}

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/** A COPY stream read key by key: it awaits once per chunk, not per row. */
class KeyReader {
  private batch: string[] = [];
  private at = 0;
  private rest = '';
  private parsed: Key | undefined;
  private readonly chunks: AsyncIterator<Buffer>;
  private done = false;
  count = 0;

  constructor(stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  get needsLoad(): boolean {
    return !this.done && this.at >= this.batch.length;
  }

  async load(): Promise<void> {
    while (this.needsLoad) {
      const next = await this.chunks.next();
      if (next.done) {
        this.done = true;
        return;
      }
      const chunk = next.value;
      const last = chunk.lastIndexOf(NEWLINE);
      const text = this.rest + chunk.toString('latin1', 0, last + 1);
      this.rest = chunk.toString('latin1', last + 1);
      this.batch = text.split('\n');
      this.batch.pop();
      this.at = 0;
    }
  }

  /** The current key (after load), or undefined at the end. */
  get head(): Key | undefined {
    if (this.at >= this.batch.length) return undefined;
    return (this.parsed ??= parseKey(this.batch[this.at]!));
  }

  skip(): void {
    this.at++;
    this.count++;
    this.parsed = undefined;
  }
}

/** Ranges of the first key column compared by fingerprint; the keys of differing ones are streamed. */
const RANGES = 1024;

const whereAll = (...conditions: Array<string | undefined>) => {
  const present = conditions.filter(Boolean);
  return present.length ? `where ${present.join(' and ')}` : '';
};

const keyCopy = (side: KeySide, key: readonly string[], ranges: string) =>
  `copy (select ${columnList(key, 't')} from ${side.table} t ${whereAll(side.where, ranges)} ` +
  `order by ${columnList(key, 't')}) to stdout`;

/** Ranges of the first key column: range = (key - lo) / width. */
export interface KeyRanges {
  lo: string;
  width: string;
  ranges: string[];
}

/** The range of alias `alias`'s row (first key column quoted). */
export const rangeOf = (first: string, lo: bigint | string, width: bigint | string, alias = 't') =>
  `((${alias}.${first}::int8 - ${BigInt(lo)}) / ${BigInt(width)})`;

/**
 * SQL keeping the rows (alias `t`) of these ranges, as bounds on the first key column (adjacent ranges
 * merged): an index range scan each, not a pass over the table. Only integers go into it.
 */
export function inRanges(key: readonly string[], ranges: KeyRanges): string {
  const lo = BigInt(ranges.lo);
  const width = BigInt(ranges.width);
  const sorted = [...new Set(ranges.ranges.map((range) => BigInt(range)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const spans: Array<[bigint, bigint]> = [];
  for (const range of sorted) {
    const last = spans.at(-1);
    if (last && last[1] === range) last[1] = range + 1n;
    else spans.push([range, range + 1n]);
  }
  const column = `t.${quoteIdent(key[0]!)}`;
  const bounds = spans.map(([from, to]) => `(${column} >= ${lo + from * width} and ${column} < ${lo + to * width})`);
  return `(${bounds.join(' or ') || 'false'})`;
}

interface Ranges {
  lo: bigint;
  width: bigint;
  /** Per range: `count:fingerprint` on each side. */
  source: Map<string, string>;
  target: Map<string, string>;
  /** False: the target's are the recorded ones. */
  targetRead: boolean;
}

interface Bounds {
  lo: string | null;
  hi: string | null;
}

async function bounds(side: KeySide, first: string): Promise<Bounds> {
  const { rows } = await side.db.query<Bounds>(
    `select min(t.${first})::int8::text as lo, max(t.${first})::int8::text as hi from ${side.table} t ${whereAll(side.where)}`,
  );
  return rows[0]!;
}

/** RANGES ranges over the keys both bounds span (one range from 0 when there is none). */
function layoutOver(sides: readonly Bounds[]): { lo: bigint; width: bigint } {
  const values = sides.flatMap((side) => [side.lo, side.hi]).filter((value): value is string => value !== null);
  const keys = values.map(BigInt);
  const lo = keys.length ? keys.reduce((x, y) => (x < y ? x : y)) : 0n;
  const hi = keys.length ? keys.reduce((x, y) => (x > y ? x : y)) : 0n;
  return { lo, width: (hi - lo) / BigInt(RANGES) + 1n };
}

/**
 * The ranges a sync would lay over `table`'s keys now, and its key hash: what a full copy's verify pass sums
 * the target's keys by, so that the next sync finds them recorded by range (key-summary.ts).
 */
export async function keyLayout(db: pg.ClientBase, table: string, key: readonly string[]) {
  const first = quoteIdent(key[0]!);
  const { lo, width } = layoutOver([await bounds({ db, table }, first)]);
  return { lo, width, range: rangeOf(first, lo, width), hash: keyHash(key) };
}

/** A 64-bit hash of alias `alias`'s key. */
export function keyHash(key: readonly string[], alias = 't'): string {
  const columns = key.map((column) => `${alias}.${quoteIdent(column)}::int8`);
  return columns.length === 1
    ? `hashint8extended(${columns[0]}, 0)`
    : `hash_record_extended(row(${columns.join(', ')}), 0)`;
}

/**
 * For a query grouped by key range, in a transaction. With statistics the planner expects a group per key (it
 * cannot know the ranges are few) and, in the default 4 MB, sorts every row instead of hashing (10M rentals on one
 * core: 6.6 s against 2.9 s).
 */
export const roomForRanges = (db: pg.ClientBase) => db.query(`set local work_mem = '64MB'`);

async function fingerprints(side: KeySide, key: readonly string[], of: string, only?: string) {
  await roomForRanges(side.db);
  const { rows } = await side.db.query<{ range: string; print: string }>(
    `select ${of} as range, count(*) || ':' || bit_xor(${keyHash(key)}) as print
       from ${side.table} t ${whereAll(side.where, only)} group by 1`,
  );
  return new Map(rows.map((row) => [row.range, row.print]));
}

/**
 * The grouped aggregate runs on one core: with the other side recorded, the source's ranges are split at a
 * range boundary near the middle of its keys and summed up in two sessions of its snapshot at once.
 */
async function fingerprintsInHalves(side: KeySide, key: readonly string[], layout: RangePrints, own: Bounds) {
  const first = quoteIdent(key[0]!);
  const of = rangeOf(first, layout.lo, layout.width);
  const twin = own.lo !== null && own.hi !== null ? await side.twin?.().catch(() => undefined) : undefined;
  if (!twin) return fingerprints(side, key, of);
  try {
    const [lo, width] = [BigInt(layout.lo), BigInt(layout.width)];
    const middle = (BigInt(own.lo!) + BigInt(own.hi!)) / 2n;
    const split = lo + ((middle - lo) / width) * width;
    const [below, above] = await Promise.all([
      fingerprints(side, key, of, `t.${first} < ${split}`),
      fingerprints({ ...side, db: twin.db }, key, of, `t.${first} >= ${split}`),
    ]);
    return new Map([...below, ...above]);
  } finally {
    await twin.end();
  }
}

/** Both sides by range; with `known` (the target's recorded ranges) only the source's, in the same ranges. */
async function summarize(
  source: KeySide,
  target: KeySide,
  key: readonly string[],
  known?: RangePrints,
): Promise<Ranges> {
  const first = quoteIdent(key[0]!);
  const own = known ? await bounds(source, first) : undefined;
  if (known && own && fitsLayout(known, own.lo, own.hi)) {
    const prints = await fingerprintsInHalves(source, key, known, own);
    const recorded = new Map(Object.entries(known.prints));
    return { lo: BigInt(known.lo), width: BigInt(known.width), source: prints, target: recorded, targetRead: false };
  }
  const [a, b] = await Promise.all([own ?? bounds(source, first), bounds(target, first)]);
  const { lo, width } = layoutOver([a, b]);
  const of = rangeOf(first, lo, width);
  const [sourcePrints, targetPrints] = await Promise.all([
    fingerprints(source, key, of),
    fingerprints(target, key, of),
  ]);
  return { lo, width, source: sourcePrints, target: targetPrints, targetRead: true };
}

const countOf = (prints: Map<string, string>) => totalOf(prints.values()).count;

/** The ranges whose fingerprints differ, or undefined when none does. */
function differingRanges(ranges: Ranges): KeyRanges | undefined {
  const all = new Set([...ranges.source.keys(), ...ranges.target.keys()]);
  const differing = [...all].filter((range) => ranges.source.get(range) !== ranges.target.get(range));
  return differing.length ? { lo: String(ranges.lo), width: String(ranges.width), ranges: differing } : undefined;
}

function collect(list: Key[], key: Key): void {
  if (list.length < KEY_LIST_CAP) list.push(key);
}

/** The whole side's key count and fingerprint (XOR of the key hashes): one pass, no grouping, as cheap as a count. */
async function tableFingerprint(side: KeySide, key: readonly string[]): Promise<{ count: number; print: string }> {
  const { rows } = await side.db.query<{ n: string; print: string | null }>(
    `select count(*) as n, bit_xor(${keyHash(key)})::text as print from ${side.table} t ${whereAll(side.where)}`,
  );
  return { count: Number(rows[0]!.n), print: rows[0]!.print ?? '' };
}

export interface DiffOptions {
  signal?: AbortSignal;
  onlyIfCountsDiffer?: boolean;
  /** Merge only these ranges (found differing by an earlier comparison): no counts, no fingerprints. */
  ranges?: KeyRanges;
  /** The target's keys as recorded (key-summary.ts): compared instead of reading them; its ranges are used. */
  knownTarget?: KeySummary;
}

/**
 * `onlyIfCountsDiffer`: equal key counts and whole-table fingerprints (one pass each side, no grouping) end the
 * comparison. Otherwise fingerprints by range, then a merge of the differing ranges. With `knownTarget` the
 * fingerprints of the target are the recorded ones: only the merge reads its keys.
 */
export async function diffKeys(
  source: KeySide,
  target: KeySide,
  key: readonly string[],
  options: DiffOptions = {},
): Promise<KeyDifference> {
  const { signal, knownTarget: known } = options;
  const none = { streamed: 0, sourceOnly: [], targetOnly: [], sourceOnlyCount: 0, targetOnlyCount: 0 };
  if (options.onlyIfCountsDiffer) {
    const [a, b] = await Promise.all([tableFingerprint(source, key), known ?? tableFingerprint(target, key)]);
    if (a.count === b.count && a.print === b.print)
      return {
        source: a.count,
        target: b.count,
        compared: 'count',
        sourceSummary: known ?? a,
        targetRead: !known,
        ...none,
      };
  }
  let counts = { source: 0, target: 0 };
  let differing = options.ranges;
  let sourceSummary: KeySummary | undefined;
  let targetRead = true;
  if (!differing) {
    const ranges = await summarize(source, target, key, known?.byRange);
    counts = { source: countOf(ranges.source), target: countOf(ranges.target) };
    differing = differingRanges(ranges);
    sourceSummary = summaryOf(ranges.lo, ranges.width, ranges.source);
    targetRead = ranges.targetRead;
  }
  const difference: KeyDifference = {
    ...counts,
    compared: 'keys',
    ranges: differing,
    ...(sourceSummary ? { sourceSummary } : {}),
    targetRead,
    streamed: 0,
    sourceOnly: [],
    targetOnly: [],
    sourceOnlyCount: 0,
    targetOnlyCount: 0,
  };
  if (!differing) return difference;
  const sourceStream = source.db.query(copyTo(keyCopy(source, key, inRanges(key, differing))));
  const targetStream = target.db.query(copyTo(keyCopy(target, key, inRanges(key, differing))));
  const abort = () => {
    sourceStream.destroy(signal?.reason as Error);
    targetStream.destroy(signal?.reason as Error);
  };
  signal?.addEventListener('abort', abort, { once: true });
  const left = new KeyReader(sourceStream);
  const right = new KeyReader(targetStream);
  try {
    for (;;) {
      if (left.needsLoad || right.needsLoad) await Promise.all([left.load(), right.load()]);
      const [a, b] = [left.head, right.head];
      if (!a && !b) break;
      const order = !a ? 1 : !b ? -1 : compareKeys(a, b);
      if (order <= 0) left.skip();
      if (order >= 0) right.skip();
      if (order < 0) {
        difference.sourceOnlyCount++;
        collect(difference.sourceOnly, a!);
      } else if (order > 0) {
        difference.targetOnlyCount++;
        collect(difference.targetOnly, b!);
      }
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  return { ...difference, streamed: left.count + right.count };
}

/** `(k1, k2) in (select * from unnest('{..}'::int8[], '{..}'::int8[]))` over alias `alias`: literals only (COPY takes no parameters). */
export function keyIn(key: readonly string[], keys: readonly Key[], alias = 't'): string {
  if (keys.length === 0) return 'false';
  const arrays = key.map((_, column) => `'{${keys.map((k) => String(k[column])).join(',')}}'::int8[]`);
  return `(${columnList(key, alias)}) in (select * from unnest(${arrays.join(', ')}))`;
}
