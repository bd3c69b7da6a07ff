import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoClient, type Db } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../../common/env';
import { ensureLedger, recordCompleted } from '../../../activities/migration/ledger';
import { upsertGoldenRecords } from '../../../activities/golden-record/upsert';
import { ensureViews } from '../../../activities/golden-record/views';
import { buildLineage, toMermaid, type AssetTimes } from '../../../activities/golden-record/lineage';
import { readAssetTimes } from '../../../activities/golden-record/lineage-reader';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../../activities/golden-record/views-config-file';
import type { ViewConfig } from '../../../workflows/golden-record/views-config';
import { DVD_RENTAL_MIGRATION_CONFIG, readMigrationConfigFile } from '../../../activities/migration/config-file';
import { freshMigratedPair } from '../../support/migrated';

const run = promisify(execFile);
const REFRESHED = new Date('2026-03-01T05:59:00.123Z');
const CONSOLIDATED = new Date('2026-03-01T06:00:00Z');

describe('lineage graph (pure)', () => {
  let views: ViewConfig[];
  beforeAll(async () => {
    views = await readViewsConfigFile(GOLDEN_RECORD_VIEWS_CONFIG);
  });

  const times: AssetTimes = {
    tables: { 'dvd_rental.customer': new Date('2026-02-28T23:00:00Z') },
    views: { 'v_dvd_rental.customers_mv': REFRESHED, 'v_dvd_rental.customer_aggr_mv': null },
    collection: CONSOLIDATED,
  };

  test('edges are exactly views.json: each source table to its view, each view to the collection', () => {
    const graph = buildLineage(views, times);
    const name = new Map(graph.nodes.map((n) => [n.id, n.name]));
    const edges = graph.edges.map((e) => `${name.get(e.from)} -> ${name.get(e.to)}`).sort();
    const expected = views.flatMap((v) => [
      ...v.sources.map((s) => `${s.schema}.${s.table} -> ${v.schema}.${v.materialized_view}`),
      `${v.schema}.${v.materialized_view} -> CustomersGoldenRecord`,
    ]);
    expect(edges).toEqual(expected.sort());
    const distinctTables = new Set(views.flatMap((v) => v.sources.map((s) => `${s.schema}.${s.table}`)));
    expect(graph.nodes.filter((n) => n.kind === 'table')).toHaveLength(distinctTables.size);
    expect(graph.nodes.filter((n) => n.kind === 'view').map((n) => n.name)).toEqual(views.map((v) => `${v.schema}.${v.materialized_view}`));
    expect(new Set(graph.nodes.map((n) => n.id)).size).toBe(graph.nodes.length);
  });

  test('each node carries its time, or never (a table: not recorded); Mermaid shows them', () => {
    const graph = buildLineage(views, times);
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    expect(byName.get('dvd_rental.customer')).toMatchObject({ kind: 'table', event: 'last copy', at: '2026-02-28T23:00:00.000Z' });
    expect(byName.get('dvd_rental.rental')?.at).toBeNull();
    expect(byName.get('v_dvd_rental.customers_mv')).toMatchObject({ event: 'last refresh', at: REFRESHED.toISOString() });
    expect(byName.get('v_dvd_rental.customer_aggr_mv')?.at).toBeNull();
    expect(byName.get('CustomersGoldenRecord')).toMatchObject({ kind: 'collection', event: 'last consolidation', at: CONSOLIDATED.toISOString() });

    const mermaid = toMermaid(graph);
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid).toContain('t_dvd_rental__customer["dvd_rental.customer<br/>last copy: 2026-02-28 23:00:00 UTC"]');
    expect(mermaid).toContain('v_v_dvd_rental__customers_mv["v_dvd_rental.customers_mv<br/>last refresh: 2026-03-01 05:59:00 UTC"]');
    expect(mermaid).toContain('v_v_dvd_rental__customer_aggr_mv["v_dvd_rental.customer_aggr_mv<br/>last refresh: never"]');
    expect(mermaid).toContain('c_CustomersGoldenRecord["CustomersGoldenRecord<br/>last consolidation: 2026-03-01 06:00:00 UTC"]');
    expect(mermaid).toContain('t_dvd_rental__rental["dvd_rental.rental<br/>last copy: not recorded"]');
    expect(mermaid).toContain('  t_dvd_rental__staff --> v_v_dvd_rental__customers_mv\n');
    expect(mermaid.split('\n').filter((line) => line.includes('-->'))).toHaveLength(graph.edges.length);
  });

  test('a view the collection is not built from has no edge to it', () => {
    const extra: ViewConfig = { schema: 'v_other', materialized_view: 'side_mv', sources: [{ schema: 'dvd_rental', table: 'film' }] };
    const graph = buildLineage([...views, extra], times);
    expect(graph.edges.filter((e) => e.from === 'v_v_other__side_mv')).toEqual([]);
    expect(graph.edges).toContainEqual({ from: 't_dvd_rental__film', to: 'v_v_other__side_mv' });
  });
});

describe('lineage of a migrated, golden-recorded database', () => {
  let env: Env;
  let target: pg.Pool;
  let mongoClient: MongoClient;
  let mongo: Db;

  beforeAll(async () => {
    env = { ...(await freshMigratedPair({ source: 'golden_lineage_source', target: 'golden_lineage_target' })), MONGODB_DATABASE: 'golden_lineage_test' };
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
    expect(before).toEqual({ tables: {}, views: Object.fromEntries(views.map((v) => [`${v.schema}.${v.materialized_view}`, null])), collection: null });

    for (const v of views) await target.query(`refresh materialized view ${v.schema}.${v.materialized_view}`);
    await upsertGoldenRecords({ target, mongo, targetUrl: env.TARGET_DATABASE_URL, consolidationDate: CONSOLIDATED });
    await ensureLedger(target);
    await recordCompleted(target, { runKey: 'lineage-test', table: 'customer', rows: 1, checksum: 'x' });

    const times = await readAssetTimes({ target, mongo, views, migration });
    const { rows: [db] } = await target.query(
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
    expect(mermaid).toContain('c_CustomersGoldenRecord["CustomersGoldenRecord<br/>last consolidation: 2026-03-01 06:00:00 UTC"]');
    expect(mermaid).toMatch(/t_dvd_rental__customer\["dvd_rental.customer<br\/>last copy: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"\]/);
    expect(mermaid).toContain('t_dvd_rental__rental["dvd_rental.rental<br/>last copy: not recorded"]');
  });
});

/** The command as a user runs it: its own process, settings from the environment only. */
function runLineageCli(env: Env, args: string[]) {
  const script = `require('./cli/commands/lineage').lineageCommand().parseAsync(process.argv.slice(1), { from: 'user' })`;
  return run(path.join('node_modules', '.bin', 'tsx'), ['-e', script, '--', ...args], {
    cwd: path.resolve(__dirname, '..', '..', '..'),
    env: { ...process.env, TARGET_DATABASE_URL: env.TARGET_DATABASE_URL, SOURCE_DATABASE_URL: env.SOURCE_DATABASE_URL, MONGODB_DATABASE: env.MONGODB_DATABASE },
  });
}
