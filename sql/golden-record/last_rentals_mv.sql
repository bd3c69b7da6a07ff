-- v_dvd_rental.last_rentals_mv: the 10 latest rentals of each customer, by rental_date then rental_id
-- (key rental_id).
-- Types: rental_id, customer_id and rental_duration (whole days) integer; amount numeric(10,2) (the sum
-- of the rental's payments, else the film's rental_rate); title, category, store (the inventory's store
-- label) text; rental_date and return_date timestamp without time zone as in dvd_rental.rental;
-- is_completed, is_overdue boolean; last_refresh_date timestamp without time zone in UTC (T: the
-- refresh's now()). Payments and categories are aggregated per rental/film before the join: one row per
-- rental.
create materialized view if not exists v_dvd_rental.last_rentals_mv as
with refresh as (
  select (now() at time zone 'UTC')::timestamp as t
),
film_category as (
  select fc.film_id, min(c.name::text collate "C") collate "default" as category
    from dvd_rental.film_category fc
    join dvd_rental.category c on c.category_id = fc.category_id
   group by fc.film_id
),
rental_paid as (
  select rental_id, sum(amount) as paid from dvd_rental.payment group by rental_id
),
store_label as (
  select s.store_id, v_dvd_rental.address_label(a.address, ci.city, co.country, a.district) as label
    from dvd_rental.store s
    left join dvd_rental.address a on a.address_id = s.address_id
    left join dvd_rental.city ci on ci.city_id = a.city_id
    left join dvd_rental.country co on co.country_id = ci.country_id
),
latest as (
  select r.*,
         row_number() over (partition by r.customer_id order by r.rental_date desc, r.rental_id desc) as recency
    from dvd_rental.rental r
),
rentals as (
  select r.rental_id, r.customer_id::integer as customer_id, f.title::text as title, fc.category,
         coalesce(rp.paid, f.rental_rate)::numeric(10,2) as amount,
         r.rental_date, r.return_date,
         -- whole days, to T when not returned (epoch seconds: months and years cannot be dropped)
         floor(extract(epoch from coalesce(r.return_date, refresh.t) - r.rental_date) / 86400)::integer
           as rental_duration,
         f.rental_duration as allowed_days,
         sl.label as store,
         refresh.t as last_refresh_date
    from latest r
   cross join refresh
    join dvd_rental.inventory i on i.inventory_id = r.inventory_id
    join dvd_rental.film f on f.film_id = i.film_id
    left join film_category fc on fc.film_id = f.film_id
    left join rental_paid rp on rp.rental_id = r.rental_id
    left join store_label sl on sl.store_id = i.store_id
   where r.recency <= 10
)
select rental_id, customer_id, title, category, amount, rental_date, return_date, rental_duration,
       return_date is not null as is_completed,
       rental_duration > allowed_days as is_overdue,
       store, last_refresh_date
  from rentals
with no data;

create unique index if not exists last_rentals_mv_rental_id_key on v_dvd_rental.last_rentals_mv (rental_id);
create index if not exists last_rentals_mv_customer_id_idx on v_dvd_rental.last_rentals_mv (customer_id);
