-- The daily activity's ledger, beside the source schema it writes to (which stays the sample's schema).
-- Applied inside each day's transaction, after an advisory lock: idempotent.
create schema if not exists _activity;

-- One row per simulated day and source schema: a day in this table is never written again.
create table if not exists _activity.day (
  schema_name text not null,
  business_date date not null,
  simulated_date date not null,
  seed bigint not null,
  config_hash text not null,
  rows jsonb not null,
  checksum text not null,
  notes jsonb not null default '[]',
  written_at timestamptz not null default now(),
  primary key (schema_name, business_date),
  unique (schema_name, simulated_date)
);

-- When each outstanding rental comes back (null: never). Rows leave when the rental is returned, so a day
-- reads only the returns due that day, whatever the size of rental.
create table if not exists _activity.planned_return (
  schema_name text not null,
  rental_id integer not null,
  due_at timestamp,
  primary key (schema_name, rental_id)
);
create index if not exists planned_return_due on _activity.planned_return (schema_name, due_at)
  where due_at is not null;

-- Customers the generator deactivated, and on which simulated day (customer has no such column).
create table if not exists _activity.deactivation (
  schema_name text not null,
  customer_id integer not null,
  business_date date not null,
  simulated_date date not null,
  primary key (schema_name, customer_id)
);

-- A uniform fraction in [0, 1) from md5 (the same on every server): choices made row by row in SQL.
create or replace function _activity.fraction(seed bigint, id bigint, salt text) returns double precision
  language sql immutable strict parallel safe
  as $$ select ('x' || left(md5(seed::text || ':' || id::text || ':' || salt), 8))::bit(32)::bigint / 4294967296.0 $$;
