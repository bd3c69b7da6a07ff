-- Customers deactivated at the start of the day (so they rent nothing from then on), picked by rank among the
-- active ones: pick * n >> 32 is a uniform rank in [0, n).
-- $1 schema name, $2 picks (uint32), $3 business date, $4 simulated date
with active_customers as (
  select customer_id, row_number() over (order by customer_id) - 1 as rank, count(*) over () as n
  from customer
  where activebool and active = 1
), picked as (
  select distinct a.customer_id
  from unnest($2::bigint[]) as p(pick)
  join active_customers a on a.rank = (p.pick * a.n) >> 32
), deactivated as (
  update customer c set activebool = false, active = 0
  from picked
  where c.customer_id = picked.customer_id
  returning c.customer_id
)
insert into _activity.deactivation (schema_name, customer_id, business_date, simulated_date)
select $1, customer_id, $3::date, $4::date from deactivated
on conflict (schema_name, customer_id) do update set business_date = excluded.business_date,
  simulated_date = excluded.simulated_date
returning customer_id
