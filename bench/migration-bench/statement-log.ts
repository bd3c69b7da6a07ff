// Where each contender's time goes inside Postgres: the bench databases log every statement slower
// than SLOW_MS (log_min_duration_statement), and the lines a contender caused are read back from the
// cluster's log and summed per kind (COPY in, checksum, index, foreign key...).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Env } from '../../common/env';

export const SLOW_MS = 200;

export interface LoggedStatement {
  ms: number;
  kind: string;
  table: string;
}

/** For the sessions that connect to `database` from now on. */
export function logSlowStatementsSql(database: string): string {
  return `alter database ${pg.escapeIdentifier(database)} set log_min_duration_statement = ${SLOW_MS}`;
}

const logFile = (env: Env) => path.join(env.STACK_DATA_DIR, 'logs', 'postgres.log');

export function logPosition(env: Env): number {
  return fs.existsSync(logFile(env)) ? fs.statSync(logFile(env)).size : 0;
}

function readSince(env: Env, position: number): string {
  const size = logPosition(env);
  if (size <= position) return '';
  const buffer = Buffer.alloc(size - position);
  const fd = fs.openSync(logFile(env), 'r');
  try {
    fs.readSync(fd, buffer, 0, buffer.length, position);
  } finally {
    fs.closeSync(fd);
  }
  return buffer.toString('utf8');
}

const ENTRY_START = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[\d+\] /m;
const DURATION = /LOG: {2}duration: ([\d.]+) ms {2}(?:statement|execute [^:]*): ([\s\S]*)/;

/** `public` is the source's schema (and pg_restore's target), `dvd_rental` the migration's target. */
function tableOf(sql: string): string {
  const match = /"?(public|dvd_rental)"?\."?([a-z_]+)"?/.exec(sql);
  return match ? match[2]! : '';
}

function kindOf(sql: string): string {
  if (sql.startsWith('copy') && sql.includes(' to stdout')) return 'COPY out of the source';
  if (sql.startsWith('copy') && sql.includes(' from stdin')) return 'COPY into the target';
  // the target's, for a table synced by cursor next, is grouped by key range (its key summary)
  if (/select (.* as range, )?count\(\*\) as rows/.test(sql))
    return /"?dvd_rental"?\./.test(sql) ? 'verify checksum, target' : 'verify checksum, source';
  if (/^create (unique )?index/.test(sql)) return 'create index';
  if (/add constraint \S+ foreign key/.test(sql)) return 'add foreign key';
  if (/validate constraint/.test(sql)) return 'validate foreign key';
  if (/add constraint \S+ (primary key|unique)/.test(sql)) return 'add primary key / unique';
  if (sql.includes('setval')) return 'sequences';
  return 'other';
}

function parse(entry: string): LoggedStatement | undefined {
  const match = DURATION.exec(entry);
  if (!match) return undefined;
  const sql = match[2]!.replace(/\s+/g, ' ').trim().toLowerCase();
  return { ms: Number(match[1]), kind: kindOf(sql), table: tableOf(sql) };
}

/** The slow statements of the bench databases logged since `position`. */
export function statementsSince(env: Env, position: number): LoggedStatement[] {
  const entries = readSince(env, position).split(ENTRY_START);
  return entries.map(parse).filter((statement): statement is LoggedStatement => statement !== undefined);
}

/** Seconds per kind, largest first, with the tables that took most of each. */
export function summarize(statements: LoggedStatement[]): Array<{ kind: string; seconds: number; tables: string }> {
  const kinds = new Map<string, LoggedStatement[]>();
  for (const statement of statements) kinds.set(statement.kind, [...(kinds.get(statement.kind) ?? []), statement]);
  const sum = (list: LoggedStatement[]) => list.reduce((total, s) => total + s.ms, 0) / 1000;
  return [...kinds.entries()]
    .map(([kind, list]) => {
      const byTable = new Map<string, number>();
      for (const s of list) byTable.set(s.table, (byTable.get(s.table) ?? 0) + s.ms / 1000);
      const top = [...byTable.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
      return {
        kind,
        seconds: sum(list),
        tables: top.map(([table, seconds]) => `${table || '?'} ${seconds.toFixed(1)}`).join(', '),
      };
    })
    .sort((a, b) => b.seconds - a.seconds);
}
