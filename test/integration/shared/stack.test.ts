import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { parseEnv, type Env } from '../../../common/env';
import { stackHealth, startStack, stopStack } from '../../../stack';
import { PortTakenError } from '../../../stack/errors';
import { withWorker } from '../../support/stack';
import { healthCheckWorkflow } from '../../../workflows';

/** A second stack, apart from the shared test stack, so this file can start it from nothing and stop it. */
const dataDir = path.resolve(__dirname, '..', '..', '..', '.data', 'stack-test');
const vars = {
  STACK_DATA_DIR: dataDir,
  STACK_TOOLS_DIR: process.env.STACK_TOOLS_DIR,
  STACK_PG_PORT: '55442',
  STACK_TEMPORAL_PORT: '7254',
  STACK_TEMPORAL_UI_PORT: '8254',
  STACK_FERRETDB_PORT: '27038',
};

describe('local stack', () => {
  const env: Env = parseEnv(vars);
  beforeAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  afterAll(() => stopStack(env));

  test('starts from nothing, answers, is reused while up, and stops', async () => {
    const first = await startStack(env);
    expect(Object.values(first.services)).toEqual(['started', 'started', 'started']);

    const source = new pg.Client({ connectionString: env.SOURCE_DATABASE_URL });
    await source.connect();
    const { rows } = await source.query<{ db: string }>('select current_database() as db');
    await source.end();
    expect(rows[0]!.db).toBe('dvdrental_source');

    const mongo = await new MongoClient(env.MONGODB_URI).connect();
    const ping = await mongo.db('admin').command({ ping: 1 });
    await mongo.close();
    expect(ping.ok).toBe(1);

    const result = await withWorker(
      ({ client, taskQueue }) =>
        client.workflow.execute(healthCheckWorkflow, {
          taskQueue,
          workflowId: `health-check-${Date.now()}`,
          args: [{ requestedBy: 'stack.test' }],
        }),
      env,
    );
    expect(result.connections).toMatchObject({ mongoPing: 1, sourcePostgres: expect.stringMatching(/^17\./) });

    const second = await startStack(env);
    expect(Object.values(second.services)).toEqual(['reused', 'reused', 'reused']);

    expect((await stopStack(env)).sort()).toEqual(['FerretDB', 'PostgreSQL', 'Temporal dev server']);
    expect(Object.values(await stackHealth(env))).toEqual([false, false, false]);
  });

  test('a port taken by another program is named with the variable that moves it', async () => {
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(env.STACK_PG_PORT, env.STACK_HOST, resolve));
    try {
      const failure = startStack(env);
      await expect(failure).rejects.toThrow(PortTakenError);
      await expect(failure).rejects.toThrow(`port ${env.STACK_PG_PORT}`);
      await expect(failure).rejects.toThrow('STACK_PG_PORT');
    } finally {
      squatter.close();
    }
  });

  test('a missing tool is named with the command that installs it', async () => {
    const noTools = parseEnv({ ...vars, STACK_TOOLS_DIR: path.join(dataDir, 'no-tools') });
    await expect(startStack(noTools)).rejects.toThrow(/not installed .*Run: npm run setup:tools/);
  });
});
