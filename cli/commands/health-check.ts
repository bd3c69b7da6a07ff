import { Command } from 'commander';
import { describeConnections } from '../../activities/health-check';
import type { CommandContext } from '../../common/pipeline';
import { businessDate } from '../../common/temporal-client';
import { healthCheckWorkflow } from '../../workflows';
import { cliEnv, withClient } from '../context';
import { EXIT } from '../errors';
import { emit, type GlobalOptions } from '../output';
import { outcomeOf } from '../runs';
import { startAndFollow } from '../start';

export const HEALTH_CHECK = 'health-check';

async function check(globals: GlobalOptions): Promise<number> {
  const env = cliEnv();
  return withClient(env, async (client) => {
    const date = businessDate();
    const handle = await startAndFollow(
      env,
      client,
      {
        workflow: healthCheckWorkflow,
        workflowId: `${HEALTH_CHECK}-cli-${new Date().toISOString().replace(/[:.]/g, '-')}`,
        input: { requestedBy: 'cli' },
        labels: { pipeline: HEALTH_CHECK, config: 'none', businessDate: date },
        progress: async () => [],
      },
      globals,
    );
    const outcome = await outcomeOf<Awaited<ReturnType<typeof healthCheckWorkflow>>>(env, handle);
    emit(globals, outcome, () => [
      outcome.result ? describeConnections(outcome.result.connections) : `health check failed: ${outcome.error}`,
      `Web UI: ${outcome.url}`,
    ]);
    return outcome.ok ? EXIT.ok : EXIT.runFailed;
  });
}

export function healthCheckCommand({ globals }: Pick<CommandContext, 'globals'>): Command {
  return new Command('health')
    .description('A round trip through Temporal and a worker to every data store')
    .action(async () => void (process.exitCode = await check(globals())));
}
