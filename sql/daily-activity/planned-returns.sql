-- When the day's new rentals come back: on time (from $5 seconds to the film's rental_duration), late (1 to $6
-- days over it) or never (null). Index lookups by rental_id, inventory_id and film_id only.
-- $1 schema name, $2 rental ids, $3 return kinds (0 on time, 1 late, 2 never), $4 delay picks (uint32),
-- $5 earliest return (s), $6 most days late
insert into _activity.planned_return (schema_name, rental_id, due_at)
select $1, r.rental_id,
       case p.kind
         when 2 then null
         when 1 then r.rental_date + make_interval(days => f.rental_duration + 1)
                     + make_interval(secs => (p.delay_pick * (($6::int - 1) * 86400 + 1)) >> 32)
         else r.rental_date + make_interval(secs => $5::int
                     + ((p.delay_pick * greatest(f.rental_duration * 86400 - $5::int, 1)) >> 32))
       end
from unnest($2::int[], $3::int[], $4::bigint[]) as p(rental_id, kind, delay_pick)
join rental r on r.rental_id = p.rental_id
join inventory i on i.inventory_id = r.inventory_id
join film f on f.film_id = i.film_id
