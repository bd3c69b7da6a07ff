// Where a workflow run's time went, from its history: each activity's schedule, start and completion.
import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];
type EventId = HistoryEvent['eventId'];

export interface Phase {
  activity: string;
  /** The table a per-table activity worked on. */
  table?: string;
  scheduledMs: number;
  startedMs: number;
  completedMs: number;
}

const toNumber = (value: EventId | number | string | null | undefined): number =>
  value === null || value === undefined ? 0 : typeof value === 'object' ? value.toNumber() : Number(value);

function eventMs(event: HistoryEvent): number {
  const time = event.eventTime;
  return toNumber(time?.seconds) * 1000 + (time?.nanos ?? 0) / 1e6;
}

/** The `table.name` argument of a per-table activity, if its (JSON) input has one. */
function tableOf(event: HistoryEvent): string | undefined {
  const data = event.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    const input = JSON.parse(Buffer.from(data).toString('utf8')) as { table?: { name?: string } };
    return input.table?.name;
  } catch {
    return undefined;
  }
}

export function activityPhases(history: History): Phase[] {
  const phases = new Map<number, Phase>();
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const at = eventMs(event);
    if (scheduled) {
      const activity = scheduled.activityType?.name ?? '?';
      phases.set(toNumber(event.eventId), {
        activity,
        table: tableOf(event),
        scheduledMs: at,
        startedMs: at,
        completedMs: at,
      });
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) Object.assign(phases.get(toNumber(started.scheduledEventId)) ?? {}, { startedMs: at });
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) Object.assign(phases.get(toNumber(completed.scheduledEventId)) ?? {}, { completedMs: at });
  }
  return [...phases.values()];
}

/** Seconds from the first start to the last completion of the activities of a type. */
export function phaseSpan(phases: Phase[], activity: string): number {
  const matching = phases.filter((phase) => phase.activity === activity);
  if (!matching.length) return 0;
  const first = Math.min(...matching.map((phase) => phase.scheduledMs));
  const last = Math.max(...matching.map((phase) => phase.completedMs));
  return (last - first) / 1000;
}
