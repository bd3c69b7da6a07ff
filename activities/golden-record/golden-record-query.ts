import pg from 'pg';
import { AGGREGATES_VIEW, CUSTOMERS_VIEW, RENTALS_VIEW, SOURCE_VIEWS, utcDate, VIEW_SCHEMA } from './build-document';
import { AGGREGATE_FIELDS, CUSTOMER_FIELDS, RENTAL_FIELDS } from './document';

const TIMESTAMP_OID = 1114;
const DATE_OID = 1082;
const NUMERIC_OID = 1700;
const INT8_OID = 20;

/**
 * Parsers for this query only (the pg defaults stay as they are for everyone else): numbers as numbers, and
 * a timestamp without time zone as UTC whatever the machine's time zone.
 */
export const GOLDEN_RECORD_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TIMESTAMP_OID || oid === DATE_OID) return utcDate;
    if (oid === NUMERIC_OID || oid === INT8_OID) return Number;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

const view = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
const columns = (alias: string, names: readonly string[]) =>
  names.map((name) => `${alias}.${pg.escapeIdentifier(name)}`).join(', ');

/** Which customers a query reads: those after $1 (a range, in order), or those of the array $1. */
export type CustomerFilter = 'after' | 'any';

const customerCondition = (column: string, filter: CustomerFilter) =>
  filter === 'after' ? `${column} > $1` : `${column} = any($1::int[])`;

function rentalsJson(schema: string, filter: CustomerFilter): string {
  const pairs = RENTAL_FIELDS.map(
    (field) => `'${field}', ${field === '_id' ? 'rental_id' : pg.escapeIdentifier(field)}`,
  );
  // Grouped once for the customers read, not per customer: last_rentals_mv is keyed by rental_id.
  return `select customer_id,
                 json_agg(json_build_object(${pairs.join(', ')}) order by rental_date desc, rental_id desc) as rentals
            from ${view(schema, RENTALS_VIEW)}
           where ${customerCondition('customer_id', filter)}
           group by customer_id`;
}

/** Every customer after $1 (or of the array $1) with its aggregates and last rentals: one row per customer. */
export function goldenRecordQuery(schema = VIEW_SCHEMA, filter: CustomerFilter = 'after'): string {
  const customerColumns = ['customer_id', ...CUSTOMER_FIELDS, 'assistant_last_name'];
  return `select ${columns('c', customerColumns)},
                 a.customer_id is not null as has_aggregates,
                 ${columns('a', AGGREGATE_FIELDS)},
                 r.rentals as last_ten_rentals
            from ${view(schema, CUSTOMERS_VIEW)} c
            left join ${view(schema, AGGREGATES_VIEW)} a on a.customer_id = c.customer_id
            left join (${rentalsJson(schema, filter)}) r on r.customer_id = c.customer_id
           where ${customerCondition('c.customer_id', filter)}
           order by c.customer_id`;
}

/**
 * Every customer after $1 with a hash of exactly the view columns its document is built from (the
 * refresh times are not among them), prefixed by $2, the document builder's version: equal hashes, equal
 * documents. Computed in the database, so unchanged customers never leave it.
 */
export function sourceHashQuery(schema = VIEW_SCHEMA, filter: CustomerFilter = 'after'): string {
  return `select q.customer_id, md5($2::text || row(q.*)::text) as source_hash
            from (${goldenRecordQuery(schema, filter)}) q
           order by q.customer_id`;
}

/** $2 customers spread over the whole range ($1 varies the choice): the self-check's sample. */
export function sampleCustomersQuery(schema = VIEW_SCHEMA): string {
  return `select customer_id from ${view(schema, CUSTOMERS_VIEW)} order by md5($1::text || customer_id::text) limit $2`;
}

/** Each view's refresh time (max(last_refresh_date)), one column per view. */
export function refreshDatesQuery(schema = VIEW_SCHEMA): string {
  const selects = SOURCE_VIEWS.map(
    (name) => `(select max(last_refresh_date) from ${view(schema, name)}) as ${pg.escapeIdentifier(name)}`,
  );
  return `select ${selects.join(', ')}`;
}
