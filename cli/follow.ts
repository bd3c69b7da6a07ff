import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';

/** One line of live progress: a thing (a step, a table), its state and a changing detail (rows, time). */
export interface ProgressLine {
  id: string;
  state: string;
  detail?: string;
}

const format = (line: ProgressLine) =>
  `  ${line.id.padEnd(16)} ${line.state.padEnd(10)} ${line.detail ?? ''}`.trimEnd();

/**
 * Shows a run's progress until it ends: on a terminal the lines are redrawn in place every second;
 * otherwise (logs, pipes) a line is printed each time something changes state. Quiet with --json.
 */
export async function followRun(
  handle: WorkflowHandle,
  progress: () => Promise<ProgressLine[]>,
  options: { json?: boolean },
) {
  if (options.json) return;
  const tty = Boolean(process.stdout.isTTY);
  let ended = false;
  const end = handle.result().then(
    () => (ended = true),
    () => (ended = true),
  );
  const printedStates = new Map<string, string>();
  let drawn = 0;
  const draw = (lines: ProgressLine[]) => {
    if (tty) {
      if (drawn) process.stdout.write(`\x1b[${drawn}A\x1b[0J`);
      process.stdout.write(lines.map((line) => `${format(line)}\n`).join(''));
      drawn = lines.length;
      return;
    }
    const changed = lines.filter((line) => line.state !== 'pending' && printedStates.get(line.id) !== line.state);
    for (const line of changed) {
      printedStates.set(line.id, line.state);
      console.log(format(line));
    }
  };
  while (!ended) {
    draw(await progress().catch(() => []));
    await Promise.race([end, sleep(1000)]);
  }
  draw(await progress().catch(() => []));
}
