import type { ActivityOptions, RetryPolicy } from '@temporalio/common';

/**
 * How long activities tell Temporal they are alive, declared once for every pipeline (no Node imports:
 * workflows use this module). A worker killed mid-activity is noticed when its heartbeat timeout runs out,
 * so the timeout bounds the recovery time: about TIMEOUT + the retry's first interval + the pickup.
 * Activities heartbeat every EVERY_MS from a timer (common/heartbeat.ts), also while one long
 * statement runs, and the worker sends them on at most THROTTLE_MS apart: a false timeout needs the
 * worker to be stalled for TIMEOUT - THROTTLE_MS (13 s) in a row.
 */
export const HEARTBEAT = {
  TIMEOUT_MS: 15_000,
  EVERY_MS: 1_000,
  THROTTLE_MS: 2_000,
} as const;

/** Options of an activity that heartbeats (every long one): a lost attempt is retried within ~HEARTBEAT.TIMEOUT_MS. */
export function heartbeatingActivity(options: {
  startToCloseTimeout: ActivityOptions['startToCloseTimeout'];
  retry: RetryPolicy;
}): ActivityOptions {
  return { ...options, heartbeatTimeout: HEARTBEAT.TIMEOUT_MS };
}
