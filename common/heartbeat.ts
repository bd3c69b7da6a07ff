import { Context } from '@temporalio/activity';
import { HEARTBEAT } from '../workflows/shared/heartbeat';

/**
 * Runs `work` while the current activity heartbeats every HEARTBEAT.EVERY_MS from a timer, whatever it is
 * doing (a long statement, a wait for a lock or a reconnection), so that only a dead worker misses its
 * heartbeat timeout. Each beat carries the latest details `work` gave `beat`; until the first, `initial`
 * or else those the previous attempt left (a resume cursor must survive a retry that dies early).
 */
export async function withKeepAlive<T, R>(work: (beat: (details: T) => void) => Promise<R>, initial?: T): Promise<R> {
  const context = Context.current();
  let latest = initial ?? (context.info.heartbeatDetails as T | undefined);
  const send = () => context.heartbeat(latest);
  const timer = setInterval(send, HEARTBEAT.EVERY_MS);
  try {
    return await work((details) => {
      latest = details;
      send();
    });
  } finally {
    clearInterval(timer);
  }
}
