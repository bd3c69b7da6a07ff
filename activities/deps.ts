import type { Db } from 'mongodb';
import type pg from 'pg';

/** What activities need from the outside world, injected so tests can pass their own. */
export interface ActivityDeps {
  sourcePg: pg.Pool;
  targetPg: pg.Pool;
  /** The daily activity's writes to the source (ACTIVITY_DATABASE_URL); sourcePg when not given. */
  activityPg?: pg.Pool;
  mongo: Db;
}
