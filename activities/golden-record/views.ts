// The golden-record materialized views (sql/golden-record/): created idempotently, and refreshed with a
// before/after check of their last_refresh_date. Plain functions: the activities wrap them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../../common/env';
import { msToNumber } from '@temporalio/common/lib/time';
import { inTransaction } from '../../common/transaction';
import {
  NotAllViewsRefreshed,
  ViewsConfigError,
  ViewsLocked,
  type StaleView,
} from '../../workflows/golden-record/errors';
import { DEFAULT_LOCK_TIMEOUT } from '../../workflows/golden-record/types';
import { viewName, type ViewConfig } from '../../workflows/golden-record/views-config';

/** In creation order; each has sql/golden-record/<name>.sql. */
export const GOLDEN_RECORD_VIEWS = ['customers_mv', 'customer_aggr_mv', 'last_rentals_mv'] as const;

const SQL_DIR = path.join(REPO_ROOT, 'sql', 'golden-record');
const CREATE_VIEW = /create materialized view if not exists (\w+)\.(\w+) as\s+([\s\S]+?)\s+with no data;/i;
const PROBE = 'pg_temp.golden_record_view_probe';

const LOCK_NOT_AVAILABLE = '55P03';

const qualified = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

interface ViewFile {
  schema: string;
  view: string;
  /** The whole file: the view (WITH NO DATA: refreshView populates it) and its unique index. */
  ddl: string;
  query: string;
}

export interface EnsuredView {
  view: string;
  action: 'created' | 'recreated' | 'unchanged';
}

async function readViewFile(name: string): Promise<ViewFile> {
  const file = path.join(SQL_DIR, `${name}.sql`);
  const ddl = await readFile(file, 'utf8');
  const match = CREATE_VIEW.exec(ddl);
  if (!match)
    throw new Error(
      `${file}: expected "create materialized view if not exists <schema>.<view> as <query> with no data;"`,
    );
  return { schema: match[1]!, view: match[2]!, ddl, query: match[3]! };
}

/** Columns (name and type) and deparsed query of a view, or null when there is no such relation. */
async function shapeOf(db: pg.PoolClient, relation: string): Promise<string | null> {
  const { rows } = await db.query<{ shape: string }>(
    `select (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
               from pg_attribute a
              where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped)
            || E'\\n' || coalesce(pg_get_viewdef(c.oid), '') as shape
       from pg_class c
      where c.oid = to_regclass($1)`,
    [relation],
  );
  return rows[0]?.shape ?? null;
}

/** The shape the file would give: the same query as a temporary plain view, deparsed the same way. */
async function fileShape(db: pg.PoolClient, file: ViewFile): Promise<string | null> {
  await db.query(`create temporary view ${PROBE} as ${file.query}`);
  const shape = await shapeOf(db, PROBE);
  await db.query(`drop view ${PROBE}`);
  return shape;
}

/**
 * Drops the view when its columns or query differ from the file's, then runs the file, which creates
 * whatever is missing (`if not exists`): the view, its unique index.
 */
async function ensureView(db: pg.PoolClient, file: ViewFile): Promise<EnsuredView> {
  const name = qualified(file.schema, file.view);
  const existing = await shapeOf(db, name);
  const changed = existing !== null && existing !== (await fileShape(db, file));
  if (changed) await db.query(`drop materialized view ${name}`);
  await db.query(file.ddl);
  return {
    view: `${file.schema}.${file.view}`,
    action: existing === null ? 'created' : changed ? 'recreated' : 'unchanged',
  };
}

/** A lock held by another session longer than `ms` fails this transaction's statement (lock_timeout, 55P03). */
async function setLockTimeout(db: pg.PoolClient, ms: number): Promise<void> {
  await db.query(`select set_config('lock_timeout', $1, true)`, [`${Math.ceil(ms)}ms`]);
}

/** Runs `step` of ensureViews; its lock timeout becomes ViewsLocked naming `what` it was ensuring. */
async function lockNamed<T>(what: string, lockTimeoutMs: number, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
    throw new ViewsLocked(
      `ensuring ${what}: another session held a lock on it longer than the lock timeout (${lockTimeoutMs} ms): ` +
        `${(error as Error).message}`,
    );
  }
}

/**
 * Schema v_dvd_rental, the geocoding columns of dvd_rental.city and the three views with their unique
 * indexes, in one transaction; a rerun changes nothing. New views are empty until refreshView. A lock held
 * by another session longer than `lockTimeoutMs` fails it with ViewsLocked, naming what it was ensuring.
 */
