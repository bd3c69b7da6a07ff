import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../../common/env';
import { freshDvdRentalPair } from '../../support/dvdrental';
import { runCli } from '../../support/cli';
import { withWorker } from '../../support/stack';
import { BUSINESS_DATE, PIPELINE } from '../../../workflows/shared/search-attributes';

const migrateCli = (args: string[], env: Record<string, string> = {}) => runCli(['migrate', ...args], env);

function configFile(name: string, content: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-cli-')), `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('npm run migrate', () => {
  test('--dry-run prints the plan in dependency steps and exits 0', async () => {
    const result = await migrateCli(['--config', 'config/migration.json', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('step 1: actor, category, country, language');
    expect(result.stdout).toContain('step 6: payment');
  });

  test('a config with a cycle exits 2 with the cycle and the file named', async () => {
    const file = configFile('cyclic', [
      { name: 'a', schema_in: 'public', schema_out: 'x', depends_on: ['b'] },
      { name: 'b', schema_in: 'public', schema_out: 'x', depends_on: ['a'] },
    ]);
    const result = await migrateCli(['--config', file, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/dependency cycle: (a -> b -> a|b -> a -> b)/);
  });

  test('a run prints the summary and the Web UI link; a failing run exits 1 naming the table', async () => {
    const env = await freshDvdRentalPair({ source: 'cli_source', target: 'cli_target' });
    const tables = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'config', 'migration.json'), 'utf8'));
    const good = configFile(`cli-${Date.now()}`, tables);
    const bad = configFile(`cli-bad-${Date.now()}`, [
      { name: 'nope', schema_in: 'public', schema_out: 'x', depends_on: [] },
    ]);
    const { ok, failed, labels } = await withWorker(async ({ client, taskQueue }) => {
      const cliEnv = {
        SOURCE_DATABASE_URL: env.SOURCE_DATABASE_URL,
        TARGET_DATABASE_URL: env.TARGET_DATABASE_URL,
        TEMPORAL_TASK_QUEUE: taskQueue,
      };
      const ok = await migrateCli(['--config', good], cliEnv);
      const workflowId = /started (\S+):/.exec(ok.stdout)?.[1] ?? 'no workflow id printed';
      const { typedSearchAttributes, memo } = await client.workflow.getHandle(workflowId).describe();
      const labels = {
        pipeline: typedSearchAttributes.get(PIPELINE),
        businessDate: typedSearchAttributes.get(BUSINESS_DATE),
        memo,
      };
      return { ok, failed: await migrateCli(['--config', bad], cliEnv), labels };
    }, env);

    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/migration cli-\d+: succeeded/);
    expect(ok.stdout).toMatch(/payment +copied +full +\d+ rows/);
    expect(ok.stdout).toMatch(
      /Web UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/migration-cli-\d+-\d{4}-\d{2}-\d{2}\//,
    );
    // findable in the Web UI like every other run: `Pipeline = "migration"`, its business date
    expect(labels).toEqual({
      pipeline: 'migration',
      businessDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      memo: { startedBy: 'cli' },
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('public.nope does not exist in the source');
  });
});
