// Compares the primary keys of both sides without moving rows: each side streams its key columns in key
// order (COPY of an index-ordered select) and one pass merges the two streams. Keys only one side has are
// collected, up to a cap: the target's are rows deleted at the source, the source's rows a cursor missed.
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { columnList } from './catalog';

/** Integer key types: their order is the same in Postgres and here (numbers), whatever the collation. */
export const MERGEABLE_KEY_TYPES = new Set(['smallint', 'integer', 'bigint']);

/** More differing keys than this: the caller falls back to staging the keys in the target. */
export const KEY_LIST_CAP = 10_000;

export type Key = readonly (number | bigint)[];

export interface KeyDifference {
  source: number;
  target: number;
  sourceOnly: Key[];
  targetOnly: Key[];
  /** Counts past the cap (the lists then hold the first KEY_LIST_CAP). */
  sourceOnlyCount: number;
  targetOnlyCount: number;
}

export interface KeySide {
  db: pg.PoolClient;
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

const keyCopy = (side: KeySide, key: readonly string[]) =>
  `copy (select ${columnList(key, 't')} from ${side.table} t ${side.where ? `where ${side.where}` : ''} ` +
  `order by ${columnList(key, 't')}) to stdout`;

function collect(list: Key[], key: Key): void {
  if (list.length < KEY_LIST_CAP) list.push(key);
}

/** Streams both sides' keys (integer columns only: see MERGEABLE_KEY_TYPES) and merges them. */
export async function diffKeys(
  source: KeySide,
  target: KeySide,
  key: readonly string[],
  signal?: AbortSignal,
): Promise<KeyDifference> {
  const sourceStream = source.db.query(copyTo(keyCopy(source, key)));
  const targetStream = target.db.query(copyTo(keyCopy(target, key)));
  const abort = () => {
    sourceStream.destroy(signal?.reason as Error);
    targetStream.destroy(signal?.reason as Error);
  };
  signal?.addEventListener('abort', abort, { once: true });
  const left = new KeyReader(sourceStream);
  const right = new KeyReader(targetStream);
  const difference: KeyDifference = {
    source: 0,
    target: 0,
    sourceOnly: [],
    targetOnly: [],
    sourceOnlyCount: 0,
    targetOnlyCount: 0,
  };
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
  return { ...difference, source: left.count, target: right.count };
}

/** `(k1, k2) in (select * from unnest('{..}'::int8[], '{..}'::int8[]))` over alias `alias`: literals only (COPY takes no parameters). */
export function keyIn(key: readonly string[], keys: readonly Key[], alias = 't'): string {
  if (keys.length === 0) return 'false';
  const arrays = key.map((_, column) => `'{${keys.map((k) => String(k[column])).join(',')}}'::int8[]`);
  return `(${columnList(key, alias)}) in (select * from unnest(${arrays.join(', ')}))`;
}
