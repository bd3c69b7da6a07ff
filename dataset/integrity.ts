import pg from 'pg';

export interface ForeignKeyViolation {
  constraint: string;
  table: string;
  orphans: number;
}

interface ForeignKey {
  constraint: string;
  table: string;
  columns: string[];
  refTable: string;
  refSchema: string;
  refColumns: string[];
}

async function foreignKeys(db: pg.Pool | pg.Client, schema: string): Promise<ForeignKey[]> {
  const { rows } = await db.query<ForeignKey>(
    `select c.conname as constraint, t.relname as table, rn.nspname as "refSchema", r.relname as "refTable",
            array(select attname from unnest(c.conkey) with ordinality k(n, i)
                  join pg_attribute on attrelid = c.conrelid and attnum = k.n order by k.i)::text[] as columns,
            array(select attname from unnest(c.confkey) with ordinality k(n, i)
                  join pg_attribute on attrelid = c.confrelid and attnum = k.n order by k.i)::text[] as "refColumns"
       from pg_constraint c
       join pg_class t on t.oid = c.conrelid
       join pg_namespace n on n.oid = t.relnamespace
       join pg_class r on r.oid = c.confrelid
       join pg_namespace rn on rn.oid = r.relnamespace
      where c.contype = 'f' and n.nspname = $1
      order by 2, 1`,
    [schema],
  );
  return rows;
}

/** Counts, by SQL and whether or not the constraints are enforced, the rows whose foreign key points nowhere. */
export async function foreignKeyViolations(
  db: pg.Pool | pg.Client,
  schema: string,
): Promise<{ checked: number; violations: ForeignKeyViolation[] }> {
  const keys = await foreignKeys(db, schema);
  const violations: ForeignKeyViolation[] = [];
  const id = pg.escapeIdentifier;
  for (const key of keys) {
    const notNull = key.columns.map((c) => `t.${id(c)} is not null`).join(' and ');
    const matches = key.columns.map((c, i) => `r.${id(key.refColumns[i]!)} = t.${id(c)}`).join(' and ');
    const { rows } = await db.query<{ orphans: string }>(
      `select count(*) as orphans from ${id(schema)}.${id(key.table)} t
        where ${notNull} and not exists (select 1 from ${id(key.refSchema)}.${id(key.refTable)} r where ${matches})`,
    );
    const orphans = Number(rows[0]!.orphans);
    if (orphans > 0) violations.push({ constraint: key.constraint, table: key.table, orphans });
  }
  return { checked: keys.length, violations };
}
