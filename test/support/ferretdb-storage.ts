// The server's own record of writes, on the local FerretDB: it keeps each collection in a Postgres table of
// the `ferretdb` database, and every insert, update or delete leaves new row versions there (another ctid
// or xmin). Equal fingerprints before and after a run: not one write reached the collection's storage.
import pg from 'pg';
import type { Env } from '../../common/env';
import { FERRETDB_DATABASE } from '../../stack/ferretdb';
import { adminUrl } from '../../stack/postgres';

/** Row versions (ctid:xmin, sorted) of each collection's table, by collection name. */
export async function storageFingerprint(
  env: Env,
  database: string,
  collections: readonly string[],
): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: adminUrl(env, FERRETDB_DATABASE) });
  await client.connect();
  try {
    const schema = pg.escapeIdentifier(database);
    const { rows } = await client.query<{ name: string; table: string }>(
      `select _jsonb->>'_id' as name, _jsonb->>'table' as table from ${schema}._ferretdb_database_metadata
        where _jsonb->>'_id' = any($1::text[])`,
      [collections],
    );
    const fingerprint: Record<string, string[]> = {};
    for (const { name, table } of rows) {
      const versions = await client.query<{ v: string }>(
        `select ctid::text || ':' || xmin::text as v from ${schema}.${pg.escapeIdentifier(table)} order by 1`,
      );
      fingerprint[name] = versions.rows.map((row) => row.v);
    }
    return fingerprint;
  } finally {
    await client.end();
  }
}
