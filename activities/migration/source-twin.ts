// A second session in the source's snapshot, for a read split in two halves that run at once (the key ranges
// when the target's side is recorded and a core is free). Its own connection, not the pool's: a table that
// holds a pooled session never waits for another one.
import pg from 'pg';

export interface SourceTwin {
  db: pg.ClientBase;
  end(): Promise<void>;
}

const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i;

/** `source` is inside its REPEATABLE READ transaction: the twin imports its snapshot (pg_export_snapshot). */
export async function openSourceTwin(pool: pg.Pool, source: pg.ClientBase): Promise<SourceTwin> {
  const { rows } = await source.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
  const snapshot = rows[0]!.snapshot;
  if (!SNAPSHOT_ID.test(snapshot)) throw new Error(`unexpected snapshot id ${JSON.stringify(snapshot)}`);
  const Client = (pool.options.Client ?? pg.Client) as unknown as new (config: pg.PoolConfig) => pg.Client;
  const db = new Client(pool.options);
  db.on('error', () => undefined); // a dropped connection fails its query, not the worker
  await db.connect();
  const end = () => db.end().catch(() => undefined);
  try {
    await db.query(`begin isolation level repeatable read, read only; set transaction snapshot '${snapshot}'`);
  } catch (error) {
    await end();
    throw error;
  }
  return { db, end };
}
