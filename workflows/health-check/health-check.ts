import { log, proxyActivities } from '@temporalio/workflow';
import type { HealthCheckActivities } from '../../activities/health-check';
import { parseInput } from '../shared/parse-input';
import { connectionRetry } from '../shared/retry';
import { healthCheckInputSchema, type HealthCheckInput } from './types';

const { checkConnections } = proxyActivities<HealthCheckActivities>({
  startToCloseTimeout: '30 seconds',
  retry: connectionRetry(),
});

/** A round trip through Temporal and the worker to every data store. */
export async function healthCheckWorkflow(raw: HealthCheckInput) {
  const input = parseInput(healthCheckInputSchema, raw, 'health check');
  log.info('health check requested', { requestedBy: input.requestedBy });
  const connections = await checkConnections();
  return { requestedBy: input.requestedBy, connections };
}
