// The benchmark's table and its goal checks.
export interface Row {
  customers: number;
  setupSeconds: number;
  fullSeconds: number;
  unchangedSeconds: number;
  changedSeconds: number;
  changed: number;
  rawSeconds: number;
  /** Documents the raw driver wrote (all, unless --raw-docs). */
  rawDocs: number;
  refreshSeconds: number;
  workerMb: number;
  serverMb?: number;
}

export const GOALS = { versusRaw: 0.8, unchangedSpeedup: 10, changedSpeedup: 5, perDocSpread: 1.5, workerMb: 256 };

const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const rate = (docs: number, seconds: number) => Math.round(docs / seconds).toString();

/** Our full run's docs/s over the raw driver's. */
const versusRaw = (r: Row) => r.customers / r.fullSeconds / (r.rawDocs / r.rawSeconds);

export function report(rows: Row[]): void {
  console.log(
    '\ncustomers | ours docs/s | raw docs/s | ours/raw | full s | unchanged s (speedup) | 1% s (speedup) | views refresh s | worker MB | server MB',
  );
  for (const r of rows) {
    console.log(
      [
        r.customers,
        rate(r.customers, r.fullSeconds),
        `${rate(r.rawDocs, r.rawSeconds)}${r.rawDocs < r.customers ? ` (first ${r.rawDocs})` : ''}`,
        versusRaw(r).toFixed(2),
        r.fullSeconds.toFixed(1),
        `${r.unchangedSeconds.toFixed(1)} (${(r.fullSeconds / r.unchangedSeconds).toFixed(1)}x)`,
        `${r.changedSeconds.toFixed(1)} (${(r.fullSeconds / r.changedSeconds).toFixed(1)}x)`,
        r.refreshSeconds.toFixed(1),
        r.workerMb.toFixed(0),
        r.serverMb === undefined ? '-' : r.serverMb.toFixed(0),
      ].join(' | '),
    );
  }
  console.log('\ngoals:');
  for (const r of rows) {
    const ratio = versusRaw(r);
    const unchanged = r.fullSeconds / r.unchangedSeconds;
    const changed = r.fullSeconds / r.changedSeconds;
    console.log(
      `  ${r.customers}: ours ${ratio.toFixed(2)}x raw (>= ${GOALS.versusRaw}) ${verdict(ratio >= GOALS.versusRaw)}; unchanged ${unchanged.toFixed(1)}x faster (>= ${GOALS.unchangedSpeedup}) ${verdict(unchanged >= GOALS.unchangedSpeedup)}; 1% changed ${changed.toFixed(1)}x faster (>= ${GOALS.changedSpeedup}) ${verdict(changed >= GOALS.changedSpeedup)}`,
    );
  }
  const perDoc = rows.map((r) => (r.fullSeconds / r.customers) * 1000);
  const spread = Math.max(...perDoc) / Math.min(...perDoc);
  console.log(
    `  time per document (full run): ${rows.map((r, i) => `${r.customers}: ${perDoc[i]!.toFixed(2)} ms`).join(', ')}; spread ${spread.toFixed(2)}x (<= ${GOALS.perDocSpread}) ${rows.length > 1 ? verdict(spread <= GOALS.perDocSpread) : 'n/a (one size)'}`,
  );
  const worker = Math.max(...rows.map((r) => r.workerMb));
  console.log(`  worker peak RSS ${worker.toFixed(0)} MB (< ${GOALS.workerMb}) ${verdict(worker < GOALS.workerMb)}`);
}
