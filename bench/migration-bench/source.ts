// The synthetic source databases: generated once per scale and seed, marked by a database comment.
import pg from 'pg';
import type { Env } from '../../common/env';
import { generateDataset } from '../../dataset/generator';
import { withAdminClient } from '../../stack/postgres';
import { logSlowStatementsSql } from './statement-log';
import { recreateDatabase, timed, withPool } from './support';

const marker = (scale: number, seed: number) => `dvd_rental synthetic scale=${scale} seed=${seed}`;

async function currentMarker(env: Env, database: string): Promise<string | undefined> {
  return withAdminClient(env, async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
      [database],
    );
    return rows[0]?.comment ?? undefined;
  });
}

/**
 * Generates `database` at the scale and seed, unless `reuse` is set and it already holds exactly that
 * (the marker is set only after a complete generation). Returns what it did.
 */
export async function ensureSource(
  env: Env,
  options: { database: string; scale: number; seed: number; reuse: boolean },
): Promise<string> {
  const wanted = marker(options.scale, options.seed);
  if (options.reuse && (await currentMarker(env, options.database)) === wanted) {
    await withAdminClient(env, (client) => client.query(logSlowStatementsSql(options.database)));
    return `${options.database}: reused (${wanted})`;
  }
  await recreateDatabase(env, options.database);
  const { seconds } = await timed(() =>
    withPool(env, options.database, async (pool) => {
      await generateDataset({ pool, scale: options.scale, seed: options.seed });
      await pool.query(`comment on database ${pg.escapeIdentifier(options.database)} is ${pg.escapeLiteral(wanted)}`);
    }),
  );
  // A source in service has been vacuumed: fresh rows without hint bits would make the first contender to
  // read them also write every page (and the autovacuum that follows would run during the next one).
  const vacuum = await timed(() => withPool(env, options.database, (pool) => pool.query('vacuum (freeze, analyze)')));
  return (
    `${options.database}: generated (${wanted}) in ${seconds.toFixed(0)} s, ` +
    `then vacuumed (freeze, analyze) in ${vacuum.seconds.toFixed(0)} s (untimed)`
  );
}
