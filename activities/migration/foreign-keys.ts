// Foreign keys between config tables, after the rows. Each is added NOT VALID inside the schema
// transaction (a brief lock), then validated per referencing table on connections of their own, two
// tables at once: VALIDATE CONSTRAINT locks only the referencing table against other validations,
// where ADD with its validation would lock the referenced table too and so run one key at a time.
import pg from 'pg';
import { TableDataError } from '../../workflows/migration/errors';
import type { TableSpec } from '../../workflows/migration/types';
import type { SourceForeignKey } from './introspect-objects';
import { targetOf } from './schema-config';
import { displayName, nameKey, quotedName, rewriteNames, type NameMap } from './sql-names';

const VALIDATE_LANES = 2;

const FOREIGN_KEY_VIOLATION = '23503';

interface Unvalidated {
  /** Quoted target table. */
  table: string;
  name: string;
  label: string;
}

export interface AddedForeignKeys {
  lines: string[];
  unvalidated: Unvalidated[];
}

async function existing(db: pg.PoolClient, table: string, name: string): Promise<{ validated: boolean } | undefined> {
  const { rows } = await db.query<{ validated: boolean }>(
    `select convalidated as validated from pg_constraint where conrelid = $1::regclass and conname = $2`,
    [table, name],
  );
  return rows[0];
}

/** In the caller's transaction: the keys missing, NOT VALID; `unvalidated` lists them and any left unvalidated before. */
export async function addForeignKeys(
  db: pg.PoolClient,
  tables: Array<{ spec: TableSpec; foreignKeys: SourceForeignKey[] }>,
  relations: NameMap,
): Promise<AddedForeignKeys> {
  const added: AddedForeignKeys = { lines: [], unvalidated: [] };
  for (const { spec, foreignKeys } of tables) {
    const target = targetOf(spec);
    const table = quotedName(target);
    for (const key of foreignKeys) {
      const label = `${displayName(target)}.${key.name}`;
      if (!relations.has(nameKey(key.references.schema, key.references.name))) {
        added.lines.push(`${label}: skipped (references ${displayName(key.references)}, which is not in the config)`);
        continue;
      }
      const found = await existing(db, table, key.name);
      if (!found) {
        const definition = rewriteNames(key.definition, relations);
        await db.query(`alter table ${table} add constraint ${pg.escapeIdentifier(key.name)} ${definition} not valid`);
      }
      added.lines.push(`${label}: ${found ? 'present' : 'created'}`);
      if (!found?.validated) added.unvalidated.push({ table, name: key.name, label });
    }
  }
  return added;
}

async function validateTable(pool: pg.Pool, keys: Unvalidated[]): Promise<void> {
  const client = await pool.connect();
  try {
    for (const key of keys) {
      await client
        .query(`alter table ${key.table} validate constraint ${pg.escapeIdentifier(key.name)}`)
        .catch((error: Error & { code?: string }) => {
          const message = `${key.label}: ${error.message}`;
          // rows that break the key: no retry changes them (the key stays NOT VALID until they are fixed)
          if (error.code === FOREIGN_KEY_VIOLATION) throw new TableDataError(message);
          throw Object.assign(error, { message });
        });
    }
  } finally {
    client.release();
  }
}

/** After the schema transaction committed; a key that fails stays NOT VALID and is validated again next time. */
export async function validateForeignKeys(pool: pg.Pool, keys: Unvalidated[]): Promise<void> {
  const byTable = new Map<string, Unvalidated[]>();
  for (const key of keys) byTable.set(key.table, [...(byTable.get(key.table) ?? []), key]);
  const queue = [...byTable.values()];
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await validateTable(pool, next);
  };
  await Promise.all(Array.from({ length: VALIDATE_LANES }, lane));
}
