import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { toolPath } from '../../../stack/tools';
import { applySchedules } from '../../../schedules/apply';
import { declaredSchedules, type ScheduleDeclaration } from '../../../schedules/declarations';
import { backfillSchedule, describeSchedule, listSchedules, triggerSchedule } from '../../../schedules/operations';
import { jsonOf, runCli } from '../../support/cli';
import { testEnv, withWorker } from '../../support/stack';

const execFileAsync = promisify(execFile);

/** The declared schedules under ids of this test's own, so runs of the suite never meet. */
async function ownDeclarations(): Promise<ScheduleDeclaration[]> {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  return (await declaredSchedules()).map((declaration) => ({ ...declaration, id: `${prefix}-${declaration.id}` }));
}

/** What the real `temporal schedule ...` command prints, parsed. */
async function temporalCli(args: string[]) {
  const env = testEnv();
  const { stdout } = await execFileAsync(toolPath(env, 'temporal'), [
    'schedule',
    ...args,
    '--address',
    env.TEMPORAL_ADDRESS,
    '--output',
    'json',
  ]);
  return JSON.parse(stdout);
}
const temporalCliDescribe = (id: string) => temporalCli(['describe', '--schedule-id', id]);

async function deleteAll(client: Client, declarations: ScheduleDeclaration[]) {
  for (const { id } of declarations)
    await client.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 60; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await sleep(500);
  }
  return read();
}

