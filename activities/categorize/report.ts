// The segments as a picture: customers by two features, coloured by category, with the model's centroids,
// as a standalone SVG rendered by vega-lite + vega without a browser.
import type { Db } from 'mongodb';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { Feature } from '../../workflows/categorize/config';
import { featureCursor, featureVector } from './features';
import type { SavedModel } from './registry';

export interface ReportPoint {
  id: number;
  x: number;
  y: number;
  category: string;
}

/** Current customers with their two features and category (those without one show as "none"). */
export async function reportPoints(mongo: Db, x: Feature, y: Feature): Promise<ReportPoint[]> {
  const points: ReportPoint[] = [];
  for await (const doc of featureCursor(mongo, [x, y], { batchSize: 1000 })) {
    const [xValue, yValue] = featureVector(doc, [x, y]);
    const name = doc.category?.name;
    points.push({ id: doc._id, x: xValue!, y: yValue!, category: typeof name === 'string' ? name : 'none' });
  }
  return points;
}

/** The two features' names become the axis titles; a centroid is a black-edged cross of its group's colour. */
export function reportSpec(model: SavedModel, points: ReportPoint[], x: Feature, y: Feature): TopLevelSpec {
  const order = model.labels.map((label) => label.name);
  const [xi, yi] = [model.features.indexOf(x), model.features.indexOf(y)];
  const centroids = model.centroids.map((centroid, g) => ({ x: centroid[xi]!, y: centroid[yi]!, category: order[g]! }));
  const color = {
    field: 'category',
    type: 'nominal',
    title: 'segment',
    scale: { domain: [...order, 'none'] },
  } as const;
  const axes = {
    x: { field: 'x', type: 'quantitative', title: x, scale: { zero: false } },
    y: { field: 'y', type: 'quantitative', title: y, scale: { zero: false } },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Customer segments (model v${model.version}, silhouette ${model.silhouette.score.toFixed(3)})`,
    width: 640,
    height: 420,
    background: 'white',
    layer: [
      {
        name: 'customers',
        data: { values: points },
        mark: { type: 'circle', size: 28, opacity: 0.7 },
        encoding: { ...axes, color, tooltip: [{ field: 'id', title: 'customer' }] },
      },
      {
        name: 'centroids',
        data: { values: centroids },
        mark: { type: 'point', shape: 'cross', size: 260, filled: true, stroke: 'black', strokeWidth: 1.5 },
        encoding: { ...axes, color },
      },
    ],
  };
}

/** The spec rendered headless (no canvas, no DOM): a standalone SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
