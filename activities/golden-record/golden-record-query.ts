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

const rentalColumns = () => RENTAL_FIELDS.map((field) => (field === '_id' ? 'rental_id' : pg.escapeIdentifier(field)));

/**
 * Every customer after $1 (or of the array $1) with a hash of exactly the view columns its document is
 * built from (the refresh times are not among them), prefixed by $2, the document builder's version: equal
 * hashes, equal documents. Computed in the database, so unchanged customers never leave it. Each view row is
 * hashed as text once, without building the document's JSON; a customer's rentals are combined by count and
 * sum of their 64-bit row hashes (no sort: their order in the document follows from their own columns).
 */
export function sourceHashQuery(schema = VIEW_SCHEMA, filter: CustomerFilter = 'after'): string {
  const customerColumns = ['customer_id', ...CUSTOMER_FIELDS, 'assistant_last_name'];
  return `select c.customer_id,
                 md5($2::text || row(${columns('c', customerColumns)})::text
                     || '|' || coalesce(a.h, '-') || '|' || coalesce(r.h, '-')) as source_hash
            from ${view(schema, CUSTOMERS_VIEW)} c
            left join (select a.customer_id, md5(row(${columns('a', AGGREGATE_FIELDS)})::text) as h
                         from ${view(schema, AGGREGATES_VIEW)} a
                        where ${customerCondition('a.customer_id', filter)}) a on a.customer_id = c.customer_id
            left join (select customer_id,
                              count(*) || ':' || sum(('x' || left(md5(row(${rentalColumns().join(', ')})::text), 16))::bit(64)::bigint) as h
                         from ${view(schema, RENTALS_VIEW)}
                        where ${customerCondition('customer_id', filter)}
                        group by customer_id) r on r.customer_id = c.customer_id
           where ${customerCondition('c.customer_id', filter)}
           order by c.customer_id`;
}

/**
 * The customers after $1 whose source hash ($2: builder version) differs from their entry in the state of
 * store $3: new, changed, back in the source, or gone from it and not marked yet. Unchanged customers do
 * not leave the database.
 */
export function changedCustomersQuery(stateTable = 'v_dvd_rental.golden_record_state', schema = VIEW_SCHEMA): string {
  return `select coalesce(src.customer_id, st.customer_id) as customer_id, src.source_hash,
                 st.customer_id is not null as known, st.h, st.d, st.q
            from (${sourceHashQuery(schema)}) src
            full join (select customer_id, h, d, q from ${stateTable} where store = $3 and customer_id > $1) st
                   on st.customer_id = src.customer_id
           where (src.customer_id is null and st.h is not null)
              or (src.customer_id is not null and st.h is distinct from src.source_hash)
           order by 1`;
}

/** In the same snapshot: the source's customers after $1 (and the last one), and the state entries of store $2 in quarantine. */
export function sourceCountsQuery(stateTable = 'v_dvd_rental.golden_record_state', schema = VIEW_SCHEMA): string {
  return `select (select count(*) from ${view(schema, CUSTOMERS_VIEW)} where customer_id > $1)::integer as customers,
                 (select max(customer_id) from ${view(schema, CUSTOMERS_VIEW)} where customer_id > $1) as last_customer,
                 (select count(*) from ${stateTable} st
                   where st.store = $2 and st.customer_id > $1 and st.q is not null and st.h is not null
                     and exists (select from ${view(schema, CUSTOMERS_VIEW)} c where c.customer_id = st.customer_id))::integer as quarantined`;
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
