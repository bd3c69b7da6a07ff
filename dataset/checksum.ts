import pg from 'pg';

export interface TableChecksum {
  rows: number;
  /** Order-independent: the sum of a 64-bit slice of each row's md5, so it needs no sort and no big buffer. */
  checksum: string;
}

const ident = (name: string) => pg.escapeIdentifier(name);

export async function tableChecksum(db: pg.Pool | pg.Client, schema: string, table: string): Promise<TableChecksum> {
  const { rows } = await db.query<{ rows: string; checksum: string | null }>(
    `select count(*) as rows,
            sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric)::text as checksum
       from ${ident(schema)}.${ident(table)} t`,
  );
  const row = rows[0]!;
  return { rows: Number(row.rows), checksum: row.checksum ?? '0' };
}

export async function tableChecksums(
  db: pg.Pool | pg.Client,
  schema: string,
  tables: readonly string[],
): Promise<Record<string, TableChecksum>> {
  const result: Record<string, TableChecksum> = {};
  for (const table of tables) result[table] = await tableChecksum(db, schema, table);
  return result;
}

export async function tableCounts(
  db: pg.Pool | pg.Client,
  schema: string,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const checksums = await tableChecksums(db, schema, tables);
  return Object.fromEntries(Object.entries(checksums).map(([table, { rows }]) => [table, rows]));
}
