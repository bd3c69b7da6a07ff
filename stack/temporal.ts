import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Env } from '../common/env';
import { detachedService } from './detached-service';
import type { Service } from './service';

export async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/**
 * `temporal server start-dev` with its Web UI, persisted to a SQLite file so runs survive a restart.
 * SQLite's default rollback journal fsyncs every commit and locks readers out while it does, and the dev server
 * has one connection to it: while Postgres is flushing a large load, a commit can wait seconds and every RPC
 * queues behind it (persistence `context deadline exceeded`). In WAL mode readers go on during a write, and
 * `synchronous=normal` syncs at checkpoints: a killed server keeps every commit, only an OS crash may lose the last.
 */
export function temporalService(env: Env): Service {
  return detachedService(env, {
    name: 'Temporal dev server',
    binary: 'temporal',
    port: env.STACK_TEMPORAL_PORT,
    portVariable: 'STACK_TEMPORAL_PORT',
    dataDirs: ['temporal'],
    startTimeoutMs: 60_000,
    healthy: () => temporalAnswers(`${env.STACK_HOST}:${env.STACK_TEMPORAL_PORT}`),
    args: [
      'server',
      'start-dev',
      '--ip',
      env.STACK_HOST,
      '--port',
      String(env.STACK_TEMPORAL_PORT),
      '--ui-port',
      String(env.STACK_TEMPORAL_UI_PORT),
      '--db-filename',
      path.join(env.STACK_DATA_DIR, 'temporal', 'temporal.db'),
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      '--namespace',
      env.TEMPORAL_NAMESPACE,
      '--ui-disable-news-fetch',
      '--log-level',
      'warn',
    ],
  });
}
