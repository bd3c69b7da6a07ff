import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../common/env';
import { parseMigrationConfig } from '../../workflows/migration/config';
import { MigrationConfigError } from '../../workflows/migration/errors';
import type { TableSpec } from '../../workflows/migration/types';

/** The dvd_rental config: its 15 tables, schema public to dvd_rental. */
export const DVD_RENTAL_MIGRATION_CONFIG = path.join(REPO_ROOT, 'config', 'migration.json');

/** Where a JSON.parse message puts the error, if it says: its end, or "at position N". */
function reportedOffset(message: string, length: number): number | undefined {
  if (message.includes('Unexpected end of JSON input')) return length;
  const match = /at position (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The text up to `length` holds no error, only possibly an unfinished value. */
function cleanPrefix(text: string, length: number): boolean {
  try {
    JSON.parse(text.slice(0, length));
    return true;
  } catch (error) {
    return (reportedOffset((error as Error).message, length) ?? -1) >= length;
  }
}

/** Node 20 omits the position of an unexpected token: then find the longest clean prefix. */
function errorOffset(text: string, message: string): number {
  const reported = reportedOffset(message, text.length);
  if (reported !== undefined) return reported;
  let clean = 0;
  let dirty = text.length;
  while (dirty - clean > 1) {
    const middle = Math.floor((clean + dirty) / 2);
    if (cleanPrefix(text, middle)) clean = middle;
    else dirty = middle;
  }
  return clean;
}

function lineAndColumn(text: string, offset: number): string {
  const lines = text.slice(0, offset).split('\n');
  return `line ${lines.length}, column ${lines.at(-1)!.length + 1}`;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Node 20 quotes the whole text after an unexpected token: the position says enough.
    const message = (error as Error).message.replace(/, ".*" is not valid JSON$/s, '');
    throw new MigrationConfigError(
      `${file}: not valid JSON at ${lineAndColumn(text, errorOffset(text, message))}: ${message}`,
    );
  }
}

/** Reads and validates a migration config file; every error names the file. */
export async function readMigrationConfigFile(file: string): Promise<TableSpec[]> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new MigrationConfigError(`${file}: cannot read the migration config: ${(error as Error).message}`);
  }
  return parseMigrationConfig(parseJson(text, file), file);
}
