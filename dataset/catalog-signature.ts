import type pg from 'pg';

/** Columns, constraints and indexes of a schema as text lines: two databases with equal lines have the same tables. */
export async function schemaSignature(db: pg.Pool | pg.Client, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ line: string }>(
    `select format('column %s.%s %s%s default %s', c.table_name, c.column_name,
                   format_type(a.atttypid, a.atttypmod), case when a.attnotnull then ' not null' else '' end,
                   coalesce(c.column_default, '-')) as line
       from information_schema.columns c
       join pg_attribute a on a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass
                          and a.attname = c.column_name
      where c.table_schema = $1
        and (select relkind from pg_class where oid = a.attrelid) = 'r'
     union all
     select format('constraint %s %s %s', r.relname, k.conname, pg_get_constraintdef(k.oid))
       from pg_constraint k join pg_class r on r.oid = k.conrelid join pg_namespace n on n.oid = r.relnamespace
      where n.nspname = $1
     union all
     select format('index %s', indexdef) from pg_indexes where schemaname = $1
     order by 1`,
    [schema],
  );
  return rows.map((row) => row.line);
}
