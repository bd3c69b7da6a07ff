-- A new customer of a store, named like existing customers (first name of one, last name of another).
-- $1 store pick, $2 first-name pick, $3 last-name pick (uint32), $4 address_id, $5 create date
with stores as (
  select store_id, row_number() over (order by store_id) - 1 as rank, count(*) over () as n from store
), names as (
  select first_name, last_name, row_number() over (order by customer_id) - 1 as rank, count(*) over () as n
  from customer
)
insert into customer (store_id, first_name, last_name, email, address_id, activebool, create_date, active)
select s.store_id, f.first_name, l.last_name,
       left(upper(f.first_name || '.' || l.last_name) || '@sakilacustomer.org', 50), $4, true, $5::date, 1
from stores s, names f, names l
where s.rank = ($1::bigint * s.n) >> 32
  and f.rank = ($2::bigint * f.n) >> 32
  and l.rank = ($3::bigint * l.n) >> 32
returning customer_id
