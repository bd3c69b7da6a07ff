-- The day's new rentals. Candidate copies are drawn at random by id; a copy is rentable when every rental
-- of it came back by the start of the day (copies returned today are shelved overnight), so no copy is ever
-- out twice. The first N rentable candidates, in draw order, take the day's N rental times; each goes to an
-- active customer and a staff member of the copy's store, and gets its planned return (null: never).
-- $1 schema name, $2 candidate picks, $3 seconds into the day, $4 customer picks, $5 staff picks,
-- $6 return kinds (0 on time, 1 late, 2 never), $7 delay picks, $8 day start, $9 earliest return (s),
-- $10 most days late
with bounds as (
  select min(inventory_id) as lo, max(inventory_id) - min(inventory_id) + 1 as span from inventory
), customers as (
  select customer_id, store_id, row_number() over (partition by store_id order by customer_id) - 1 as rank,
         count(*) over (partition by store_id) as n
  from customer
  where activebool and active = 1
), staff_members as (
  select staff_id, store_id, row_number() over (partition by store_id order by staff_id) - 1 as rank,
         count(*) over (partition by store_id) as n
  from staff
  where active
), candidates as (
  select distinct on (inventory_id) inventory_id, ord
  from (
    select b.lo + ((c.pick * b.span) >> 32) as inventory_id, c.ord
    from unnest($2::bigint[]) with ordinality as c(pick, ord), bounds b
  ) drawn
  order by inventory_id, ord
), rentable as (
  select i.inventory_id, i.store_id, f.rental_duration, row_number() over (order by c.ord) as slot
  from candidates c
  join inventory i on i.inventory_id = c.inventory_id
  join film f on f.film_id = i.film_id
  where exists (select 1 from customers cu where cu.store_id = i.store_id)
    and exists (select 1 from staff_members s where s.store_id = i.store_id)
    and not exists (
      select 1 from rental r
      where r.inventory_id = i.inventory_id and coalesce(r.return_date, 'infinity') > $8::timestamp
    )
), slots as (
  select *
  from unnest($3::int[], $4::bigint[], $5::bigint[], $6::int[], $7::bigint[])
    with ordinality as s(second, customer_pick, staff_pick, kind, delay_pick, slot)
), planned as (
  select r.inventory_id, r.rental_duration, s.kind, s.delay_pick, s.slot, cu.customer_id, st.staff_id,
         $8::timestamp + make_interval(secs => s.second) as rental_date
  from rentable r
  join slots s on s.slot = r.slot
  join customers cu on cu.store_id = r.store_id and cu.rank = (s.customer_pick * cu.n) >> 32
  join staff_members st on st.store_id = r.store_id and st.rank = (s.staff_pick * st.n) >> 32
), inserted as (
  insert into rental (rental_date, inventory_id, customer_id, staff_id)
  select rental_date, inventory_id, customer_id, staff_id from planned order by slot
  returning rental_id, inventory_id, rental_date
)
insert into _activity.planned_return (schema_name, rental_id, due_at)
select $1, i.rental_id,
       case p.kind
         when 2 then null
         -- late: 1 to $10 days over the film's rental_duration
         when 1 then i.rental_date + make_interval(days => p.rental_duration + 1)
                     + make_interval(secs => (p.delay_pick * (($10::int - 1) * 86400 + 1)) >> 32)
         -- on time: from $9 seconds to the rental_duration
         else i.rental_date + make_interval(secs => $9::int
                     + ((p.delay_pick * greatest(p.rental_duration * 86400 - $9::int, 1)) >> 32))
       end
from inserted i
join planned p on p.inventory_id = i.inventory_id
returning rental_id
