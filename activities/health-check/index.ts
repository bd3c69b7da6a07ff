import { log } from '@temporalio/activity';
import type { ActivityDeps } from '../deps';

export interface ConnectionsReport {
  sourcePostgres: string;
  targetPostgres: string;
  mongoPing: number;
}

/** The report in one line, as the CLI and npm run dev print it. */
export const describeConnections = (c: ConnectionsReport): string =>
  `source Postgres ${c.sourcePostgres}, target Postgres ${c.targetPostgres}, MongoDB ping ok=${c.mongoPing}`;

async function serverVersion(pool: ActivityDeps['sourcePg']): Promise<string> {
  const { rows } = await pool.query<{ server_version: string }>('show server_version');
  return rows[0]!.server_version;
}

export function healthActivities(deps: ActivityDeps) {
  return {
    /** Proves from inside the worker that every data store answers. */
    async checkConnections(): Promise<ConnectionsReport> {
      const [sourcePostgres, targetPostgres, ping] = await Promise.all([
        serverVersion(deps.sourcePg),
        serverVersion(deps.targetPg),
        deps.mongo.command({ ping: 1 }),
      ]);
      const report = { sourcePostgres, targetPostgres, mongoPing: Number(ping.ok) };
      log.info('data stores answered', { ...report });
      return report;
    },
  };
}

export type HealthCheckActivities = ReturnType<typeof healthActivities>;
