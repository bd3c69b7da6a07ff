import type { Pipeline } from '../common/pipeline';
import { PIPELINES } from '../pipelines';
import type { ActivityDeps } from './deps';

export type { ActivityDeps } from './deps';

/** The activities of every pipeline, each built with the worker's connections; two with one name are an error. */
export function createActivities(deps: ActivityDeps, pipelines: readonly Pipeline[] = PIPELINES) {
  const activities: Record<string, unknown> = {};
  for (const pipeline of pipelines) {
    for (const [name, activity] of Object.entries(pipeline.activities?.(deps) ?? {})) {
      if (name in activities)
        throw new Error(`activity ${name} of pipeline ${pipeline.workflows.name} is registered twice`);
      activities[name] = activity;
    }
  }
  return activities;
}
