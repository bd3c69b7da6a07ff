// Each fault test writes what it saw (trials, passed, rows checked, recovery times) to one JSON file per
// fault under .data/faults/; `npm run test:faults` (scripts/test-faults.ts) prints them as one table.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../common/env';

export const FAULT_RESULTS_DIR = path.join(REPO_ROOT, '.data', 'faults');

/** `npm run test:faults` sets FAULTS_LONG=1: each fault runs its long version (more trials). */
export const faultTrials = (short: number, long: number): number => (process.env.FAULTS_LONG === '1' ? long : short);

export interface FaultResult {
  fault: string;
  trials: number;
  passed: number;
  /** Rows (or documents) compared with the source or a clean run, over all passed trials. */
  rowsChecked: number;
  /** Fault to recovery (the retry making progress, or the run going on), per passed trial that measures it. */
  recoveryMs: number[];
}

export interface TrialOutcome {
  rowsChecked: number;
  recoveryMs?: number;
}

/** Counts the trials of one fault; `write()` (in afterAll) stores the file even when a trial failed. */
export function faultRecorder(fault: string) {
  const result: FaultResult = { fault, trials: 0, passed: 0, rowsChecked: 0, recoveryMs: [] };
  return {
    /** Runs one trial: it passed when `run` resolves (its assertions held). */
    async trial(run: () => Promise<TrialOutcome>): Promise<TrialOutcome> {
      result.trials++;
      const outcome = await run();
      result.passed++;
      result.rowsChecked += outcome.rowsChecked;
      if (outcome.recoveryMs !== undefined) result.recoveryMs.push(outcome.recoveryMs);
      return outcome;
    },
    write(): void {
      if (result.trials === 0) return;
      fs.mkdirSync(FAULT_RESULTS_DIR, { recursive: true });
      const file = fault.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      fs.writeFileSync(path.join(FAULT_RESULTS_DIR, `${file}.json`), JSON.stringify(result, null, 2));
    },
  };
}

export function readFaultResults(): FaultResult[] {
  if (!fs.existsSync(FAULT_RESULTS_DIR)) return [];
  return fs
    .readdirSync(FAULT_RESULTS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(fs.readFileSync(path.join(FAULT_RESULTS_DIR, file), 'utf8')) as FaultResult)
    .sort((a, b) => a.fault.localeCompare(b.fault, 'en', { numeric: true }));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function recovery(times: number[]): string {
  if (times.length === 0) return '-';
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return sorted.length === 1
    ? seconds(median)
    : `${seconds(sorted[0]!)} to ${seconds(sorted.at(-1)!)} (median ${seconds(median)})`;
}

/** A markdown table: fault, trials, passed, rows checked, recovery time. */
export function faultTable(results: FaultResult[]): string {
  const lines = [
    '| fault | trials | passed | rows checked | recovery time |',
    '| --- | ---: | ---: | ---: | --- |',
    ...results.map(
      (r) =>
        `| ${r.fault} | ${r.trials} | ${r.passed} | ${r.rowsChecked.toLocaleString('en')} | ${recovery(r.recoveryMs)} |`,
    ),
  ];
  return lines.join('\n');
}
