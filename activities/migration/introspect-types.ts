// The enum types and domains of schema_in that a table's columns use, directly, as arrays or under domains.
import type pg from 'pg';
import type { QualifiedName } from './sql-names';

export interface SourceEnum {
  kind: 'enum';
  oid: number;
  name: QualifiedName;
  labels: string[];
}

export interface SourceDomain {
  kind: 'domain';
  oid: number;
  name: QualifiedName;
  baseType: string;
  /** The enum or domain the base type is built on (arrays unwrapped), created first. */
  baseOid: number;
  notNull: boolean;
  default: string | null;
  collation: QualifiedName | null;
  checks: Array<{ name: string; definition: string }>;
}

export type SourceType = SourceEnum | SourceDomain;

interface TypeRow {
  oid: number;
  kind: 'e' | 'd';
  schema: string;
  name: string;
  labels: string[];
  baseType: string | null;
  baseOid: number;
  notNull: boolean;
  default: string | null;
  collationSchema: string | null;
  collationName: string | null;
  checks: Array<{ name: string; definition: string }>;
}

const USED_TYPES = `
  with recursive used(oid) as (
    select atttypid from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped
    union
    select case when t.typtype = 'd' then t.typbasetype else t.typelem end
      from used u join pg_type t on t.oid = u.oid
     where t.typtype = 'd' or (t.typcategory = 'A' and t.typelem <> 0)
  )
  select t.oid::int as oid, t.typtype as kind, n.nspname as schema, t.typname as name,
         array(select enumlabel::text from pg_enum where enumtypid = t.oid order by enumsortorder) as labels,
         case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as "baseType",
         (case when bt.typcategory = 'A' and bt.typelem <> 0 then bt.typelem else bt.oid end)::int as "baseOid",
         t.typnotnull as "notNull", pg_get_expr(t.typdefaultbin, 0) as default,
         cn.nspname as "collationSchema", co.collname as "collationName",
         coalesce((select json_agg(json_build_object('name', k.conname, 'definition', pg_get_constraintdef(k.oid))
                                   order by k.conname)
                     from pg_constraint k where k.contypid = t.oid and k.contype = 'c'), '[]') as checks
    from used
    join pg_type t on t.oid = used.oid
    join pg_namespace n on n.oid = t.typnamespace
    left join pg_type bt on bt.oid = t.typbasetype
    left join pg_collation co on co.oid = t.typcollation and t.typcollation <> bt.typcollation
    left join pg_namespace cn on cn.oid = co.collnamespace
   where t.typtype in ('e', 'd') and n.nspname = $2`;

function toSourceType(row: TypeRow): SourceType {
  const name = { schema: row.schema, name: row.name };
  if (row.kind === 'e') return { kind: 'enum', oid: row.oid, name, labels: row.labels };
  return {
    kind: 'domain',
    oid: row.oid,
    name,
    baseType: row.baseType ?? '',
    baseOid: row.baseOid,
    notNull: row.notNull,
    default: row.default,
    collation:
      row.collationSchema && row.collationName ? { schema: row.collationSchema, name: row.collationName } : null,
    checks: row.checks,
  };
}

/** Orders types so that a domain comes after the enum or domain it is built on. */
export function inCreationOrder(types: SourceType[]): SourceType[] {
  const pending = new Map(types.map((type) => [type.oid, type]));
  const ordered: SourceType[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((type) => type.kind === 'enum' || !pending.has(type.baseOid));
    for (const type of ready.length > 0 ? ready : [...pending.values()]) {
      ordered.push(type);
      pending.delete(type.oid);
    }
  }
  return ordered;
}

export async function readUsedTypes(db: pg.PoolClient, table: string, schema: string): Promise<SourceType[]> {
  const { rows } = await db.query<TypeRow>(USED_TYPES, [table, schema]);
  return inCreationOrder(rows.map(toSourceType));
}
