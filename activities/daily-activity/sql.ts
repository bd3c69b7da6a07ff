import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../common/env';

const SQL_DIR = path.join(REPO_ROOT, 'sql', 'daily-activity');

export type StatementName =
  | 'ledger'
  | 'backlog'
  | 'deactivate'
  | 'new-address'
  | 'new-customer'
  | 'rentals'
  | 'planned-returns'
  | 'returns'
  | 'checksum';

const cache = new Map<StatementName, string>();

/** A statement of sql/daily-activity/, read once. */
export function statement(name: StatementName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = fs.readFileSync(path.join(SQL_DIR, `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
