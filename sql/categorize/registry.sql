-- The categorize model registry: one row per trained model, never updated. Idempotent (run before every fit).
create schema if not exists categorize;

create table if not exists categorize.model (
  version bigint generated always as identity primary key,
  -- the run that trained it (workflow id / run id): a retried fit returns the model it already saved
  run_key text not null unique,
  config_name text not null,
  config_hash text not null,
  config jsonb not null,
  features text[] not null,
  scaling text not null,
  -- what the features were scaled with: {"kind": "standardize", "mean": [...], "std": [...]} etc.
  scaler jsonb not null,
  -- one per group, in label order (highest rank_by first): scaled, and the members' means in original units
  centroids_scaled jsonb not null,
  centroids jsonb not null,
  -- the label mapping: group i is labels[i] ({name, description})
  labels jsonb not null,
  sizes jsonb not null,
  inertia double precision not null,
  silhouette double precision not null,
  silhouette_method text not null check (silhouette_method in ('exact', 'sample')),
  silhouette_sample_size integer not null,
  customers integer not null,
  -- the golden record's last consolidation when the features were read
  data_snapshot_at timestamptz,
  trained_at timestamptz not null default now(),
  reason text not null
);

create index if not exists model_config_hash_version on categorize.model (config_hash, version desc);
