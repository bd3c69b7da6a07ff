import type { ActivityDeps } from './deps';
import { goldenRecordActivities } from './golden-record';
import { healthActivities } from './health-check/index';
import { migrationActivities } from './migration';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...healthActivities(deps),
    ...migrationActivities(deps),
    ...goldenRecordActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
