import { buildLineage, toMermaid, type AssetTimes } from '../../../activities/golden-record/lineage';
import { GOLDEN_RECORD_VIEWS_CONFIG, readViewsConfigFile } from '../../../activities/golden-record/views-config-file';
import type { ViewConfig } from '../../../workflows/golden-record/views-config';

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
    expect(graph.nodes.filter((n) => n.kind === 'view').map((n) => n.name)).toEqual(
      views.map((v) => `${v.schema}.${v.materialized_view}`),
    );
    expect(new Set(graph.nodes.map((n) => n.id)).size).toBe(graph.nodes.length);
  });

  test('each node carries its time, or never (a table: not recorded); Mermaid shows them', () => {
    const graph = buildLineage(views, times);
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    expect(byName.get('dvd_rental.customer')).toMatchObject({
      kind: 'table',
      event: 'last copy',
      at: '2026-02-28T23:00:00.000Z',
    });
    expect(byName.get('dvd_rental.rental')?.at).toBeNull();
    expect(byName.get('v_dvd_rental.customers_mv')).toMatchObject({
      event: 'last refresh',
      at: REFRESHED.toISOString(),
    });
    expect(byName.get('v_dvd_rental.customer_aggr_mv')?.at).toBeNull();
    expect(byName.get('CustomersGoldenRecord')).toMatchObject({
      kind: 'collection',
      event: 'last consolidation',
      at: CONSOLIDATED.toISOString(),
    });

    const mermaid = toMermaid(graph);
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid).toContain('t_dvd_rental__customer["dvd_rental.customer<br/>last copy: 2026-02-28 23:00:00 UTC"]');
    expect(mermaid).toContain(
      'v_v_dvd_rental__customers_mv["v_dvd_rental.customers_mv<br/>last refresh: 2026-03-01 05:59:00 UTC"]',
    );
    expect(mermaid).toContain(
      'v_v_dvd_rental__customer_aggr_mv["v_dvd_rental.customer_aggr_mv<br/>last refresh: never"]',
    );
    expect(mermaid).toContain(
      'c_CustomersGoldenRecord["CustomersGoldenRecord<br/>last consolidation: 2026-03-01 06:00:00 UTC"]',
    );
    expect(mermaid).toContain('t_dvd_rental__rental["dvd_rental.rental<br/>last copy: not recorded"]');
    expect(mermaid).toContain('  t_dvd_rental__staff --> v_v_dvd_rental__customers_mv\n');
    expect(mermaid.split('\n').filter((line) => line.includes('-->'))).toHaveLength(graph.edges.length);
  });

  test('a view the collection is not built from has no edge to it', () => {
    const extra: ViewConfig = {
      schema: 'v_other',
      materialized_view: 'side_mv',
      sources: [{ schema: 'dvd_rental', table: 'film' }],
    };
    const graph = buildLineage([...views, extra], times);
    expect(graph.edges.filter((e) => e.from === 'v_v_other__side_mv')).toEqual([]);
    expect(graph.edges).toContainEqual({ from: 't_dvd_rental__film', to: 'v_v_other__side_mv' });
  });
});
