import pg from 'pg';

type Db = pg.Pool | pg.PoolClient | pg.Client;

export const quoteIdent = pg.escapeIdentifier;
export const qualified = (schema: string, table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;

export interface ColumnInfo {
  name: string;
  /** format_type(): e.g. `integer`, `character varying(45)`, `public.mpaa_rating`, `year` */
  type: string;
  typeSchema: string;
  typeName: string;
  notNull: boolean;
  default: string | null;
  /** 'a' = GENERATED ALWAYS AS IDENTITY, 'd' = BY DEFAULT, '' = none */
  identity: '' | 'a' | 'd';
  /** Expression of a stored generated column, else null: such columns are never copied. */
  generated: string | null;
}

export async function describeColumns(db: Db, schema: string, table: string): Promise<ColumnInfo[]> {
  const { rows } = await db.query<ColumnInfo>(
    `select a.attname as name,
            format_type(a.atttypid, a.atttypmod) as type,
            tn.nspname as "typeSchema", t.typname as "typeName",
            a.attnotnull as "notNull",
            case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default,
            a.attidentity as identity,
            case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid) end as generated
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_type t on t.oid = a.atttypid
       join pg_namespace tn on tn.oid = t.typnamespace
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [schema, table],
  );
  return rows;
}

/** Primary-key columns in key order; empty when the table has none. */
export async function primaryKey(db: Db, schema: string, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select a.attname as name
       from pg_index i
       join pg_class c on c.oid = i.indrelid
       join pg_namespace n on n.oid = c.relnamespace
       cross join lateral unnest(i.indkey) with ordinality k(attnum, ord)
       join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
      where i.indisprimary and n.nspname = $1 and c.relname = $2
      order by k.ord`,
    [schema, table],
  );
  return rows.map((row) => row.name);
}

export async function tableExists(db: Db, schema: string, table: string): Promise<boolean> {
  const { rows } = await db.query(`select to_regclass($1) is not null as exists`, [qualified(schema, table)]);
  return rows[0].exists as boolean;
}

/** Other tables whose foreign keys reference this one (a self-reference does not count): they block TRUNCATE. */
export async function referencingTables(db: Db, schema: string, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select distinct conrelid::regclass::text as name
       from pg_constraint
      where contype = 'f' and confrelid = to_regclass($1) and conrelid <> confrelid
      order by 1`,
    [qualified(schema, table)],
  );
  return rows.map((row) => row.name);
}

/** Column list for SQL, each name quoted, optionally prefixed with a table alias. */
export function columnList(columns: readonly string[], alias?: string): string {
  const prefix = alias ? `${alias}.` : '';
  return columns.map((column) => prefix + quoteIdent(column)).join(', ');
}

/**
 * Per column of `table`: `expression` over its type `t` (a domain followed down to its base type) and that
 * type's element type `e` (arrays). `$1` is the table; `params` follow as `$2`, `$3` ...
 */
export async function perColumnType<T>(
  db: Db,
  table: string,
  expression: string,
  params: unknown[] = [],
): Promise<Map<string, T>> {
  const { rows } = await db.query<{ name: string; value: T }>(
    `with recursive col(name, type) as (
       select a.attname, a.atttypid from pg_attribute a
        where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped
       union all
       select col.name, t.typbasetype from col join pg_type t on t.oid = col.type where t.typtype = 'd'
     )
     select col.name, ${expression} as value
       from col join pg_type t on t.oid = col.type left join pg_type e on e.oid = t.typelem
      where t.typtype <> 'd'`,
    [table, ...params],
  );
  return new Map(rows.map((row) => [row.name, row.value]));
}
