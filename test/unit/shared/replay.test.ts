// Replays histories recorded from real runs (test/replay/record.ts) against the workflow code as it is now:
// a change that would break the runs in flight on a deploy fails here. Needs no server.
import { Worker } from '@temporalio/worker';
import * as workflows from '../../../workflows';
import { readHistories } from '../../support/histories';

const HISTORIES = readHistories();

describe('replay of recorded histories', () => {
  test('every workflow that workflows/index.ts exports has at least one recorded history', () => {
    const exported = Object.entries(workflows)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(exported.length).toBeGreaterThanOrEqual(6);
    const recorded = new Set(HISTORIES.map((recording) => recording.workflowType));
    expect(exported.filter((name) => !recorded.has(name))).toEqual([]);
  });

  test('every history replays without a nondeterminism or workflow task error', async () => {
    const replays = Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../../workflows'), replayName: 'replay-test' },
      HISTORIES.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    const results: Array<{ history: string; error?: string }> = [];
    for await (const { workflowId, error } of replays) {
      results.push(
        error
          ? { history: workflowId, error: `${(error as Error).name}: ${(error as Error).message}` }
          : { history: workflowId },
      );
    }
    expect(results.filter((result) => result.error)).toEqual([]);
    expect(results.map((result) => result.history)).toEqual(HISTORIES.map((recording) => recording.workflowId));
  });
});
