-- v_dvd_rental.customer_aggr_mv: one row per customer with at least one rental (key customer_id).
-- Types: customer_id, overdue_score (0..100) and counts integer; money numeric(12,2) for sums,
-- numeric(10,2) for averages, last_payment numeric(5,2) like payment.amount; average durations
-- numeric(10,2) (days, minutes); labels, titles and names text; most_recent_film_year text;
-- last_rental_date timestamp without time zone like rental.rental_date; last_refresh_date
-- timestamp without time zone in UTC (T: the refresh's now()).
-- Each ranking and each aggregate is computed per customer in its own subquery and joined on
-- customer_id (rank 1, 2 or 3 only), so no join can duplicate a row or double a sum.
-- Ties on names compare with collation "C": the same order on every server.
create materialized view if not exists v_dvd_rental.customer_aggr_mv as
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
rentals as (
  select r.rental_id, r.customer_id::integer as customer_id, r.rental_date, i.store_id,
         f.film_id, f.title::text as title, f.length, f.rental_duration as allowed_days,
         f.release_year::integer as release_year, fc.category,
         coalesce(rp.paid, f.rental_rate) as amount,
         r.rental_date >= refresh.t - interval '1 year' as in_last_year,
         -- whole days, to T when not returned (epoch seconds: months and years cannot be dropped)
         floor(extract(epoch from coalesce(r.return_date, refresh.t) - r.rental_date) / 86400) as days
    from dvd_rental.rental r
   cross join refresh
    join dvd_rental.inventory i on i.inventory_id = r.inventory_id
    join dvd_rental.film f on f.film_id = i.film_id
    left join film_category fc on fc.film_id = f.film_id
    left join rental_paid rp on rp.rental_id = r.rental_id
),
totals as (
  select customer_id,
         count(*)::integer as total_rental_count,
         floor(100.0 * count(*) filter (where days > allowed_days) / count(*))::integer as overdue_score,
         sum(amount)::numeric(12,2) as lifetime_value,
         round(avg(days), 2)::numeric(10,2) as average_rental_duration,
         round(avg(amount), 2)::numeric(10,2) as average_rental_payment,
         round(avg(length), 2)::numeric(10,2) as average_film_duration,
         count(*) filter (where in_last_year)::integer as last_year_rental_count,
         coalesce(sum(amount) filter (where in_last_year), 0)::numeric(12,2) as last_year_payments_sum
    from rentals
   group by customer_id
),
last_rental as (
  select distinct on (customer_id) customer_id, title, rental_date
    from rentals
   order by customer_id, rental_date desc, rental_id desc
),
last_payment as (
  select distinct on (customer_id) customer_id::integer as customer_id, amount
    from dvd_rental.payment
   order by customer_id, payment_date desc, payment_id desc
),
-- "most_recent_X" = the X rented most often, then the most recently, then by name.
store_rank as (
  select r.customer_id, sl.label,
         row_number() over (partition by r.customer_id
                            order by count(*) desc, max(r.rental_date) desc, sl.label collate "C", r.store_id) as rank
    from rentals r
    left join store_label sl on sl.store_id = r.store_id
   group by r.customer_id, r.store_id, sl.label
),
category_rank as (
  select customer_id, category,
         row_number() over (partition by customer_id
                            order by count(*) desc, max(rental_date) desc, category collate "C") as rank
    from rentals
   where category is not null
   group by customer_id, category
),
film_rank as (
  select customer_id, title,
         row_number() over (partition by customer_id
                            order by count(*) desc, max(rental_date) desc, title collate "C", film_id) as rank
    from rentals
   group by customer_id, film_id, title
),
actor_rank as (
  select r.customer_id, a.first_name || ' ' || a.last_name as name,
         row_number() over (partition by r.customer_id
                            order by count(*) desc, max(r.rental_date) desc,
                                     (a.first_name || ' ' || a.last_name) collate "C", a.actor_id) as rank
    from rentals r
    join dvd_rental.film_actor fa on fa.film_id = r.film_id
    join dvd_rental.actor a on a.actor_id = fa.actor_id
   group by r.customer_id, a.actor_id, a.first_name, a.last_name
),
year_rank as (
  select customer_id, release_year,
         row_number() over (partition by customer_id
                            order by count(*) desc, max(rental_date) desc, release_year desc) as rank
    from rentals
   where release_year is not null
   group by customer_id, release_year
)
select t.customer_id,
       t.overdue_score,
       s.label as most_recent_store,
       lr.title as last_rental_film,
       lr.rental_date as last_rental_date,
       t.lifetime_value,
       t.total_rental_count,
       t.average_rental_duration,
       t.average_rental_payment,
       t.average_film_duration,
       t.last_year_rental_count,
       t.last_year_payments_sum,
       lp.amount::numeric(5,2) as last_payment,
       c1.category as most_recent_category,
       c2.category as second_most_recent_category,
       c3.category as third_most_recent_category,
       fr.title as most_recent_film_title,
       ar.name::text as most_recent_film_actor,
       yr.release_year::text as most_recent_film_year,
       refresh.t as last_refresh_date
  from totals t
 cross join refresh
  join last_rental lr on lr.customer_id = t.customer_id
  left join last_payment lp on lp.customer_id = t.customer_id
  left join store_rank s on s.customer_id = t.customer_id and s.rank = 1
  left join category_rank c1 on c1.customer_id = t.customer_id and c1.rank = 1
  left join category_rank c2 on c2.customer_id = t.customer_id and c2.rank = 2
  left join category_rank c3 on c3.customer_id = t.customer_id and c3.rank = 3
  left join film_rank fr on fr.customer_id = t.customer_id and fr.rank = 1
  left join actor_rank ar on ar.customer_id = t.customer_id and ar.rank = 1
  left join year_rank yr on yr.customer_id = t.customer_id and yr.rank = 1
with no data;

create unique index if not exists customer_aggr_mv_customer_id_key on v_dvd_rental.customer_aggr_mv (customer_id);
