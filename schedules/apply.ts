import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import { ensureSearchAttributes } from '../common/register-search-attributes';
import type { ScheduleDeclaration } from './declarations';
import { declarationHash, scheduleOptions } from './options';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

async function describeOrNothing(client: Client, id: string): Promise<ScheduleDescription | undefined> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}

/** Creates or updates one schedule; a schedule that already matches its declaration is left alone. */
async function applyOne(client: Client, declaration: ScheduleDeclaration, taskQueue: string): Promise<ApplyOutcome> {
  const options = scheduleOptions(declaration, taskQueue);
  const current = await describeOrNothing(client, declaration.id);
  if (!current) {
    await client.schedule.create(options);
    return 'created';
  }
  if (current.action.memo?.declaration === declarationHash(declaration, taskQueue)) return 'unchanged';
  // Pause state and notes are the operator's: an apply keeps them.
  await client.schedule.getHandle(declaration.id).update((previous) => ({
    spec: options.spec,
    action: options.action,
    policies: options.policies,
    state: previous.state,
  }));
  return 'updated';
}

/** Makes the server's schedules agree with the declarations (idempotent: a second apply changes nothing). */
export async function applySchedules(client: Client, declarations: ScheduleDeclaration[], taskQueue: string) {
  await ensureSearchAttributes(client.connection.operatorService, client.options.namespace);
  const outcomes: { id: string; outcome: ApplyOutcome }[] = [];
  for (const declaration of declarations) {
    outcomes.push({ id: declaration.id, outcome: await applyOne(client, declaration, taskQueue) });
  }
  return outcomes;
}
