-- md5 over the rows a day wrote, every column but last_update (the write's wall time, as the application
-- sets it), each row as text (DateStyle ISO), sorted in the C collation.
-- $1 rental ids, $2 payment ids, $3 customer ids, $4 address ids
select md5(coalesce(string_agg(line, E'\n' order by line collate "C"), '')) as checksum
from (
  select 'rental ' || row(r.rental_id, r.rental_date, r.inventory_id, r.customer_id, r.return_date, r.staff_id)::text
  from rental r where r.rental_id = any($1::int[])
  union all
  select 'payment ' || row(p.payment_id, p.customer_id, p.staff_id, p.rental_id, p.amount, p.payment_date)::text
  from payment p where p.payment_id = any($2::int[])
  union all
  select 'customer ' || row(c.customer_id, c.store_id, c.first_name, c.last_name, c.email, c.address_id,
                            c.activebool, c.create_date, c.active)::text
  from customer c where c.customer_id = any($3::int[])
  union all
  select 'address ' || row(a.address_id, a.address, a.address2, a.district, a.city_id, a.postal_code, a.phone)::text
  from address a where a.address_id = any($4::int[])
) day_rows(line)
