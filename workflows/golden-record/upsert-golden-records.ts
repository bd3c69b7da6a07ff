import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { CONNECTION_RETRY } from '../shared/retry';
import type { UpsertInput } from './types';

const { goldenUpsertRecords } = proxyActivities<Activities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '2 minutes',
  retry: CONNECTION_RETRY,
});

/** One golden-record document per customer into MongoDB; a retried attempt resumes at its heartbeat cursor. */
export async function upsertGoldenRecordsWorkflow(input: UpsertInput) {
  return goldenUpsertRecords(input);
}
