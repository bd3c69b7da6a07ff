// The golden record's lineage: source tables -> materialized views -> the MongoDB collection, each asset
// with its last copy, refresh or consolidation time. Pure: the reader (lineage-reader.ts) supplies times.
import { SOURCE_VIEWS, VIEW_SCHEMA } from './build-document';
import { GOLDEN_RECORD_COLLECTION } from './collections';
import { viewName, type ViewConfig } from '../../workflows/golden-record/views-config';

export type AssetKind = 'table' | 'view' | 'collection';

/** When each asset was last written; an asset missing from a map has no recorded time. */
export interface AssetTimes {
  /** By `schema.table`: the migration's last verified copy. */
  tables: Record<string, Date | null>;
  /** By `schema.view`: max(last_refresh_date). */
  views: Record<string, Date | null>;
  /** The collection's last complete consolidation. */
  collection: Date | null;
}

export interface LineageNode {
  id: string;
  kind: AssetKind;
  name: string;
  /** What the time means: `last copy`, `last refresh` or `last consolidation`. */
  event: string;
  /** ISO 8601 UTC, or null when it never happened (or was not recorded). */
  at: string | null;
}

export interface LineageEdge {
  from: string;
  to: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface LineageOptions {
  collection?: string;
  /** The views (`schema.view`) the collection's documents are built from. */
  collectionSources?: readonly string[];
}

const EVENT: Record<AssetKind, string> = { table: 'last copy', view: 'last refresh', collection: 'last consolidation' };
const PREFIX: Record<AssetKind, string> = { table: 't', view: 'v', collection: 'c' };
export const DEFAULT_COLLECTION_SOURCES = SOURCE_VIEWS.map((view) => `${VIEW_SCHEMA}.${view}`);

/** Names are plain identifiers (the config checks): `schema.name` with the dot replaced is a safe Mermaid id. */
const nodeId = (kind: AssetKind, name: string) => `${PREFIX[kind]}_${name.replace(/\./g, '__')}`;

function node(kind: AssetKind, name: string, at: Date | null | undefined): LineageNode {
  return { id: nodeId(kind, name), kind, name, event: EVENT[kind], at: at ? at.toISOString() : null };
}

/** Every source table once (first-seen order), every view in config order, then the collection. */
export function buildLineage(
  views: readonly ViewConfig[],
  times: AssetTimes,
  options: LineageOptions = {},
): LineageGraph {
  const collection = options.collection ?? GOLDEN_RECORD_COLLECTION;
  const feeds = new Set(options.collectionSources ?? DEFAULT_COLLECTION_SOURCES);
  const tables = new Map<string, LineageNode>();
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  for (const view of views) {
    const viewNode = node('view', viewName(view), times.views[viewName(view)]);
    nodes.push(viewNode);
    for (const source of view.sources) {
      const table = `${source.schema}.${source.table}`;
      if (!tables.has(table)) tables.set(table, node('table', table, times.tables[table]));
      edges.push({ from: tables.get(table)!.id, to: viewNode.id });
    }
    if (feeds.has(viewName(view))) edges.push({ from: viewNode.id, to: nodeId('collection', collection) });
  }
  return { nodes: [...tables.values(), ...nodes, node('collection', collection, times.collection)], edges };
}

/** The ledger forgets a migration run once it succeeds: no copy time does not mean never copied. */
const NO_TIME: Record<AssetKind, string> = { table: 'not recorded', view: 'never', collection: 'never' };

/** `2026-03-01 06:00:00 UTC`, or what a missing time means for that kind of asset. */
export function formatTime(at: string | null, kind: AssetKind): string {
  return at === null ? NO_TIME[kind] : `${at.slice(0, 19).replace('T', ' ')} UTC`;
}

const SUBGRAPHS: [AssetKind, string][] = [
  ['table', 'source tables (PostgreSQL target)'],
  ['view', 'materialized views'],
  ['collection', 'MongoDB'],
];

/** A Mermaid `flowchart LR`: one subgraph per kind of asset, each node labelled with its name and time. */
export function toMermaid(graph: LineageGraph): string {
  const lines = ['flowchart LR'];
  for (const [kind, title] of SUBGRAPHS) {
    lines.push(`  subgraph ${kind}s ["${title}"]`);
    for (const n of graph.nodes.filter((candidate) => candidate.kind === kind)) {
      lines.push(`    ${n.id}["${n.name}<br/>${n.event}: ${formatTime(n.at, n.kind)}"]`);
    }
    lines.push('  end');
  }
  for (const edge of graph.edges) lines.push(`  ${edge.from} --> ${edge.to}`);
  return `${lines.join('\n')}\n`;
}
