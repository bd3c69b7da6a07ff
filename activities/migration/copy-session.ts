import type pg from 'pg';
import { openSourceTwin, type SourceTwin } from './source-twin';

/** A source client inside one snapshot and a target client inside one transaction. */
export interface Sessions {
  source: pg.PoolClient;
  target: pg.PoolClient;
  /** Another session in the source's snapshot, on its own connection (source-twin.ts); the caller ends it. */
  sourceTwin?: () => Promise<SourceTwin>;
}

export interface SessionPools {
  source: pg.Pool;
  target: pg.Pool;
}

// COPY text and the checksums render values as text: both servers must render them alike,
// whatever their own defaults (a different TimeZone alone would change every timestamptz).
const TEXT_SETTINGS = [
  `set local datestyle = 'ISO, YMD'`,
  `set local intervalstyle = 'postgres'`,
  `set local timezone = 'UTC'`,
  `set local extra_float_digits = 3`,
  `set local bytea_output = 'hex'`,
].join('; ');

const ROLLBACK_TIMEOUT_MS = 10_000;

/**
 * Runs `work` with the source in a REPEATABLE READ, READ ONLY transaction (the copy and its checksum
 * read the same snapshot) and the target in a transaction that commits only if `work` resolves.
 * On failure or abort the target rolls back and nothing of it is kept.
 */
export async function inTransactions<T>(
  pools: SessionPools,
  signal: AbortSignal | undefined,
  work: (sessions: Sessions) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const source = await checkOut(pools.source);
  const target = await checkOut(pools.target).catch((error: unknown) => {
    checkIn(source, false);
    throw error;
  });
  const sessions: Sessions = { source, target, sourceTwin: () => openSourceTwin(pools.source, source) };
  let committed = false;
  let stopCancelling = () => {};
  try {
    stopCancelling = await cancelOnAbort(signal, pools, sessions);
    signal?.throwIfAborted();
    await source.query(`begin isolation level repeatable read, read only; ${TEXT_SETTINGS}`);
    await target.query(`begin; ${TEXT_SETTINGS}`);
    const result = await work(sessions);
    signal?.throwIfAborted();
    await target.query('commit');
    committed = true;
    return result;
  } catch (error) {
    signal?.throwIfAborted(); // the abort reason, not the cancelled statement's error
    throw error;
  } finally {
    stopCancelling();
    await endTarget(target, committed, !signal?.aborted);
    await endSource(source, committed);
  }
}

const ignoreError = () => undefined;

/** A checked-out client has no error listener of the pool's: without one, a dropped connection would crash the process. */
async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  client.on('error', ignoreError);
  return client;
}

function checkIn(client: pg.PoolClient, destroy: boolean): void {
  client.removeListener('error', ignoreError);
  client.release(destroy);
}

async function endTarget(client: pg.PoolClient, committed: boolean, reusable: boolean): Promise<void> {
  if (committed) return checkIn(client, !reusable);
  const rolledBack = await withTimeout(client.query('rollback'), ROLLBACK_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
  // A connection that cannot roll back is closed instead: the server then aborts its transaction.
  checkIn(client, !rolledBack || !reusable);
}

/** After a failure the source may still be sending COPY data: its connection is closed, ending the read-only snapshot. */
async function endSource(client: pg.PoolClient, committed: boolean): Promise<void> {
  if (!committed) return checkIn(client, true);
  const ended = await client.query('commit').then(
    () => true,
    () => false,
  );
  checkIn(client, !ended);
}

/**
 * Aborting cancels the statement each side is running (a long checksum or upsert); streams are
 * destroyed by their pipeline. Clients of an aborted run are closed, never reused, so a late
 * cancel request cannot hit another caller's statement.
 */
async function cancelOnAbort(signal: AbortSignal | undefined, pools: SessionPools, sessions: Sessions) {
  if (!signal) return () => undefined;
  const [sourcePid, targetPid] = await Promise.all([backendPid(sessions.source), backendPid(sessions.target)]);
  const cancel = () => {
    void pools.source.query('select pg_cancel_backend($1)', [sourcePid]).catch(ignoreError);
    void pools.target.query('select pg_cancel_backend($1)', [targetPid]).catch(ignoreError);
  };
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

async function backendPid(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return rows[0]!.pid;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
