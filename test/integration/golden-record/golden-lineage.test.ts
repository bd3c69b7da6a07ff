import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../../common/env';
import { ensureLedger, recordCompleted } from '../../../activities/migration/ledger';
import { upsertGoldenRecords } from '../../../activities/golden-record/upsert';
import { ensureViews } from '../../../activities/golden-record/views';
import { buildLineage } from '../../../activities/golden-record/lineage';
import { readAssetTimes } from '../../../activities/golden-record/lineage-reader';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../../activities/golden-record/views-config-file';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../../activities/migration/config-file';
import { freshMigratedPair } from '../../support/migrated';

const run = promisify(execFile);
const CONSOLIDATED = new Date('2026-03-01T06:00:00Z');

describe('lineage of a migrated, golden-recorded database', () => {
  let env: Env;
  let target: pg.Pool;
  let mongoClient: MongoClient;
  let mongo: Db;

  beforeAll(async () => {
    env = {
      ...(await freshMigratedPair({ source: 'golden_lineage_source', target: 'golden_lineage_target' })),
      MONGODB_DATABASE: 'golden_lineage_test',
    };
    target = new pg.Pool({ connectionString: env.TARGET_DATABASE_URL, max: 2 });
    mongoClient = await new MongoClient(env.MONGODB_URI).connect();
    mongo = mongoClient.db(env.MONGODB_DATABASE);
    await mongo.dropDatabase();
  });

  afterAll(async () => {
    await mongo?.dropDatabase().catch(() => undefined);
    await mongoClient?.close();
    await target?.end();
  });

  test('times come from the views, the migration ledger and the freshness document', async () => {
    const views = await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG);
    const migration = await readMigrationConfigFile(DVD_RENTAL_MIGRATION_CONFIG);
    await ensureViews({ target });
    const before = await readAssetTimes({ target, mongo, views, migration });
    expect(before).toEqual({
      tables: {},
      views: Object.fromEntries(views.map((v) => [`${v.schema}.${v.materialized_view}`, null])),
      collection: null,
    });

    for (const v of views) await target.query(`refresh materialized view ${v.schema}.${v.materialized_view}`);
    await upsertGoldenRecords({ target, mongo, targetUrl: env.TARGET_DATABASE_URL, consolidationDate: CONSOLIDATED });
    await ensureLedger(target);
    await recordCompleted(target, { runKey: 'lineage-test', table: 'customer', rows: 1, checksum: 'x' });

    const times = await readAssetTimes({ target, mongo, views, migration });
    const {
      rows: [db],
    } = await target.query(
      // milliseconds as text: epoch * 1000 in floating point can land just below the whole millisecond
      `select to_char((select max(last_refresh_date) from v_dvd_rental.customers_mv), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as refreshed,
              to_char((select max(completed_at) from _migration.completed_tables) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as copied`,
    );
    expect(times.views['v_dvd_rental.customers_mv']).toEqual(new Date(db.refreshed));
    expect(times.tables).toEqual({ 'dvd_rental.customer': new Date(db.copied) });
    expect(times.collection).toEqual(CONSOLIDATED);
    expect(Object.values(times.views).every((at) => at instanceof Date)).toBe(true);

    const { stdout } = await runLineageCli(env, ['--json']);
    const graph = JSON.parse(stdout) as ReturnType<typeof buildLineage>;
    expect(graph).toEqual(JSON.parse(JSON.stringify(buildLineage(views, times))));
    const mermaid = (await runLineageCli(env, [])).stdout;
    expect(mermaid).toContain(
      'c_CustomersGoldenRecord["CustomersGoldenRecord<br/>last consolidation: 2026-03-01 06:00:00 UTC"]',
    );
    expect(mermaid).toMatch(
      /t_dvd_rental__customer\["dvd_rental.customer<br\/>last copy: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"\]/,
    );
    expect(mermaid).toContain('t_dvd_rental__rental["dvd_rental.rental<br/>last copy: not recorded"]');
  });
});

/** The command as a user runs it: its own process, settings from the environment only. */
function runLineageCli(env: Env, args: string[]) {
  const script = `require('./cli/commands/lineage').lineageCommand().parseAsync(process.argv.slice(1), { from: 'user' })`;
  return run(path.join('node_modules', '.bin', 'tsx'), ['-e', script, '--', ...args], {
    cwd: path.resolve(__dirname, '..', '..', '..'),
    env: {
      ...process.env,
      TARGET_DATABASE_URL: env.TARGET_DATABASE_URL,
      SOURCE_DATABASE_URL: env.SOURCE_DATABASE_URL,
      MONGODB_DATABASE: env.MONGODB_DATABASE,
    },
  });
}
