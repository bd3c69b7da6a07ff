// The benchmark's printed report: the contenders table, the goal checks and the migration's phases.
import type { MigrationResult } from '../../workflows/migration/types';
import { phaseSpan, type Phase } from './history';
import { summarize } from './statement-log';
import type { Measurement } from './support';

const pad = (text: string, width: number) => text.padEnd(width);
const padLeft = (text: string, width: number) => text.padStart(width);
const rate = (m: Measurement) => m.rows / m.seconds;
const formatRate = (value: number) => Math.round(value).toLocaleString('en-US');

/** One line per contender; "time vs migration" is its wall time over the migration's on the same source (>1: the migration is faster). */
export function contendersTable(measurements: Measurement[], reference: (m: Measurement) => Measurement): string[] {
  const width = Math.max(...measurements.map((m) => m.contender.length));
  const header = `${pad('contender', width)} ${padLeft('rows', 11)} ${padLeft('wall s', 8)} ${padLeft('rows/s', 11)} ${padLeft('time vs migration', 18)}`;
  const lines = measurements.map((m) => {
    const ratio = m.seconds / reference(m).seconds;
    return `${pad(m.contender, width)} ${padLeft(m.rows.toLocaleString('en-US'), 11)} ${padLeft(m.seconds.toFixed(1), 8)} ${padLeft(formatRate(rate(m)), 11)} ${padLeft(`${ratio.toFixed(2)}x`, 18)}`;
  });
  const legend =
    "  time vs migration: the contender's wall time / the migration's on the same source (below 1: the contender is faster)";
  const notes = measurements.map((m) => `  ${m.contender}: ${m.note}`);
  return [header, '-'.repeat(header.length), ...lines, legend, '', ...notes];
}

export interface Goal {
  name: string;
  value: number;
  /** The goal holds when value >= atLeast (or value < below). */
  atLeast?: number;
  below?: number;
  unit: string;
  detail: string;
}

export function goalLines(goals: Goal[]): string[] {
  return goals.map((goal) => {
    const pass = goal.atLeast !== undefined ? goal.value >= goal.atLeast : goal.value < goal.below!;
    const target = goal.atLeast !== undefined ? `>= ${goal.atLeast}${goal.unit}` : `< ${goal.below}${goal.unit}`;
    return `${pass ? 'PASS' : 'FAIL'}  ${pad(goal.name, 40)} ${padLeft(`${goal.value.toFixed(2)}${goal.unit}`, 10)} (goal ${target}) ${goal.detail}`;
  });
}

/** The migration's wall time split by its activities, and the per-table copy activities (copy, verify, keys and indexes: one transaction each). */
export function phaseLines(
  wallSeconds: number,
  phases: Phase[],
  result: MigrationResult,
  checksums: Map<string, number>,
): string[] {
  const schema = phaseSpan(phases, 'migrationCheckSource') + phaseSpan(phases, 'migrationPrepareTarget');
  const copy = phaseSpan(phases, 'migrationCopyTable');
  const finish = phaseSpan(phases, 'migrationFinishTarget');
  const rest = wallSeconds - schema - copy - finish;
  const share = (seconds: number) =>
    `${seconds.toFixed(1).padStart(6)} s ${((seconds / wallSeconds) * 100).toFixed(0).padStart(3)}%`;
  const lines = [
    `  source check + target pre-data (schemas, types, tables, no keys)   ${share(schema)}`,
    `  table copies, first start to last end (COPY, verify, keys+indexes) ${share(copy)}`,
    `  post-data (foreign keys, sequences; keys/indexes already present)  ${share(finish)}`,
    `  the rest (ledger, workflow tasks, gaps between activities)          ${share(rest)}`,
    '  per table (activity run time; checksum = both verify checksums timed again afterwards, on their own):',
  ];
  const start = Math.min(...phases.map((phase) => phase.scheduledMs));
  const copies = phases.filter((phase) => phase.activity === 'migrationCopyTable' && phase.table);
  const slowest = copies.sort((a, b) => b.completedMs - b.startedMs - (a.completedMs - a.startedMs)).slice(0, 6);
  const offset = (ms: number) => ((ms - start) / 1000).toFixed(1);
  for (const phase of slowest) {
    const rows = result.tables.find((table) => table.table === phase.table)?.rows ?? 0;
    const seconds = (phase.completedMs - phase.startedMs) / 1000;
    const checksum = checksums.get(phase.table!) ?? 0;
    lines.push(
      `    ${pad(phase.table!, 14)} ${padLeft(rows.toLocaleString('en-US'), 11)} rows ${padLeft(seconds.toFixed(1), 6)} s (${offset(phase.startedMs)} to ${offset(phase.completedMs)} s), of which checksum ~${checksum.toFixed(1)} s`,
    );
  }
  return lines;
}

/** Per contender, the time its slow statements took inside Postgres, by kind. */
export function statementLines(measurements: Measurement[]): string[] {
  const lines: string[] = [];
  for (const m of measurements) {
    if (!m.statements?.length) continue;
    lines.push(`  ${m.contender} (${m.seconds.toFixed(1)} s wall):`);
    for (const { kind, seconds, tables } of summarize(m.statements)) {
      lines.push(`    ${pad(kind, 26)} ${padLeft(seconds.toFixed(1), 6)} s   ${tables}`);
    }
  }
  return lines;
}
