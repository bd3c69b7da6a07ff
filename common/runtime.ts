import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogLevel } from '@temporalio/worker';
import type pino from 'pino';

const SDK_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/** Routes the Temporal SDK's logs into our JSON logger; worker state chatter stays below `minimum`. */
export function installRuntime(logger: pino.Logger, minimum: LogLevel = 'WARN'): void {
  const level = SDK_LEVELS[logger.level] ?? 'ERROR';
  const order: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
  const effective = order.indexOf(level) > order.indexOf(minimum) ? level : minimum;
  Runtime.install({
    logger: new DefaultLogger(effective, ({ level: sdkLevel, message, meta }) => {
      logger[sdkLevel.toLowerCase() as pino.Level]({ ...meta, component: 'temporal-sdk' }, message);
    }),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
}
