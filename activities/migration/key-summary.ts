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

const formatPrint = (count: number, xor: bigint) => `${count}:${xor}`;

/** The whole side's count and print, from its ranges. */
export function totalOf(prints: Iterable<string>): { count: number; print: string } {
  let count = 0;
  let xor = 0n;
  for (const print of prints) {
    const range = parsePrint(print);
    count += range.count;
    xor ^= range.xor;
  }
  return { count, print: count ? String(xor) : '' };
}

export function summaryOf(lo: bigint, width: bigint, prints: Map<string, string>): KeySummary {
  return {
    ...totalOf(prints.values()),
    byRange: { lo: String(lo), width: String(width), prints: Object.fromEntries(prints) },
  };
}

/** `summary` with keys added (their prints by range, or under '' without ranges). */
export function withAdded(summary: KeySummary, added: Map<string, string>): KeySummary {
  const addedTotal = totalOf(added.values());
  const count = summary.count + addedTotal.count;
  const xor = BigInt(summary.print || '0') ^ BigInt(addedTotal.print || '0');
  const total = { count, print: count ? String(xor) : '' };
  if (!summary.byRange) return total;
  const prints = { ...summary.byRange.prints };
  for (const [range, print] of added) {
    const before = parsePrint(prints[range] ?? '0:0');
    const plus = parsePrint(print);
    prints[range] = formatPrint(before.count + plus.count, before.xor ^ plus.xor);
  }
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
