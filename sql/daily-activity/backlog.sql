-- First simulated day only: the rentals already outstanding get their return times, spread over the first
-- $4 seconds of the simulation; a $5 share never comes back. One pass over rental, once.
-- $1 schema name, $2 seed, $3 first day's start, $4 spread in seconds, $5 never-returned share
insert into _activity.planned_return (schema_name, rental_id, due_at)
select $1, r.rental_id,
       case when _activity.fraction($2, r.rental_id, 'backlog-kind') < $5 then null
            else $3::timestamp + make_interval(secs => floor(_activity.fraction($2, r.rental_id, 'backlog-due') * $4)) end
from rental r
where r.return_date is null
on conflict do nothing