describe('schedules', () => {
  test('apply creates what the code declares, and a second apply changes nothing', async () => {
    const declarations = await ownDeclarations();
    await withWorker(async ({ client, taskQueue }) => {
      try {
        expect((await applySchedules(client, declarations, taskQueue)).map((o) => o.outcome)).toEqual([
          'created',
          'created',
        ]);
        const before = await client.schedule.getHandle(declarations[0]!.id).describe();
        expect((await applySchedules(client, declarations, taskQueue)).map((o) => o.outcome)).toEqual([
          'unchanged',
          'unchanged',
        ]);
        const after = await client.schedule.getHandle(declarations[0]!.id).describe();
        expect(after.info.lastUpdatedAt).toEqual(before.info.lastUpdatedAt);

        const declaredViews = async () => (await listSchedules(client, declarations)).filter((view) => view.declared);
        const listed = await waitFor(declaredViews, (views) => views.length === declarations.length);
        expect(
          listed.map((view) => [view.id, view.workflowType, view.overlap, view.catchupWindowMs, view.paused]),
        ).toEqual([
          [declarations[0]!.id, 'dailyPipelineWorkflow', 'SKIP', 86_400_000, false],
          [declarations[1]!.id, 'healthCheckWorkflow', 'SKIP', 3_600_000, false],
        ]);

        // the list comes from visibility, which lags a little behind the schedules themselves
        const idsOf = (entries: { scheduleId: string }[]) => entries.map((entry) => entry.scheduleId);
        const declaredIds = declarations.map((declaration) => declaration.id);
        const listedByCli = await waitFor(
          () => temporalCli(['list']),
          (entries) => declaredIds.every((id) => idsOf(entries).includes(id)),
        );
        expect(idsOf(listedByCli)).toEqual(expect.arrayContaining(declaredIds));

        const daily = declarations[0]!;
        const described = await temporalCliDescribe(daily.id);
        const { schedule } = described;
        expect(schedule.action.startWorkflow.workflowType.name).toBe('dailyPipelineWorkflow');
        expect(schedule.action.startWorkflow.taskQueue.name).toBe(taskQueue);
        expect(schedule.action.startWorkflow.workflowId).toBe(daily.id);
        expect(schedule.policies.overlapPolicy).toBe('SCHEDULE_OVERLAP_POLICY_SKIP');
        expect(schedule.policies.catchupWindow).toBe('86400s');
        expect(schedule.spec.timezoneName).toBe('UTC');
        // proto JSON leaves out zeros: minute 0 is a range without start and end
        const [calendar] = schedule.spec.structuredCalendar;
        expect(calendar.hour).toEqual([{ start: 3, end: 3, step: 1 }]);
        expect(
          calendar.minute.map((range: { start?: number; end?: number }) => [range.start ?? 0, range.end ?? 0]),
        ).toEqual([[0, 0]]);
        const hourly = await temporalCliDescribe(declarations[1]!.id);
        expect(hourly.schedule.spec.interval[0].interval).toBe('3600s');
        expect(hourly.schedule.action.startWorkflow.workflowType.name).toBe('healthCheckWorkflow');
      } finally {
        await deleteAll(client, declarations);
      }
    });
  });

  test("a changed declaration is updated in place, keeping the operator's pause and note", async () => {
    const [daily] = await ownDeclarations();
    await withWorker(async ({ client, taskQueue }) => {
      try {
        await applySchedules(client, [daily!], taskQueue);
        await client.schedule.getHandle(daily!.id).pause('source maintenance');
        const changed = { ...daily!, when: { cron: '30 4 * * *' } };
        expect(await applySchedules(client, [changed], taskQueue)).toEqual([{ id: daily!.id, outcome: 'updated' }]);
        const view = await describeSchedule(client, daily!.id, [changed]);
        expect(view).toMatchObject({ paused: true, note: 'source maintenance', declared: true });
        expect(new Date(view.nextRuns[0] ?? 0).getUTCHours()).toBe(4);
      } finally {
        await deleteAll(client, [daily!]);
      }
    });
  });

  test('trigger never overlaps a running run; backfill starts one run per day with the date in its id', async () => {
    const [, hourly] = await ownDeclarations();
    const noWorker = `idle-${randomUUID()}`;
    await withWorker(async ({ client, taskQueue }) => {
      const waiting = { ...hourly!, id: `${hourly!.id}-idle` };
      const daily = { ...hourly!, when: { cron: '0 3 * * *' } };
      try {
        // Nobody polls `noWorker`: the first triggered run stays running, so the second must be skipped.
        await applySchedules(client, [waiting], noWorker);
        await triggerSchedule(client, waiting.id);
        await waitFor(
          () => describeSchedule(client, waiting.id, []),
          (view) => view.runningWorkflowIds.length === 1,
        );
        await triggerSchedule(client, waiting.id);
        const view = await waitFor(
          () => describeSchedule(client, waiting.id, []),
          (v) => v.skippedForOverlap === 1,
        );
        expect(view.skippedForOverlap).toBe(1);
        expect(view.runningWorkflowIds).toHaveLength(1);
        for (const id of view.runningWorkflowIds) await client.workflow.getHandle(id).terminate('test over');

        await applySchedules(client, [daily], taskQueue);
        await backfillSchedule(client, daily.id, { from: '2026-11-20', to: '2026-11-22' });
        const done = await waitFor(
          () => describeSchedule(client, daily.id, []),
          (v) => v.recentRuns.length === 3 && v.runningWorkflowIds.length === 0,
        );
        expect(done.recentRuns.map((run) => run.workflowId)).toEqual(
          ['2026-11-20', '2026-11-21', '2026-11-22'].map((date) => `${daily.id}-${date}T03:00:00Z`),
        );
        for (const run of done.recentRuns)
          expect((await client.workflow.getHandle(run.workflowId).describe()).status.name).toBe('COMPLETED');
      } finally {
        await deleteAll(client, [waiting, daily]);
      }
    });
  });
});

describe('CLI', () => {
  test('an unreachable Temporal server is one error line and exit code 3', async () => {
    const result = await runCli(['schedules', 'list'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'error: cannot reach the Temporal server at 127.0.0.1:1 (set TEMPORAL_ADDRESS)\n  cause: Failed to connect before the deadline\n',
    );
  });

  test('bad usage exits 2; --json prints one document', async () => {
    expect((await runCli(['schedules', 'backfill', 'x', '--from', '2026-11-03', '--to', '2026-11-01'])).code).toBe(2);
    expect((await runCli(['no-such-command'])).code).toBe(2);
    const list = await runCli(['--json', 'schedules', 'list']);
    expect(list.code).toBe(0);
    expect(Array.isArray(jsonOf(list))).toBe(true);
    const missing = await runCli(['--json', 'schedules', 'describe', 'no-such-schedule']);
    expect(missing.code).toBe(2);
    expect(jsonOf<{ ok: boolean; error: string }>(missing)).toMatchObject({ ok: false });
  });
});
