import pg from 'pg';
import { CUSTOMER_FIELDS, AGGREGATE_FIELDS, RENTAL_FIELDS } from '../activities/golden-record/document';
async function main() {
  const pool = new pg.Pool({ connectionString: process.argv[2], max: 1 });
  const t = async (name: string, sql: string, params: unknown[] = []) => {
    const s = Date.now(); const r = await pool.query(sql, params); console.log(name, Date.now() - s, 'ms', JSON.stringify(r.rows[0]));
  };
  const cols = (a: string, f: readonly string[]) => f.map((x) => `${a}.${pg.escapeIdentifier(x)}`).join(', ');
  const rcols = RENTAL_FIELDS.map((f) => (f === '_id' ? 'rental_id' : pg.escapeIdentifier(f))).join(', ');
  console.log(RENTAL_FIELDS, CUSTOMER_FIELDS.length, AGGREGATE_FIELDS.length);
  await t('rentals string_agg', `select count(*), max(t) from (select customer_id, md5(string_agg(row(${rcols})::text, ',' order by rental_date desc, rental_id desc)) t from v_dvd_rental.last_rentals_mv group by customer_id) x`);
  await t('customers rowtext', `select count(*), max(md5(row(${cols('c', ['customer_id', ...CUSTOMER_FIELDS, 'assistant_last_name'])})::text)) from v_dvd_rental.customers_mv c`);
  await t('aggr rowtext', `select count(*), max(md5(row(${cols('a', AGGREGATE_FIELDS)})::text)) from v_dvd_rental.customer_aggr_mv a`);
  await t('count rentals', `select count(*) from v_dvd_rental.last_rentals_mv`);
  await pool.end();
}
main();
