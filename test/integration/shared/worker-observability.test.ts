import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadEnv, REPO_ROOT } from '../../../common/env';
import { connectClient } from '../../../common/temporal-client';
import { startWorkerProcess, type WorkerProcess } from '../../../stack/worker-process';
import { healthCheckWorkflow } from '../../../workflows';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** worker.ts run to its exit: exit code and everything it printed. */
function runWorkerToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'worker.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

type LogLine = Record<string, unknown>;

/** The worker's JSON log lines (anything else it printed is skipped). */
function readJsonLines(file: string): LogLine[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('worker observability', () => {
  const env = loadEnv();
  const taskQueue = `observability-${randomUUID()}`;
  const logFile = path.join(env.STACK_DATA_DIR, 'logs', 'observability-test-worker.log');
  let metricsPort: number;
  let worker: WorkerProcess | undefined;
  let run: { workflowId: string; runId: string };

  beforeAll(async () => {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    metricsPort = await freePort();
    worker = await startWorkerProcess({
      env: { TEMPORAL_TASK_QUEUE: taskQueue, METRICS_BIND_ADDRESS: `127.0.0.1:${metricsPort}` },
      logFile,
    });
    const client = await connectClient(env);
    try {
      const handle = await client.workflow.start(healthCheckWorkflow, {
        taskQueue,
        workflowId: `health-check-observability-${taskQueue}`,
        args: [{ requestedBy: 'worker-observability.test' }],
      });
      await handle.result();
      run = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
    } finally {
      await client.connection.close();
    }
  });

  afterAll(async () => {
    await worker?.stop();
  });

  test('serves Temporal metrics for Prometheus, counting the completed workflow and its activity', async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    const body = await response.text();
    const completed = new RegExp(
      `^temporal_workflow_completed\\{[^}]*workflow_type="healthCheckWorkflow"[^}]*\\} 1$`,
      'm',
    );
    expect(body).toMatch(completed);
    expect(body).toMatch(/^temporal_activity_execution_latency\w*\{[^}]*activity_type="checkConnections"/m);
    expect(body).toContain(`task_queue="${taskQueue}"`);
  });

  test('activity log lines are JSON with the workflow and activity context, never the task token', async () => {
    await worker?.stop();
    worker = undefined;
    const lines = readJsonLines(logFile);
    const activityLine = lines.find((line) => line.msg === 'data stores answered');
    expect(activityLine).toMatchObject({
      level: 30,
      service: 'dvd-rental-pipelines',
      workflowId: run.workflowId,
      runId: run.runId,
      workflowType: 'healthCheckWorkflow',
      activityType: 'checkConnections',
      attempt: 1,
      mongoPing: 1,
    });
    expect(activityLine).not.toHaveProperty('taskToken');

    const workflowLine = lines.find((line) => line.msg === 'health check requested');
    expect(workflowLine).toMatchObject({
      workflowId: run.workflowId,
      runId: run.runId,
      workflowType: 'healthCheckWorkflow',
      requestedBy: 'worker-observability.test',
    });
    expect(lines.find((line) => line.msg === 'worker started')).toMatchObject({ metrics: `127.0.0.1:${metricsPort}` });
  });

  test('a taken metrics port stops the worker with one line naming METRICS_BIND_ADDRESS', async () => {
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      const { code, output } = await runWorkerToExit({ METRICS_BIND_ADDRESS: `127.0.0.1:${port}` });
      expect(code).toBe(1);
      expect(output.trim()).toMatch(new RegExp(`^metrics endpoint 127\\.0\\.0\\.1:${port}: .*METRICS_BIND_ADDRESS`));
      expect(output.trim().split('\n')).toHaveLength(1);
    } finally {
      squatter.close();
    }
  });
});
