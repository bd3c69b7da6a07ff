import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from './env';

/** The connections that activities receive; one set per worker process. */
export interface Resources {
  sourcePg: pg.Pool;
  targetPg: pg.Pool;
  /** The daily activity's writes to the source: sourcePg itself unless ACTIVITY_DATABASE_URL names another role. */
  activityPg: pg.Pool;
  mongo: Db;
  close(): Promise<void>;
}

export async function openResources(env: Env): Promise<Resources> {
  const sourcePg = openPool('source', env.SOURCE_DATABASE_URL, { max: 10, application_name: WORKER_APPLICATION });
  const targetPg = openPool('target', env.TARGET_DATABASE_URL, { max: 10, application_name: WORKER_APPLICATION });
  const activityPg = env.ACTIVITY_DATABASE_URL
    ? openPool('activity (source writes)', env.ACTIVITY_DATABASE_URL, { max: 2, application_name: WORKER_APPLICATION })
    : sourcePg;
  const pools = [...new Set([sourcePg, targetPg, activityPg])];
  const mongoClient = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  await mongoClient.connect().catch(async (error: Error) => {
    await Promise.allSettled(pools.map((pool) => pool.end()));
    throw namedFailure(error, `MongoDB-wire database ${env.MONGODB_DATABASE} at ${mongoHosts(env.MONGODB_URI)}`);
  });
  return {
    sourcePg,
    targetPg,
    activityPg,
    mongo: mongoClient.db(env.MONGODB_DATABASE),
    async close() {
      await Promise.allSettled([...pools.map((pool) => pool.end()), mongoClient.close()]);
    },
  };
}

const WORKER_APPLICATION = 'dvd-rental-worker';

/** host:port (or hosts) of a MongoDB URI, without its credentials. */
function mongoHosts(uri: string): string {
  return /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]*)/.exec(uri)?.[1] ?? 'an unparsable URI';
}

/** Prefixes `where` to the error's message, keeping its class and code (what retry policies and callers test). */
function namedFailure(error: Error, where: string): Error {
  error.message = `${where}: ${error.message || String((error as { code?: string }).code ?? error.name)}`;
  return error;
}

/**
 * A pg Client whose connection failures (refused, unknown host, bad password) name which database it is
 * (`role`: source, target, ...), its name and host:port; never the password.
 */
export function namedClient(role: string): typeof pg.Client {
  return class NamedClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error | null, client?: pg.Client) => void): void;
    override connect(callback?: (err: Error | null, client?: pg.Client) => void): Promise<pg.Client> | void {
      const named = (error: Error) =>
        namedFailure(error, `${role} database ${this.database} at ${this.host}:${this.port}`);
      if (!callback)
        return super.connect().catch((error: Error) => {
          throw named(error);
        });
      super.connect((error: Error | null) => (error ? callback(named(error)) : callback(null, this)));
    }
  };
}

/** A pool of `role`'s database: its connection failures name it (namedClient), it survives killed sessions. */
export function openPool(role: string, connectionString: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ ...options, connectionString, Client: namedClient(role) });
  survivesKilledSessions(pool);
  return pool;
}

/**
 * A session killed by the server (pg_terminate_backend, a restart, an idle timeout) emits 'error' on its client:
 * an idle one through the pool, a checked-out one on the client itself. Without a listener either would crash
 * the worker; the query that was running fails anyway, its activity is retried, and the pool drops the client.
 */
export function survivesKilledSessions(pool: pg.Pool): void {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
}
