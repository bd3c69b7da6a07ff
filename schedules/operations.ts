import type { Client, ScheduleDescription } from '@temporalio/client';
import type { ScheduleDeclaration } from './declarations';

/** What `schedules list` and `describe` print: the server's view, next to what the code declares. */
export interface ScheduleView {
  id: string;
  declared: boolean;
  paused: boolean;
  note?: string;
  workflowType: string;
  overlap: string;
  catchupWindowMs: number;
  nextRuns: string[];
  recentRuns: { workflowId: string; scheduledAt: string }[];
  runningWorkflowIds: string[];
  skippedForOverlap: number;
}

export function scheduleView(description: ScheduleDescription, declared: boolean): ScheduleView {
  return {
    id: description.scheduleId,
    declared,
    paused: description.state.paused,
    note: description.state.note,
    workflowType: description.action.workflowType,
    overlap: description.policies.overlap ?? 'SKIP',
    catchupWindowMs: description.policies.catchupWindow,
    nextRuns: description.info.nextActionTimes.map((time) => time.toISOString()),
    recentRuns: description.info.recentActions.map((action) => ({
      workflowId: action.action.workflow.workflowId,
      scheduledAt: action.scheduledAt.toISOString(),
    })),
    runningWorkflowIds: description.info.runningActions.map((action) => action.workflow.workflowId),
    skippedForOverlap: description.info.numActionsSkippedOverlap,
  };
}

export async function listSchedules(client: Client, declarations: ScheduleDeclaration[]): Promise<ScheduleView[]> {
  const declaredIds = new Set(declarations.map((declaration) => declaration.id));
  const views: ScheduleView[] = [];
  for await (const summary of client.schedule.list()) {
    const description = await client.schedule.getHandle(summary.scheduleId).describe();
    views.push(scheduleView(description, declaredIds.has(summary.scheduleId)));
  }
  return views.sort((a, b) => a.id.localeCompare(b.id));
}

export async function describeSchedule(client: Client, id: string, declarations: ScheduleDeclaration[]) {
  const description = await client.schedule.getHandle(id).describe();
  return scheduleView(
    description,
    declarations.some((declaration) => declaration.id === id),
  );
}

/** Runs the schedule's action now, under its own overlap policy (the SDK's default would allow overlap). */
export async function triggerSchedule(client: Client, id: string): Promise<void> {
  const handle = client.schedule.getHandle(id);
  const { policies } = await handle.describe();
  await handle.trigger(policies.overlap);
}

/** One run per scheduled time in [from, to] (UTC days, inclusive), queued one after another. */
export async function backfillSchedule(client: Client, id: string, range: { from: string; to: string }): Promise<void> {
  const start = new Date(`${range.from}T00:00:00Z`);
  const end = new Date(`${range.to}T23:59:59Z`);
  if (!(start <= end)) throw new RangeError(`backfill range ${range.from}..${range.to} is empty or invalid`);
  await client.schedule.getHandle(id).backfill({ start, end, overlap: 'BUFFER_ALL' });
}
