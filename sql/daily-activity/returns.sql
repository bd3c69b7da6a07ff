-- The returns due before the end of the day, each paid at once: the film's rental_rate plus the late fee per
-- day over its rental_duration (whole days started), by a staff member of the copy's store.
-- $1 schema name, $2 day end, $3 late fee per day, $4 seed
with due as (
  delete from _activity.planned_return p
  where p.schema_name = $1 and p.due_at < $2::timestamp
  returning p.rental_id, p.due_at
), returned as (
  update rental r set return_date = due.due_at
  from due
  where r.rental_id = due.rental_id and r.return_date is null and due.due_at > r.rental_date
  returning r.rental_id, r.rental_date, r.return_date, r.inventory_id, r.customer_id, r.staff_id
), staff_members as (
  select staff_id, store_id, row_number() over (partition by store_id order by staff_id) - 1 as rank,
         count(*) over (partition by store_id) as n
  from staff
  where active
), paid as (
  insert into payment (customer_id, staff_id, rental_id, amount, payment_date)
  select r.customer_id, coalesce(st.staff_id, r.staff_id), r.rental_id,
         least(999.99, f.rental_rate + $3::numeric
           * greatest(0, ceil(extract(epoch from r.return_date - r.rental_date) / 86400) - f.rental_duration)),
         r.return_date
  from returned r
  join inventory i on i.inventory_id = r.inventory_id
  join film f on f.film_id = i.film_id
  left join staff_members st
    on st.store_id = i.store_id and st.rank = floor(_activity.fraction($4, r.rental_id, 'payment-staff') * st.n)
  order by r.rental_id
  returning payment_id
)
select (select coalesce(array_agg(rental_id order by rental_id), '{}') from returned) as rental_ids,
       (select coalesce(array_agg(payment_id order by payment_id), '{}') from paid) as payment_ids
