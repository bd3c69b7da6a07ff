-- v_dvd_rental.customers_mv: one row per customer (all customers), refreshed concurrently (key customer_id).
-- Types: ids integer; names, address parts, labels, phone and emails text (free of the sources' varchar
-- lengths); is_active boolean; longitude/latitude numeric(9,6) like dvd_rental.city (NULL until geocoded);
-- last_refresh_date timestamp without time zone, in UTC: the refresh's now(), i.e. its transaction start.
-- The assistant is the staff member who manages the customer's store (store.manager_staff_id).
-- Left joins on primary keys: every customer appears exactly once, even with a dangling store.
create materialized view if not exists v_dvd_rental.customers_mv as
select cu.customer_id::integer as customer_id,
       cu.first_name::text as first_name,
       cu.last_name::text as last_name,
       cu.activebool as is_active,
       a.address::text as address,
       a.district::text as district,
       ci.city::text as city,
       ci.longitude::numeric(9,6) as longitude,
       ci.latitude::numeric(9,6) as latitude,
       co.country::text as country,
       v_dvd_rental.address_label(a.address, ci.city, co.country, a.district) as full_address,
       a.phone::text as phone,
       cu.email::text as email,
       a.postal_code::text as postal_code,
       manager.first_name::text as assistant_name,
       manager.last_name::text as assistant_last_name,
       manager.email::text as assistant_email,
       (now() at time zone 'UTC')::timestamp as last_refresh_date
  from dvd_rental.customer cu
  left join dvd_rental.address a on a.address_id = cu.address_id
  left join dvd_rental.city ci on ci.city_id = a.city_id
  left join dvd_rental.country co on co.country_id = ci.country_id
  left join dvd_rental.store s on s.store_id = cu.store_id
  left join dvd_rental.staff manager on manager.staff_id = s.manager_staff_id
with no data;

create unique index if not exists customers_mv_customer_id_key on v_dvd_rental.customers_mv (customer_id);
