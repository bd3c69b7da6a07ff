import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type pino from 'pino';

const SDK_LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};
const ORDER: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface RuntimeOptions {
  /** host:port where the Temporal metrics are served for Prometheus (`GET /metrics`); `off` or unset: none. */
  metricsBindAddress?: string;
}

/**
 * The SDK's log attributes as our log fields (`sdkComponent`: workflow, activity, worker or core).
 * Workflow and activity lines both carry `workflowId` and `runId` (activities also `activityType`,
 * `activityId`, `attempt`). The activity task token is dropped: whoever holds it can complete the activity.
 */
export function logFields(meta: LogMetadata | undefined): Record<string, unknown> {
  const { workflowRunId, error, ...rest } = meta ?? {};
  delete rest.taskToken;
  return {
    ...rest,
    ...(workflowRunId !== undefined && { runId: workflowRunId }),
    // pino serializes `err` (message, type, stack); a plain `error` key would print `{}`
    ...(error !== undefined && { err: error }),
  };
}

/**
 * Installs the process-wide Temporal runtime (once per process): the SDK's logs, including workflow
 * `log` calls (through the SDK's logger sink) and activity `log` calls, go to our JSON logger, worker state
 * chatter stays below `minimum`; and, when asked, the worker's metrics on a Prometheus endpoint.
 */
export function installRuntime(logger: pino.Logger, minimum: LogLevel = 'WARN', options: RuntimeOptions = {}): void {
  const level = SDK_LEVELS[logger.level] ?? 'ERROR';
  const effective = ORDER.indexOf(level) > ORDER.indexOf(minimum) ? level : minimum;
  const bindAddress = options.metricsBindAddress;
  try {
    installWith(logger, effective, bindAddress);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!/prometheus/i.test(reason)) throw error;
    throw new Error(`metrics endpoint ${bindAddress}: ${reason} (METRICS_BIND_ADDRESS moves it; off disables it)`, {
      cause: error,
    });
  }
}

function installWith(logger: pino.Logger, effective: LogLevel, bindAddress: string | undefined): void {
  Runtime.install({
    logger: new DefaultLogger(effective, ({ level: sdkLevel, message, meta }) => {
      logger[sdkLevel.toLowerCase() as pino.Level](logFields(meta), message);
    }),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
      ...(bindAddress && bindAddress !== 'off' && { metrics: { prometheus: { bindAddress } } }),
    },
  });
}
