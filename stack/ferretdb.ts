import { MongoClient } from 'mongodb';
import type { Env } from '../common/env';
import { detachedService } from './detached-service';
import { adminUrl } from './postgres';
import type { Service } from './service';

export const FERRETDB_DATABASE = 'ferretdb';

export async function mongoAnswers(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1;
  } finally {
    await client.close();
  }
}

/** FerretDB 1.x: the MongoDB wire protocol on a PostgreSQL database of the stack's own cluster. */
export function ferretdbService(env: Env): Service {
  return detachedService(env, {
    name: 'FerretDB',
    binary: 'ferretdb',
    port: env.STACK_FERRETDB_PORT,
    portVariable: 'STACK_FERRETDB_PORT',
    dataDirs: ['ferretdb'],
    startTimeoutMs: 30_000,
    healthy: () => mongoAnswers(`mongodb://${env.STACK_HOST}:${env.STACK_FERRETDB_PORT}/`),
    environment: { FERRETDB_POSTGRESQL_URL: adminUrl(env, FERRETDB_DATABASE) },
    args: [
      `--listen-addr=${env.STACK_HOST}:${env.STACK_FERRETDB_PORT}`,
      '--handler=postgresql',
      '--telemetry=disable',
      // Its metrics endpoint defaults to a fixed port (8088); a random one avoids clashes.
      `--debug-addr=${env.STACK_HOST}:0`,
      `--state-dir=${env.STACK_DATA_DIR}/ferretdb`,
      '--log-level=warn',
    ],
  });
}
