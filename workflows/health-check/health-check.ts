import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { CONNECTION_RETRY } from '../shared/retry';

const { checkConnections } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: CONNECTION_RETRY,
});

export interface HealthCheckInput {
  requestedBy: string;
}

/** A round trip through Temporal and the worker to every data store. */
export async function healthCheckWorkflow(input: HealthCheckInput) {
  log.info('health check requested', { requestedBy: input.requestedBy });
  const connections = await checkConnections();
  return { requestedBy: input.requestedBy, connections };
}
