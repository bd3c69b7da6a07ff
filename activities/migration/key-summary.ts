// A side's primary keys summed up: their count and the XOR of their 64-bit hashes, overall and per range of the
// first key column (`count:xor`). A sync keeps the target's in its sync state, as it left the target: the next
// sync reads only the source's keys and compares them with it, plus the keys its upsert added (README
// "Incremental sync": the weekly or `--verify full` check reads both sides).

export interface KeySummary {
  count: number;
  /** XOR of the key hashes as int8 text; '' for no key. */
  print: string;
  byRange?: RangePrints;
}

/** Per range `(key - lo) / width` of the first key column: `count:xor`. */
export interface RangePrints {
  lo: string;
  width: string;
  prints: Record<string, string>;
}

function parsePrint(print: string): { count: number; xor: bigint } {
  const [count, xor] = print.split(':');
  return { count: Number(count), xor: xor ? BigInt(xor) : 0n };
}

/** Two `count:xor` prints of disjoint key sets as one. */
function addPrints(a: string, b: string): string {
  const [x, y] = [parsePrint(a), parsePrint(b)];
  return `${x.count + y.count}:${x.xor ^ y.xor}`;
}

/** The whole side's count and print, from its ranges. */
export function totalOf(prints: Iterable<string>): { count: number; print: string } {
  const sum = parsePrint([...prints].reduce(addPrints, '0:0'));
  return { count: sum.count, print: sum.count ? String(sum.xor) : '' };
}

export function summaryOf(lo: bigint, width: bigint, prints: Map<string, string>): KeySummary {
  return {
    ...totalOf(prints.values()),
    byRange: { lo: String(lo), width: String(width), prints: Object.fromEntries(prints) },
  };
}

/** `summary` with keys added (their prints by range, or under '' without ranges). */
export function withAdded(summary: KeySummary, added: Map<string, string>): KeySummary {
  const total = totalOf([`${summary.count}:${summary.print}`, ...added.values()]);
  if (!summary.byRange) return total;
  const prints = { ...summary.byRange.prints };
  for (const [range, print] of added) prints[range] = addPrints(prints[range] ?? '0:0', print);
  return { ...total, byRange: { ...summary.byRange, prints } };
}

/** Ranges beyond this many (the table grew past its layout) are laid out afresh, reading both sides once. */
const MAX_RANGES = 2048;

/** Whether the source's keys (its lowest and highest first column) fit the recorded ranges. */
export function fitsLayout(layout: RangePrints, lo: string | null, hi: string | null): boolean {
  if (lo === null || hi === null) return true;
  const start = BigInt(layout.lo);
  // (key - lo) / width truncates towards zero: a key below lo would share range 0 with the keys above it
  return BigInt(lo) >= start && (BigInt(hi) - start) / BigInt(layout.width) < BigInt(MAX_RANGES);
}
