// The benchmark's table and its goal checks.
import type { PhaseSeconds } from '../../activities/golden-record/phases';
import { cpuPerDoc, totalCpu, type CpuSeconds } from './cpu';

/** Everything after the full run (absent with --full-only). */
export interface Reruns {
  unchangedSeconds: number;
  changedSeconds: number;
  changed: number;
  rawSeconds: number;
  /** Documents the raw driver wrote (all, unless --raw-docs). */
  rawDocs: number;
  refreshSeconds: number;
}

export interface Row {
  customers: number;
  setupSeconds: number;
  fullSeconds: number;
  /** The full run's seconds per phase. */
  phases: PhaseSeconds;
  /** The machine's 1-minute load average when the full run began and ended. */
  load: { before: number; after: number };
  /** The full run's CPU seconds: this process, the server, the stack's Postgres. */
  cpu: CpuSeconds;
  workerMb: number;
  serverMb?: number;
  reruns?: Reruns;
}

export const GOALS = { versusRaw: 0.8, unchangedSpeedup: 10, changedSpeedup: 5, perDocSpread: 1.5, workerMb: 256 };

const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const rate = (docs: number, seconds: number) => Math.round(docs / seconds).toString();
const loadOf = (r: Row) => `${r.load.before.toFixed(1)}-${r.load.after.toFixed(1)}`;

/** Our full run's docs/s over the raw driver's. */
const versusRaw = (r: Row, x: Reruns) => r.customers / r.fullSeconds / (x.rawDocs / x.rawSeconds);

function table(rows: Row[]): void {
  console.log(
    '\ncustomers | load | ours docs/s | raw docs/s | ours/raw | full s | unchanged s (speedup) | 1% s (speedup) | views refresh s | worker MB | server MB',
  );
  for (const r of rows) {
    const x = r.reruns;
    console.log(
      [
        r.customers,
        loadOf(r),
        rate(r.customers, r.fullSeconds),
        x ? `${rate(x.rawDocs, x.rawSeconds)}${x.rawDocs < r.customers ? ` (first ${x.rawDocs})` : ''}` : '-',
        x ? versusRaw(r, x).toFixed(2) : '-',
        r.fullSeconds.toFixed(1),
        x ? `${x.unchangedSeconds.toFixed(1)} (${(r.fullSeconds / x.unchangedSeconds).toFixed(1)}x)` : '-',
        x ? `${x.changedSeconds.toFixed(1)} (${(r.fullSeconds / x.changedSeconds).toFixed(1)}x)` : '-',
        x ? x.refreshSeconds.toFixed(1) : '-',
        r.workerMb.toFixed(0),
        r.serverMb === undefined ? '-' : r.serverMb.toFixed(0),
      ].join(' | '),
    );
  }
}

function perDocLine(rows: Row[], what: string, seconds: (r: Row) => number): void {
  const perDoc = rows.map((r) => (seconds(r) / r.customers) * 1000);
  const spread = Math.max(...perDoc) / Math.min(...perDoc);
  const sizes = rows.map((r, i) => `${r.customers}: ${perDoc[i]!.toFixed(2)} ms (load ${loadOf(r)})`);
  const ok = rows.length > 1 ? verdict(spread <= GOALS.perDocSpread) : 'n/a (one size)';
  console.log(
    `  time per document (${what}): ${sizes.join(', ')}; spread ${spread.toFixed(2)}x (<= ${GOALS.perDocSpread}) ${ok}`,
  );
}

export function report(rows: Row[]): void {
  table(rows);
  console.log('\ngoals:');
  for (const r of rows) {
    const x = r.reruns;
    if (!x) continue;
    const ratio = versusRaw(r, x);
    const unchanged = r.fullSeconds / x.unchangedSeconds;
    const changed = r.fullSeconds / x.changedSeconds;
    console.log(
      `  ${r.customers}: ours ${ratio.toFixed(2)}x raw (>= ${GOALS.versusRaw}) ${verdict(ratio >= GOALS.versusRaw)}; unchanged ${unchanged.toFixed(1)}x faster (>= ${GOALS.unchangedSpeedup}) ${verdict(unchanged >= GOALS.unchangedSpeedup)}; 1% changed ${changed.toFixed(1)}x faster (>= ${GOALS.changedSpeedup}) ${verdict(changed >= GOALS.changedSpeedup)}`,
    );
  }
  perDocLine(rows, 'whole full run', (r) => r.fullSeconds);
  perDocLine(rows, "full run's write phase", (r) => r.phases.write ?? 0);
  perDocLine(rows, 'CPU, worker + server + Postgres', (r) => totalCpu(r.cpu));
  for (const r of rows) console.log(`    ${r.customers}: ${cpuPerDoc(r.cpu, r.customers)}`);
  console.log('  full run per phase, ms per document:');
  for (const r of rows) {
    const phases = Object.entries(r.phases).map(
      ([phase, seconds]) => `${phase} ${((seconds / r.customers) * 1000).toFixed(3)}`,
    );
    console.log(`    ${r.customers} (load ${loadOf(r)}): ${phases.join(', ')}`);
  }
  const worker = Math.max(...rows.map((r) => r.workerMb));
  console.log(`  worker peak RSS ${worker.toFixed(0)} MB (< ${GOALS.workerMb}) ${verdict(worker < GOALS.workerMb)}`);
}