export async function ensureViews({
  target,
  lockTimeoutMs = msToNumber(DEFAULT_LOCK_TIMEOUT),
}: {
  target: pg.Pool;
  lockTimeoutMs?: number;
}): Promise<EnsuredView[]> {
  const setup = await readFile(path.join(SQL_DIR, 'setup.sql'), 'utf8');
  const files = await Promise.all(GOLDEN_RECORD_VIEWS.map(readViewFile));
  return inTransaction(target, async (db) => {
    // concurrent ensureViews wait for each other (short); other sessions' locks only as long as the timeout
    await db.query(`select pg_advisory_xact_lock(hashtext('golden-record ensureViews'))`);
    await setLockTimeout(db, lockTimeoutMs);
    await lockNamed('v_dvd_rental and dvd_rental.city (setup.sql)', lockTimeoutMs, () => db.query(setup));
    const ensured: EnsuredView[] = [];
    for (const file of files)
      ensured.push(await lockNamed(`${file.schema}.${file.view}`, lockTimeoutMs, () => ensureView(db, file)));
    return ensured;
  });
}

export interface ViewRefresh {
  view: string;
  /** max(last_refresh_date) as ISO 8601 UTC with microseconds; null when the view was empty or unpopulated. */
  before: string | null;
  after: string | null;
  /** The timestamp moved: after is set and differs from before. */
  refreshed: boolean;
  concurrently: boolean;
}

async function isPopulated(target: pg.Pool, schema: string, view: string): Promise<boolean> {
  const { rows } = await target.query<{ populated: boolean }>(
    `select c.relispopulated as populated
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and c.relkind = 'm'`,
    [schema, view],
  );
  if (!rows[0]) throw new ViewsConfigError(`${schema}.${view} is not a materialized view of the target database`);
  return rows[0].populated;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/** Our views hold UTC in a timestamp without time zone; a view of the config may use timestamptz. */
async function lastRefreshDate(target: pg.Pool, name: string): Promise<string | null> {
  const { rows } = await target.query<{ at: string | null }>(
    `select case when pg_typeof(at) = 'timestamptz'::regtype then to_char(at::timestamptz at time zone 'UTC', ${ISO})
                 else to_char(at::timestamp, ${ISO}) end as at
       from (select max(last_refresh_date) as at from ${name}) latest`,
  );
  return rows[0]?.at ?? null;
}

/**
 * Refreshes one view: CONCURRENTLY when it is populated (readers keep reading), plainly when not (a
 * concurrent refresh needs data). Each statement runs in its own transaction, so the view's now() moves.
 */
export async function refreshView({
  target,
  schema,
  view,
  lockTimeoutMs = msToNumber(DEFAULT_LOCK_TIMEOUT),
}: {
  target: pg.Pool;
  schema: string;
  view: string;
  /** A lock held by another session longer than this fails the refresh (lock_timeout, 55P03). */
  lockTimeoutMs?: number;
}): Promise<ViewRefresh> {
  const name = qualified(schema, view);
  const concurrently = await isPopulated(target, schema, view);
  const before = concurrently ? await lastRefreshDate(target, name) : null;
  await inTransaction(target, async (client) => {
    await setLockTimeout(client, lockTimeoutMs);
    await client.query(`refresh materialized view ${concurrently ? 'concurrently ' : ''}${name}`);
  });
  const after = await lastRefreshDate(target, name);
  return { view: `${schema}.${view}`, before, after, refreshed: after !== null && after !== before, concurrently };
}

function staleReason(refresh: ViewRefresh): string {
  return refresh.after === null
    ? 'no last_refresh_date after the refresh'
    : `last_refresh_date stayed ${refresh.after}`;
}

/**
 * Refreshes the views in order. A view that fails or whose timestamp does not move does not stop the
 * others; afterwards NotAllViewsRefreshed names every such view.
 */
export async function refreshViews({
  target,
  views,
  lockTimeoutMs,
}: {
  target: pg.Pool;
  views: readonly ViewConfig[];
  lockTimeoutMs?: number;
}): Promise<ViewRefresh[]> {
  const refreshed: ViewRefresh[] = [];
  const stale: StaleView[] = [];
  for (const entry of views) {
    try {
      const result = await refreshView({ target, schema: entry.schema, view: entry.materialized_view, lockTimeoutMs });
      refreshed.push(result);
      if (!result.refreshed) stale.push({ view: result.view, reason: staleReason(result) });
    } catch (error) {
      stale.push({ view: viewName(entry), reason: `refresh failed: ${(error as Error).message}` });
    }
  }
  if (stale.length > 0) throw new NotAllViewsRefreshed(stale);
  return refreshed;
}
