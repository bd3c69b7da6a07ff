import { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { applySchedules } from '../../schedules/apply';
import { declaredSchedules } from '../../schedules/declarations';
import {
  backfillSchedule,
  describeSchedule,
  listSchedules,
  triggerSchedule,
  type ScheduleView,
} from '../../schedules/operations';
import { cliEnv, withClient } from '../context';
import { CliError, EXIT } from '../errors';
import { emit, type GlobalOptions } from '../output';

type Action = (client: Client, taskQueue: string) => Promise<{ json: unknown; lines: string[] }>;

/** Runs one operator action against the server; a schedule that does not exist is a usage error. */
function act(globals: () => GlobalOptions, action: Action) {
  return async () => {
    const env = cliEnv();
    process.exitCode = await withClient(env, async (client) => {
      try {
        const { json, lines } = await action(client, env.TEMPORAL_TASK_QUEUE);
        emit(globals(), json, () => lines);
        return EXIT.ok;
      } catch (error) {
        if ((error as Error).name === 'ScheduleNotFoundError') throw new CliError((error as Error).message, EXIT.usage);
        throw error;
      }
    });
  };
}

const viewLines = (view: ScheduleView) => [
  `${view.id}${view.declared ? '' : ' (not declared in schedules/declarations.ts)'}: ${view.workflowType}, ${view.paused ? `paused (${view.note ?? 'no note'})` : 'active'}, overlap ${view.overlap}`,
  `  next: ${view.nextRuns.slice(0, 3).join(', ') || 'none'}`,
  ...(view.runningWorkflowIds.length ? [`  running: ${view.runningWorkflowIds.join(', ')}`] : []),
  ...view.recentRuns.slice(-3).map((run) => `  recent: ${run.workflowId}`),
];

export function schedulesCommand(globals: () => GlobalOptions): Command {
  const command = new Command('schedules').description(
    'Temporal Schedules of the pipelines (declared in schedules/declarations.ts)',
  );
  command
    .command('apply')
    .description('Create or update every declared schedule (idempotent)')
    .action(
      act(globals, async (client, taskQueue) => {
        const outcomes = await applySchedules(client, await declaredSchedules(), taskQueue);
        return { json: outcomes, lines: outcomes.map(({ id, outcome }) => `${id}: ${outcome}`) };
      }),
    );
  command
    .command('list')
    .description('Every schedule on the server, with its state and next runs')
    .action(
      act(globals, async (client) => {
        const views = await listSchedules(client, await declaredSchedules());
        return {
          json: views,
          lines: views.length ? views.flatMap(viewLines) : ['no schedules: run `schedules apply`'],
        };
      }),
    );
  command.command('describe <id>').action((id: string) =>
    act(globals, async (client) => {
      const view = await describeSchedule(client, id, await declaredSchedules());
      return { json: view, lines: viewLines(view) };
    })(),
  );
  for (const [name, paused] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    command
      .command(`${name} <id>`)
      .requiredOption('--note <text>', 'why (shown in the Web UI)')
      .action((id: string, options: { note: string }) =>
        act(globals, async (client) => {
          const handle = client.schedule.getHandle(id);
          await (paused ? handle.pause(options.note) : handle.unpause(options.note));
          return { json: { id, paused, note: options.note }, lines: [`${id}: ${name}d (${options.note})`] };
        })(),
      );
  }
  command
    .command('trigger <id>')
    .description("Run now, under the schedule's overlap policy (skipped if a run is still going)")
    .action((id: string) =>
      act(globals, async (client) => {
        await triggerSchedule(client, id);
        return { json: { id, triggered: true }, lines: [`${id}: triggered`] };
      })(),
    );
  command
    .command('backfill <id>')
    .description('One run per scheduled time in a date range (UTC days, inclusive), one after another')
    .requiredOption('--from <yyyy-mm-dd>')
    .requiredOption('--to <yyyy-mm-dd>')
    .action((id: string, range: { from: string; to: string }) =>
      act(globals, async (client) => {
        await backfillSchedule(client, id, range).catch((error: Error) => {
          throw error instanceof RangeError ? new CliError(error.message, EXIT.usage) : error;
        });
        return { json: { id, ...range }, lines: [`${id}: backfill ${range.from}..${range.to} queued`] };
      })(),
    );
  command.command('delete <id>').action((id: string) =>
    act(globals, async (client) => {
      await client.schedule.getHandle(id).delete();
      return { json: { id, deleted: true }, lines: [`${id}: deleted`] };
    })(),
  );
  return command;
}
