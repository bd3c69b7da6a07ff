// The views config (config/golden-record.json), in the seed's format: the materialized views to refresh, in
// order, each with the tables it reads. Pure: workflow code imports it.
import { z } from 'zod';
import { identifier } from '../shared/identifiers';
import { formatIssue } from '../shared/zod-issues';
import { ViewsConfigError } from './errors';

export const viewSourceSchema = z.strictObject({ schema: identifier, table: identifier });

export const viewConfigSchema = z.strictObject({
  schema: identifier,
  materialized_view: identifier,
  sources: z.array(viewSourceSchema).min(1, 'lists no source table'),
});

export type ViewSource = z.infer<typeof viewSourceSchema>;
export type ViewConfig = z.infer<typeof viewConfigSchema>;

export const viewName = (view: ViewConfig): string => `${view.schema}.${view.materialized_view}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function entryLabel(entry: unknown, index: number): string {
  const name =
    isRecord(entry) && typeof entry.materialized_view === 'string' ? ` ${JSON.stringify(entry.materialized_view)}` : '';
  return `views[${index}]${name}`;
}

function entryProblems(entry: unknown, label: string): { view?: ViewConfig; problems: string[] } {
  const result = viewConfigSchema.safeParse(entry);
  if (!result.success) {
    return { problems: result.error.issues.map((issue) => formatIssue(issue, { label })) };
  }
  const sources = result.data.sources.map((source) => `${source.schema}.${source.table}`);
  const repeated = sources.filter((source, index) => sources.indexOf(source) !== index);
  return { view: result.data, problems: repeated.map((source) => `${label}: sources list ${source} more than once`) };
}

function configProblems(json: unknown): { views: ViewConfig[]; problems: string[] } {
  if (!Array.isArray(json)) {
    return { views: [], problems: [`must be a JSON array of views, not ${json === null ? 'null' : typeof json}`] };
  }
  if (json.length === 0) return { views: [], problems: ['holds no views: list at least one'] };
  const views: ViewConfig[] = [];
  const problems: string[] = [];
  const firstLabel = new Map<string, string>();
  json.forEach((entry, index) => {
    const label = entryLabel(entry, index);
    const parsed = entryProblems(entry, label);
    problems.push(...parsed.problems);
    if (!parsed.view) return;
    const first = firstLabel.get(viewName(parsed.view));
    if (first) problems.push(`${label}: duplicate of ${first}: both refresh ${viewName(parsed.view)}`);
    else firstLabel.set(viewName(parsed.view), label);
    views.push(parsed.view);
  });
  return { views, problems };
}

/**
 * Validates a parsed views config; the views keep their order (the refresh queue). Throws a
 * ViewsConfigError listing every problem, one per line, each prefixed with `source` and naming its entry.
 */
export function parseViewsConfig(json: unknown, source = '<views config>'): ViewConfig[] {
  const { views, problems } = configProblems(json);
  if (problems.length > 0) throw new ViewsConfigError(problems.map((problem) => `${source}: ${problem}`).join('\n'));
  return views;
}
