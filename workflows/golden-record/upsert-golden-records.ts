import { proxyActivities } from '@temporalio/workflow';
import type { GoldenRecordActivities } from '../../activities/golden-record';
import { parseInput } from '../shared/parse-input';
import { heartbeatingActivity } from '../shared/heartbeat';
import { connectionRetry } from '../shared/retry';
import { GOLDEN_RECORD_NON_RETRYABLE } from './errors';
import { upsertInputSchema, type UpsertInput } from './types';

const { goldenUpsertRecords } = proxyActivities<GoldenRecordActivities>(
  heartbeatingActivity({ startToCloseTimeout: '6 hours', retry: connectionRetry(GOLDEN_RECORD_NON_RETRYABLE) }),
);

/** One golden-record document per customer into MongoDB; a retried attempt resumes at its heartbeat cursor. */
export async function upsertGoldenRecordsWorkflow(raw: UpsertInput) {
  return goldenUpsertRecords(parseInput(upsertInputSchema, raw, 'golden-record upsert'));
}
