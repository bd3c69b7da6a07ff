import { sleep } from '@temporalio/workflow';

/** Test-only: sleeps on a durable timer and reports workflow time before and after. */
export async function sleepingWorkflow(input: { days: number }): Promise<{ fellAsleepAt: string; wokeAt: string }> {
  const fellAsleepAt = new Date().toISOString();
  await sleep(`${input.days} days`);
  return { fellAsleepAt, wokeAt: new Date().toISOString() };
}
