import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { loadEnv, type Env } from '../../common/env';
import { openResources, type Resources } from '../../common/resources';
import { adminUrl, dropDatabaseAndSlots, ensureDatabases } from '../../stack/postgres';
import { createWorker, type WorkerGroup } from '../../worker';

export const testEnv = (): Env => loadEnv();

/** A fresh, empty database on the test stack, for tests that must not share data. */
export async function freshDatabase(name: string, env: Env = testEnv()): Promise<pg.Pool> {
  const admin = new pg.Client({ connectionString: adminUrl(env) });
  await admin.connect();
  try {
    await dropDatabaseAndSlots(admin, name); // a CDC test's source holds a slot
  } finally {
    await admin.end();
  }
  await ensureDatabases(env, [name]);
  return new pg.Pool({ connectionString: adminUrl(env, name), max: 4 });
}

export interface WorkerHarness {
  client: Client;
  resources: Resources;
  taskQueue: string;
  worker: WorkerGroup;
}

/** One worker for a whole test file (each worker start bundles the workflows anew); `stop` it in afterAll. */
export async function fileWorker(env: Env = testEnv()): Promise<{ harness: WorkerHarness; stop: () => Promise<void> }> {
  let started!: (harness: WorkerHarness) => void;
  let release!: () => void;
  const ready = new Promise<WorkerHarness>((resolve) => (started = resolve));
  const stopped = withWorker((running) => {
    started(running);
    return new Promise<void>((resolve) => (release = resolve));
  }, env);
  const ended = stopped.then(() => Promise.reject(new Error('the worker stopped before it started')));
  const harness = await Promise.race([ready, ended]);
  return {
    harness,
    stop: async () => {
      release();
      await stopped;
    },
  };
}

/** Runs `fn` while a real worker (real activities, real connections) polls a task queue of its own. */
export async function withWorker<T>(fn: (harness: WorkerHarness) => Promise<T>, env: Env = testEnv()): Promise<T> {
  const taskQueue = `test-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const resources = await openResources(env);
  try {
    const worker = await createWorker({ env, resources, connection: nativeConnection, taskQueue });
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
    return await worker.runUntil(fn({ client, resources, taskQueue, worker }));
  } finally {
    await resources.close();
    await connection.close();
    await nativeConnection.close();
  }
}
