// Load order of a migration config. Pure: the migration workflow schedules its tables with it.
import { MigrationConfigError } from './errors';
import type { TableSpec } from './types';

export interface MigrationPlan {
  /** Every table once, each after all of its dependencies. */
  order: string[];
  /** Tables whose dependencies all sit in earlier levels; each level sorted by name. */
  levels: string[][];
}

/** Dependencies among `tables` only: a name outside them is outside this run (see readyTables). */
function dependencyMap(tables: TableSpec[]): Map<string, string[]> {
  const names = new Set(tables.map((table) => table.name));
  return new Map(tables.map((table) => [table.name, [...new Set(table.depends_on)].filter((dep) => names.has(dep))]));
}

/** Kahn's algorithm, one level at a time; ties broken by name (code-unit order, locale-independent). */
export function planMigration(tables: TableSpec[]): MigrationPlan {
  const dependencies = [...dependencyMap(tables)];
  const placed = new Set<string>();
  const levels: string[][] = [];
  for (;;) {
    const level = dependencies
      .filter(([name, deps]) => !placed.has(name) && deps.every((dep) => placed.has(dep)))
      .map(([name]) => name)
      .sort();
    if (level.length === 0) break;
    levels.push(level);
    level.forEach((name) => placed.add(name));
  }
  if (placed.size < dependencies.length) {
    const cycles = findCycles(tables).map((cycle) => `dependency cycle: ${formatCycle(cycle)}`);
    throw new MigrationConfigError(cycles.join('\n'));
  }
  return { order: levels.flat(), levels };
}

export const formatCycle = (cycle: string[]): string => cycle.join(' -> ');

/**
 * One cycle per back edge of a depth-first walk in config order, each closed (`[a, b, a]`:
 * a depends on b, b on a) and starting at its table that comes first in the config.
 */
export function findCycles(tables: TableSpec[]): string[][] {
  const dependencies = dependencyMap(tables);
  const position = new Map(tables.map((table, index) => [table.name, index]));
  const finished = new Set<string>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (name: string): void => {
    const onPath = path.indexOf(name);
    if (onPath >= 0) cycles.push(startAtFirst(path.slice(onPath), position));
    if (onPath >= 0 || finished.has(name)) return;
    path.push(name);
    for (const dep of dependencies.get(name) ?? []) visit(dep);
    path.pop();
    finished.add(name);
  };
  for (const name of dependencies.keys()) visit(name);
  return cycles;
}

function startAtFirst(loop: string[], position: Map<string, number>): string[] {
  const rank = (name: string) => position.get(name) ?? Infinity;
  const first = loop.reduce((best, name, index) => (rank(name) < rank(loop[best]!) ? index : best), 0);
  const rotated = [...loop.slice(first), ...loop.slice(0, first)];
  return [...rotated, rotated[0]!];
}

export interface ReadyQuery {
  tables: TableSpec[];
  /** Tables copied successfully. */
  done: Iterable<string>;
  running: Iterable<string>;
  /** Tables that must not start (failed, not_run, skipped). */
  excluded?: Iterable<string>;
  /** Tables that may start before their dependencies are done (their target has no foreign key yet). */
  free?: Iterable<string>;
  parallelism: number;
}

/**
 * The tables that may start now, in plan order: not started yet, every dependency done (unless
 * `free`), and no more than `parallelism` running at once. A dependency outside `tables` counts as done: it is
 * outside this run (e.g. `only`) and must already be in the target.
 */
export function readyTables({ tables, done, running, excluded = [], free = [], parallelism }: ReadyQuery): string[] {
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new MigrationConfigError(`parallelism must be a positive integer, got ${parallelism}`);
  }
  const finished = new Set(done);
  const started = new Set([...finished, ...running, ...excluded]);
  const dependencies = dependencyMap(tables);
  const unordered = new Set(free);
  const slots = parallelism - new Set(running).size;
  const ready = planMigration(tables).order.filter(
    (name) => !started.has(name) && (unordered.has(name) || dependencies.get(name)!.every((dep) => finished.has(dep))),
  );
  return ready.slice(0, Math.max(0, slots));
}

/** Every table that depends on `name` directly or transitively, sorted by name. */
export function dependents(tables: TableSpec[], name: string): string[] {
  const found = new Set<string>();
  let frontier = [name];
  while (frontier.length > 0) {
    const reached = tables.filter(
      (table) => !found.has(table.name) && table.depends_on.some((dep) => frontier.includes(dep)),
    );
    frontier = reached.map((table) => table.name);
    frontier.forEach((table) => found.add(table));
  }
  found.delete(name);
  return [...found].sort();
}

export interface BatchQuery {
  tables: TableSpec[];
  /** Tables still to copy. */
  pending: Iterable<string>;
  /** Tables copied already (or outside `tables`: they count as done). */
  done: Iterable<string>;
  /** Config name -> the source's row estimate (-1: unknown). */
  estimatedRows: Record<string, number>;
  below: number;
  /** Target tables (`schema.name`) created by this run: their first copy is a full one, left to run in parallel. */
  created: Iterable<string>;
  free?: Iterable<string>;
}

/**
 * The small tables copied together in one activity: pending, estimated below `below` rows, their target there
 * before this run, in plan order, each of whose dependencies is done, free or before it in the batch. Fewer
 * than two: none.
 */
export function smallTableBatch(query: BatchQuery): TableSpec[] {
  const pending = new Set(query.pending);
  const done = new Set(query.done);
  const created = new Set(query.created);
  const free = new Set(query.free ?? []);
  const known = new Set(query.tables.map((table) => table.name));
  const batch: TableSpec[] = [];
  const ready = (dep: string) => !known.has(dep) || done.has(dep) || batch.some((table) => table.name === dep);
  for (const name of planMigration(query.tables).order) {
    const table = query.tables.find((t) => t.name === name)!;
    const rows = query.estimatedRows[name] ?? -1;
    if (!pending.has(name) || created.has(`${table.schema_out}.${table.name}`) || rows < 0 || rows >= query.below)
      continue;
    if (free.has(name) || table.depends_on.every(ready)) batch.push(table);
  }
  return batch.length > 1 ? batch : [];
}
