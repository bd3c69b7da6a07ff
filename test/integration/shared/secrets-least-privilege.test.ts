// Secrets and least privilege (issue 14). A worker in a process of its own, and the CLI, get connection URLs each
// holding a recognisable password, for roles with the least rights (README "Least privilege"); the daily pipeline
// runs every step under them. Then the password is searched for in everything Temporal keeps of the runs (full
// histories with their payloads decoded, heartbeat details and failures of pending activities, memo, search
// attributes) and in the worker's and the CLI's output: zero hits.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import fs from 'node:fs';
import pg from 'pg';
import { connectClient } from '../../../common/temporal-client';
import type { RunOutcome } from '../../../cli/runs';
import { FERRETDB_DATABASE } from '../../../stack/ferretdb';
import { startWorkerProcess, type WorkerProcess } from '../../../stack/worker-process';
import type { DailyPipelineResult } from '../../../workflows/daily/types';
import { jsonOf, runCli, type CliRun } from '../../support/cli';
import { freshDvdRentalPair } from '../../support/dvdrental';
import {
  grantLeastPrivilege,
  passwordOf,
  ROLES,
  schemaOwners,
  SECRET_MARK,
  type LeastPrivilege,
} from '../../support/least-privilege';
import { testEnv } from '../../support/stack';

const NAME = 'secrets';
const DATE = `${2100 + Math.floor(Math.random() * 800)}-03-01`;
const env = testEnv();

type Payload = { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
const isPayload = (value: object): value is Payload => 'metadata' in value && 'data' in value;
const utf8 = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** Every payload decoded (JSON as the client would read it), other bytes as UTF-8 text. */
function decoded(value: unknown): unknown {
  if (value instanceof Uint8Array) return utf8(value);
  if (Array.isArray(value)) return value.map(decoded);
  if (value === null || typeof value !== 'object') return value;
  if (isPayload(value) && value.data) {
    try {
      return { payload: defaultPayloadConverter.fromPayload(value as never) };
    } catch {
      return { payload: utf8(value.data) };
    }
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decoded(item)]));
}

const hits = (text: string) => text.split(SECRET_MARK).length - 1;
const textOf = (value: unknown) =>
  JSON.stringify(decoded(value), (_key, item: unknown) => (typeof item === 'bigint' ? String(item) : item));

/** Every run on the task queue, as the Web UI and the client API show them: descriptions and full histories. */
async function runsOf(client: Client, taskQueue: string, atLeast: number) {
  for (let attempt = 0; ; attempt++) {
    const runs = [];
    for await (const run of client.workflow.list({ query: `TaskQueue = "${taskQueue}"` })) runs.push(run);
    if (runs.length >= atLeast || attempt > 40) return runs;
    await sleep(250);
  }
}

/** While the run goes on: what the Web UI shows of each open run (pending activities' heartbeats and failures). */
function watchPending(client: Client, taskQueue: string) {
  const seen: string[] = [];
  let stop = false;
  const done = (async () => {
    while (!stop) {
      for await (const run of client.workflow.list({
        query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
      })) {
        const { raw } = await client.workflow.getHandle(run.workflowId, run.runId).describe();
        if (raw.pendingActivities?.length) seen.push(textOf(raw.pendingActivities));
      }
      await sleep(300);
    }
  })();
  return {
    async stop() {
      stop = true;
      await done;
      return seen;
    },
  };
}

