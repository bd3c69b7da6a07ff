-- Prerequisites of the golden-record views (target database), idempotent: ensureViews runs it before
-- the view files, in the same transaction.

create schema if not exists v_dvd_rental;

-- City coordinates: NULL until geocoded. numeric(9,6) is exact to ~0.1 m and holds -180.000000..180.000000.
-- Checked first, so that a rerun takes no exclusive lock on a table the migration keeps syncing.
do $$
begin
  if (select count(*) from pg_attribute
       where attrelid = 'dvd_rental.city'::regclass and attname in ('longitude', 'latitude') and not attisdropped) < 2 then
    alter table dvd_rental.city
      add column if not exists longitude numeric(9,6),
      add column if not exists latitude numeric(9,6);
  end if;
  if not exists (select from pg_constraint
                  where conrelid = 'dvd_rental.city'::regclass and conname = 'city_longitude_range') then
    alter table dvd_rental.city add constraint city_longitude_range check (longitude between -180 and 180);
  end if;
  if not exists (select from pg_constraint
                  where conrelid = 'dvd_rental.city'::regclass and conname = 'city_latitude_range') then
    alter table dvd_rental.city add constraint city_latitude_range check (latitude between -90 and 90);
  end if;
end $$;

-- The label of an address: `address, city, country (district)`, each part trimmed of whitespace,
-- without ` (district)` when the district is blank. One definition for full_address and every store label.
create or replace function v_dvd_rental.address_label(address text, city text, country text, district text)
returns text
language sql immutable parallel safe
as $$
  select concat_ws(', ', btrim(address, E' \t\r\n'), btrim(city, E' \t\r\n'), btrim(country, E' \t\r\n'))
         || coalesce(' (' || nullif(btrim(district, E' \t\r\n'), '') || ')', '')
$$;
