-- Geocoding's columns on dvd_rental.city (target database) and its Nominatim cache. Idempotent: the
-- geocoding workflow runs it first, in one transaction. The migration's sync keeps these target-only columns.
-- Checked first, so that a rerun takes no exclusive lock on a table the migration keeps syncing.

do $$
begin
  if (select count(*) from pg_attribute
       where attrelid = 'dvd_rental.city'::regclass and not attisdropped
         and attname in ('longitude', 'latitude', 'geocoded_at', 'geocode_provider', 'geocode_matched_name',
                         'geonames_id', 'osm_id', 'geocode_confidence', 'geocode_last_tried_at')) < 9 then
    alter table dvd_rental.city
      -- numeric(9,6) is exact to ~0.1 m and holds -180.000000..180.000000 (the golden record reads these)
      add column if not exists longitude numeric(9,6),
      add column if not exists latitude numeric(9,6),
      -- how the coordinates were found: when, by which provider, the place matched and how surely
      add column if not exists geocoded_at timestamptz,
      add column if not exists geocode_provider text,
      add column if not exists geocode_matched_name text,
      add column if not exists geonames_id bigint,
      add column if not exists osm_id text,
      add column if not exists geocode_confidence text,
      -- a city no provider found: when it was last tried (asked again after the configured delay)
      add column if not exists geocode_last_tried_at timestamptz;
  end if;
  if not exists (select from pg_constraint
                  where conrelid = 'dvd_rental.city'::regclass and conname = 'city_longitude_range') then
    alter table dvd_rental.city add constraint city_longitude_range check (longitude between -180 and 180);
  end if;
  if not exists (select from pg_constraint
                  where conrelid = 'dvd_rental.city'::regclass and conname = 'city_latitude_range') then
    alter table dvd_rental.city add constraint city_latitude_range check (latitude between -90 and 90);
  end if;
  if not exists (select from pg_constraint
                  where conrelid = 'dvd_rental.city'::regclass and conname = 'city_geocode_resolution') then
    alter table dvd_rental.city add constraint city_geocode_resolution check (
      (longitude is null) = (latitude is null)
      and (geocode_provider is null or geocode_provider in ('offline', 'nominatim'))
      and (geocode_confidence is null
           or geocode_confidence in ('exact', 'normalized', 'prefix', 'alternate', 'phonetic', 'fuzzy', 'part',
                                     'fallback', 'nominatim'))
    );
  end if;
end $$;

create schema if not exists geocoding;

-- Every question put to Nominatim and its answer, so that no city is asked twice (a not-found answer is
-- asked again only after the retry delay). Keyed by the query as sent.
create table if not exists geocoding.nominatim_cache (
  query text primary key,
  asked_at timestamptz not null,
  found boolean not null,
  latitude numeric(9,6) check (latitude between -90 and 90),
  longitude numeric(9,6) check (longitude between -180 and 180),
  osm_id text,
  display_name text
);

-- The time of the last request to Nominatim, one row: every worker takes its turn through this row (locked
-- while it waits), so that requests stay the configured interval apart however many workers ask.
create table if not exists geocoding.nominatim_turn (
  id boolean primary key default true check (id),
  last_request_at timestamptz not null
);
insert into geocoding.nominatim_turn (last_request_at) values ('-infinity') on conflict (id) do nothing;
