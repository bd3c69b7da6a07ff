// The migration config: a JSON array of tables, as the seed wrote it. Pure: workflow code imports it.
import { z } from 'zod';
import { show } from '../shared/identifiers';
import { formatIssue } from '../shared/zod-issues';
import { MigrationConfigError } from './errors';
import { findCycles, formatCycle } from './plan';
import { tableSpecSchema, type TableSpec } from './types';

/** The entries alone; parseMigrationConfig adds the checks across entries. */
export const migrationConfigSchema = z.array(tableSpecSchema).min(1);

interface Entry {
  label: string;
  spec: TableSpec;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function entryLabel(entry: unknown, index: number): string {
  const name = isRecord(entry) && typeof entry.name === 'string' ? ` ${show(entry.name)}` : '';
  return `tables[${index}]${name}`;
}

function parseEntry(entry: unknown, index: number, problems: string[]): Entry | undefined {
  const label = entryLabel(entry, index);
  const result = tableSpecSchema.safeParse(entry);
  if (result.success) return { label, spec: result.data };
  for (const issue of result.error.issues) problems.push(formatIssue(issue, { label }));
  return undefined;
}

function describeClash(first: TableSpec, second: TableSpec): string {
  const clashes = [
    first.schema_in === second.schema_in ? `read ${first.schema_in}.${first.name}` : '',
    first.schema_out === second.schema_out ? `write ${first.schema_out}.${first.name}` : '',
  ].filter(Boolean);
  return clashes.length > 0
    ? `both ${clashes.join(' and ')}`
    : 'names must be unique, as depends_on and the run report name tables alone';
}

function duplicateProblems(entries: Entry[]): string[] {
  const firstByName = new Map<string, Entry>();
  return entries.flatMap((entry) => {
    const first = firstByName.get(entry.spec.name);
    if (!first) firstByName.set(entry.spec.name, entry);
    return first ? [`${entry.label}: duplicate of ${first.label}: ${describeClash(first.spec, entry.spec)}`] : [];
  });
}

function dependencyProblems(entries: Entry[], names: Set<string>): string[] {
  return entries.flatMap(({ label, spec }) => [
    ...spec.depends_on
      .filter((dep) => !names.has(dep))
      .map((dep) => `${label}: depends_on names ${show(dep)}, which is not in the config`),
    ...spec.depends_on
      .filter((dep, index) => spec.depends_on.indexOf(dep) !== index)
      .map((dep) => `${label}: depends_on lists ${show(dep)} more than once`),
  ]);
}

function cycleProblems(entries: Entry[]): string[] {
  const labels = new Map(entries.map((entry) => [entry.spec.name, entry.label]));
  return findCycles(entries.map((entry) => entry.spec)).map(
    (cycle) => `${labels.get(cycle[0]!)}: dependency cycle: ${formatCycle(cycle)}`,
  );
}

function configProblems(json: unknown): { tables: TableSpec[]; problems: string[] } {
  if (!Array.isArray(json)) {
    const kind = json === null ? 'null' : typeof json;
    return { tables: [], problems: [`must be a JSON array of tables, not ${kind}`] };
  }
  if (json.length === 0) return { tables: [], problems: ['holds no tables: list at least one'] };
  const problems: string[] = [];
  const entries = json.flatMap((entry, index) => parseEntry(entry, index, problems) ?? []);
  const names = new Set(
    json.flatMap((entry) => (isRecord(entry) && typeof entry.name === 'string' ? [entry.name] : [])),
  );
  problems.push(...duplicateProblems(entries), ...dependencyProblems(entries, names), ...cycleProblems(entries));
  return { tables: entries.map((entry) => entry.spec), problems };
}

/**
 * Validates a parsed config. Throws a MigrationConfigError listing every problem found, one per
 * line, each prefixed with `source` and naming its entry.
 */
export function parseMigrationConfig(json: unknown, source = '<config>'): TableSpec[] {
  const { tables, problems } = configProblems(json);
  if (problems.length > 0) {
    throw new MigrationConfigError(problems.map((problem) => `${source}: ${problem}`).join('\n'));
  }
  return tables;
}

const jsonObject = (value: object) =>
  `{ ${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}: ${JSON.stringify(item)}`)
    .join(', ')} }`;

/** The config as JSON text, one table per line. */
export function formatMigrationConfig(tables: TableSpec[]): string {
  const line = (spec: TableSpec) =>
    `  { "name": ${JSON.stringify(spec.name)}, "schema_in": ${JSON.stringify(spec.schema_in)}, ` +
    `"schema_out": ${JSON.stringify(spec.schema_out)}, "depends_on": [${spec.depends_on.map((dep) => JSON.stringify(dep)).join(', ')}]` +
    `${spec.sync ? `, "sync": ${jsonObject(spec.sync)}` : ''} }`;
  return `[\n${tables.map(line).join(',\n')}\n]\n`;
}
