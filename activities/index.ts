import type { ActivityDeps } from './deps';
import { healthActivities } from './health';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...healthActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
