// `activity run` and `activity backfill` as a user runs them (the CLI process, a real worker and stack).
import type { RunOutcome } from '../../../cli/runs';
import { loadSource } from '../../../dataset/load-source';
import type { BackfillProgress, DayResult } from '../../../workflows/daily-activity/types';
import { jsonOf, runCli } from '../../support/cli';
import { poolOf, sourceEnv } from '../../support/daily-activity';
import { freshDatabase, withWorker } from '../../support/stack';

const DATABASE = 'activity_cli';
const YEAR = 2100 + Math.floor(Math.random() * 800);
const day = (n: number) => `${YEAR}-06-0${n}`;

beforeAll(async () => {
  await (await freshDatabase(DATABASE)).end();
  await loadSource(sourceEnv(DATABASE), { kind: 'synthetic', scale: 0.25, seed: 9 });
});

test('backfill runs the days in order, run writes the next; a gap or a bad date is refused', async () => {
  await withWorker(async ({ taskQueue }) => {
    const env = { SOURCE_DATABASE_URL: sourceEnv(DATABASE).SOURCE_DATABASE_URL, TEMPORAL_TASK_QUEUE: taskQueue };
    const backfill = await runCli(['--json', 'activity', 'backfill', '--from', day(1), '--to', day(2)], env);
    expect(backfill.code).toBe(0);
    const report = jsonOf<RunOutcome<BackfillProgress>>(backfill).result!;
    expect(report.days.map((d) => [d.businessDate, d.state])).toEqual([
      [day(1), 'done'],
      [day(2), 'done'],
    ]);

    const next = await runCli(['activity', 'run', '--date', day(3)], env);
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(
      new RegExp(`daily-activity-${day(3)}: ${day(3)} \\(simulated 2006-02-17\\): rental \\+\\d+`),
    );

    const gap = await runCli(['--json', 'activity', 'run', '--date', day(5)], env);
    expect(gap.code).toBe(1);
    expect(jsonOf<RunOutcome<DayResult>>(gap).error).toContain(`run the 1 missing day(s) first: ${day(4)}`);

    const bad = await runCli(['activity', 'run', '--date', `${YEAR}-02-30`], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be a real day like 2026-11-26');
  }, sourceEnv(DATABASE));
  const pool = poolOf(DATABASE);
  const ledger = await pool.query('select business_date::text as day from _activity.day order by 1');
  await pool.end();
  expect(ledger.rows.map((row) => row.day)).toEqual([day(1), day(2), day(3)]);
});
