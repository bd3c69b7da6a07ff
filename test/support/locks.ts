// Deterministic fault points: a lock held by a session of the test makes a pipeline's statement wait, the
// test sees the waiting backend in pg_stat_activity, and injects its fault there (a kill, a terminate).
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { terminateBackend } from './worker-faults';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Runs `statement` (`lock table ...`, or a refresh of a view: its locks) in a transaction of its own, left
 * open until release (a rollback).
 */
export async function holdLock(pool: pg.Pool, statement: string): Promise<HeldLock> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(statement);
  } catch (error) {
    client.release(true);
    throw error;
  }
  return {
    async release() {
      await client.query('rollback');
      client.release();
    },
  };
}

export interface LockWaiter {
  pid: number;
  query: string;
  /** The waiting transaction has written already (it has a transaction id). */
  hasWritten: boolean;
}

/** Waits until a backend of the pool's database waits for a lock, running a statement matching `like`. */
export async function lockWaiter(pool: pg.Pool, like = '%', timeoutMs = 120_000): Promise<LockWaiter> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await pool.query<LockWaiter>(
      `select pid, query, backend_xid is not null as "hasWritten" from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'
          and query ilike $1`,
      [like],
    );
    if (rows[0]) return rows[0];
    await sleep(20);
  }
  throw new Error(`no session waited for a lock running ${like} within ${timeoutMs} ms`);
}

/** Waits until the backend `pid` is gone (its transaction rolled back or committed). */
export async function backendGone(pool: pg.Pool, pid: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rowCount } = await pool.query('select 1 from pg_stat_activity where pid = $1', [pid]);
    if (!rowCount) return;
    await sleep(50);
  }
  throw new Error(`backend ${pid} still there after ${timeoutMs} ms`);
}

/**
 * Terminates the session waiting behind `lock` on a statement like `like`, waits until it is gone, runs
 * `whileHeld` (checks while the lock still holds), then releases the lock. When the kill was, and whom.
 */
export async function killWaiter(pool: pg.Pool, lock: HeldLock, like: string, whileHeld = async () => {}) {
  const waiter = await lockWaiter(pool, like);
  const killedAt = Date.now();
  await terminateBackend(pool, waiter.pid);
  await backendGone(pool, waiter.pid);
  await whileHeld();
  await lock.release();
  return { killedAt, waiter };
}