describe('secrets and least privilege', () => {
  let setup: LeastPrivilege;
  let worker: WorkerProcess | undefined;
  let client: Client;
  const taskQueue = `${NAME}-${Date.now()}`;
  const logDir = path.join(env.STACK_DATA_DIR, 'logs', NAME);
  const workerLog = path.join(logDir, 'worker.log');

  beforeAll(async () => {
    await freshDvdRentalPair({ source: `${NAME}_source`, target: `${NAME}_target` });
    setup = await grantLeastPrivilege(env, {
      source: `${NAME}_source`,
      target: `${NAME}_target`,
      mongoDatabase: `${NAME}_golden`,
    });
    fs.mkdirSync(logDir, { recursive: true });
    client = await connectClient(env);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
  });

  const settings = () => ({ ...setup.urls, MONGODB_DATABASE: setup.mongoDatabase, TEMPORAL_TASK_QUEUE: taskQueue });

  test('the daily pipeline runs every step under least-privilege roles; no password anywhere Temporal or a log keeps', async () => {
    // Not vacuous: the settings the worker and the CLI get hold every password, so the search below can hit.
    expect(hits(JSON.stringify(settings()))).toBe(4);

    worker = await startWorkerProcess({ env: { ...settings(), METRICS_BIND_ADDRESS: 'off' }, logFile: workerLog });
    const pending = watchPending(client, taskQueue);
    const cli: CliRun[] = [await runCli(['--json', 'daily', 'start', '--date', DATE], settings())];
    const seenPending = await pending.stop();
    const outcome = jsonOf<RunOutcome<DailyPipelineResult>>(cli[0]!);
    expect(outcome.result?.steps.map((step) => [step.step, step.state])).toEqual([
      ['daily-activity', 'done'],
      ['migration', 'done'],
      ['geocoding', 'done'],
      ['golden-record', 'done'],
      ['categorize', 'done'],
    ]);
    // The CLI also reads the databases itself (lineage), and fails on a database it may not open: both printed.
    cli.push(await runCli(['--json', 'lineage'], settings()));
    expect(cli[1]!.code).toBe(0);
    const refused = await runCli(['lineage'], {
      ...settings(),
      TARGET_DATABASE_URL: setup.urls.SOURCE_DATABASE_URL.replace(`/${setup.source}`, `/${setup.target}`),
    });
    expect(refused.code).not.toBe(0);
    cli.push(refused);
    await worker.stop();
    worker = undefined;

    const runs = await runsOf(client, taskQueue, 6);
    const stepIds = outcome.result!.steps.map((step) => step.workflowId);
    expect(runs.map((run) => run.workflowId)).toEqual(expect.arrayContaining([outcome.workflowId, ...stepIds]));
    const kept: string[] = [];
    for (const run of runs) {
      const handle = client.workflow.getHandle(run.workflowId, run.runId);
      const description = await handle.describe();
      kept.push(
        textOf({ memo: description.memo, searchAttributes: description.searchAttributes, raw: description.raw }),
      );
      kept.push(textOf(await handle.fetchHistory()));
    }
    const histories = kept.join('\n');
    // The histories are there, payloads decoded: the daily input reads as itself (a failure would print megabytes).
    expect(histories.includes('activityTaskCompletedEventAttributes')).toBe(true);
    expect(histories.includes('{"payload":{"configName":"dvd_rental","businessDate"')).toBe(true);
    expect(seenPending.length).toBeGreaterThan(0);
    const logs = fs.readFileSync(workerLog, 'utf8');
    expect(logs).toContain('worker started');

    expect({
      histories: hits(histories),
      pendingActivities: hits(seenPending.join('\n')),
      workerLog: hits(logs),
      cli: hits(cli.map((run) => run.stdout + run.stderr).join('\n')),
    }).toEqual({ histories: 0, pendingActivities: 0, workerLog: 0, cli: 0 });
  }, 600_000); // ~80 s on a quiet machine; 330 s was seen at load average 20

  test('the roles had only their rights: the run worked with them, the reader cannot write', async () => {
    // The target's schemas were created, and so are owned, by the target role: it connected with its password.
    const owners = await schemaOwners(env, setup.target);
    expect(Object.keys(owners)).toEqual(
      expect.arrayContaining(['dvd_rental', '_migration', 'v_dvd_rental', 'geocoding', 'categorize']),
    );
    const { public: publicOwner, ...created } = owners;
    expect(publicOwner).not.toBe(ROLES.owner);
    expect(new Set(Object.values(created))).toEqual(new Set([ROLES.owner]));
    expect((await schemaOwners(env, setup.source))._activity).toBe(ROLES.activity);
    expect((await schemaOwners(env, FERRETDB_DATABASE))[setup.mongoDatabase]).toBe(ROLES.mongo);

    const reader = new pg.Client({ connectionString: setup.urls.SOURCE_DATABASE_URL });
    await reader.connect();
    try {
      await expect(reader.query(`insert into actor (first_name, last_name) values ('A', 'B')`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(reader.query('create table public.extra (id int)')).rejects.toThrow(/permission denied/);
      expect(Number((await reader.query('select count(*) from rental')).rows[0].count)).toBeGreaterThan(0);
    } finally {
      await reader.end();
    }
    const ownerOnSource = new pg.Client({
      connectionString: setup.urls.TARGET_DATABASE_URL.replace(`/${setup.target}`, `/${setup.source}`),
    });
    await expect(ownerOnSource.connect()).rejects.toThrow(/permission denied for database/);
    expect(passwordOf('reader')).toContain(SECRET_MARK);
  });
});
