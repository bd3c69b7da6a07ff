-- The day's new rentals. Candidate copies are drawn at random by id; a copy is rentable when every rental
-- of it came back by the start of the day (copies returned today are shelved overnight), so no copy is ever
-- out twice. The first N rentable candidates, in draw order, take the day's N rental times, in that order (so
-- the i-th smallest new rental_id is slot i); each goes to an active customer and a staff member of the copy's
-- store. planned-returns.sql then plans their returns.
-- $1 candidate picks, $2 seconds into the day, $3 customer picks, $4 staff picks (uint32), $5 day start
with bounds as (
  select min(inventory_id) as lo, max(inventory_id) - min(inventory_id) + 1 as span from inventory
), customers as (
  -- key: the store and the rank in it as one number (ranks stay below 2^16: the ids are smallint), so the
  -- picks join by one equality, whatever the number of rentals and customers
  select customer_id, store_id, store_id::bigint * 65536 + row_number() over (partition by store_id order by customer_id) - 1 as key,
         count(*) over (partition by store_id) as n
  from customer
  where activebool and active = 1
), staff_members as (
  select staff_id, store_id, store_id::bigint * 65536 + row_number() over (partition by store_id order by staff_id) - 1 as key,
         count(*) over (partition by store_id) as n
  from staff
  where active
), open_stores as (
  -- stores with customers to rent to and staff to rent out: how many of each (picks become ranks below n)
  select store_id, c.n as customers, s.n as staff
  from (select distinct store_id, n from customers) c
  join (select distinct store_id, n from staff_members) s using (store_id)
), candidates as (
  select distinct on (inventory_id) inventory_id, ord
  from (
    select b.lo + ((c.pick * b.span) >> 32) as inventory_id, c.ord
    from unnest($1::bigint[]) with ordinality as c(pick, ord), bounds b
  ) drawn
  order by inventory_id, ord
), rentable as (
  select i.inventory_id, i.store_id, s.customers, s.staff, row_number() over (order by c.ord) as slot
  from candidates c
  join inventory i on i.inventory_id = c.inventory_id
  join open_stores s on s.store_id = i.store_id
  where not exists (
      select 1 from rental r
      where r.inventory_id = i.inventory_id and coalesce(r.return_date, 'infinity') > $5::timestamp
    )
), slots as (
  select *
  from unnest($2::int[], $3::bigint[], $4::bigint[]) with ordinality as s(second, customer_pick, staff_pick, slot)
), planned as (
  select r.inventory_id, s.slot, cu.customer_id, st.staff_id,
         $5::timestamp + make_interval(secs => s.second) as rental_date
  from rentable r
  join slots s on s.slot = r.slot
  join customers cu on cu.key = r.store_id::bigint * 65536 + ((s.customer_pick * r.customers) >> 32)
  join staff_members st on st.key = r.store_id::bigint * 65536 + ((s.staff_pick * r.staff) >> 32)
)
insert into rental (rental_date, inventory_id, customer_id, staff_id)
select rental_date, inventory_id, customer_id, staff_id from planned order by slot
returning rental_id
