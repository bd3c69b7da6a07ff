// Catalog reads beyond the table definitions: post-data objects (indexes, foreign keys) and what is not replicated.
import type pg from 'pg';
import type { QualifiedName } from './sql-names';

export interface SourceIndex {
  name: string;
  /** pg_get_indexdef(): CREATE [UNIQUE] INDEX name ON schema.table USING ... */
  definition: string;
}

/** A PRIMARY KEY, UNIQUE or EXCLUDE constraint: an index the constraint owns. */
export interface SourceKey {
  name: string;
  definition: string;
  primary: boolean;
}

export async function readKeys(db: pg.PoolClient, table: string): Promise<SourceKey[]> {
  const { rows } = await db.query<SourceKey>(
    `select conname as name, pg_get_constraintdef(oid) as definition, contype = 'p' as primary
       from pg_constraint
      where conrelid = $1::regclass and contype in ('p', 'u', 'x')
      order by contype = 'p' desc, conname`,
    [table],
  );
  return rows;
}

export interface SourceForeignKey {
  name: string;
  definition: string;
  references: QualifiedName;
}

/** Indexes that no PRIMARY KEY, UNIQUE or EXCLUDE constraint owns (those are readKeys). */
export async function readIndexes(db: pg.PoolClient, table: string): Promise<SourceIndex[]> {
  const { rows } = await db.query<SourceIndex>(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = $1::regclass
        and not exists (select 1 from pg_constraint k
                         where k.conindid = i.indexrelid and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x'))
      order by c.relname`,
    [table],
  );
  return rows;
}

export async function readForeignKeys(db: pg.PoolClient, table: string): Promise<SourceForeignKey[]> {
  const { rows } = await db.query<{ name: string; definition: string; schema: string; table: string }>(
    `select k.conname as name, pg_get_constraintdef(k.oid) as definition, n.nspname as schema, r.relname as table
       from pg_constraint k
       join pg_class r on r.oid = k.confrelid
       join pg_namespace n on n.oid = r.relnamespace
      where k.conrelid = $1::regclass and k.contype = 'f'
      order by k.conname`,
    [table],
  );
  return rows.map((row) => ({
    name: row.name,
    definition: row.definition,
    references: { schema: row.schema, name: row.table },
  }));
}

const NOT_REPLICATED = `
  select case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' when 'w' then 'window function'
                        else 'function' end || ' ' || p.oid::regprocedure::text as label
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = any($1)
     and not exists (select 1 from pg_depend e where e.classid = 'pg_proc'::regclass and e.objid = p.oid and e.deptype = 'e')
  union all
  select 'trigger ' || quote_ident(t.tgname) || ' on ' || t.tgrelid::regclass::text
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = any($1) and not t.tgisinternal
  union all
  select case c.relkind when 'v' then 'view ' else 'materialized view ' end || c.oid::regclass::text
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = any($1) and c.relkind in ('v', 'm')
  union all
  select 'rule ' || quote_ident(r.rulename) || ' on ' || r.ev_class::regclass::text
    from pg_rewrite r join pg_class c on c.oid = r.ev_class join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = any($1) and r.rulename <> '_RETURN'
  union all
  select 'policy ' || quote_ident(p.polname) || ' on ' || p.polrelid::regclass::text
    from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = any($1)
  order by 1`;

/** Functions, procedures, aggregates, triggers, views, materialized views, rules and policies of the schemas. */
export async function readNotReplicated(db: pg.PoolClient, schemas: string[]): Promise<string[]> {
  const { rows } = await db.query<{ label: string }>(NOT_REPLICATED, [schemas]);
  return rows.map((row) => row.label);
}
