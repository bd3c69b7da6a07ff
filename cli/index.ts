#!/usr/bin/env node
/**
 * The client CLI: `npm run cli -- <command>` (or `node dist/cli/index.js <command>` once built).
 * Exit codes: 0 success, 1 a run failed, 2 bad usage or input, 3 a server cannot be reached.
 */
import { Command } from 'commander';
import { PIPELINES } from '../pipelines';
import { lineageCommand } from './commands/lineage';
import { schedulesCommand } from './commands/schedules';
import { statusCommand } from './commands/status';
import { EXIT } from './errors';
import { reportError, type GlobalOptions } from './output';

const program = new Command('dvd-pipelines')
  .description('Run, follow and schedule the dvd_rental pipelines on Temporal')
  .option('--json', 'print one JSON document instead of text')
  .option('--verbose', 'print stack traces with errors');

const globals = () => program.opts<GlobalOptions>();

/** Each registered pipeline's command, then the operator's. */
for (const pipeline of PIPELINES) program.addCommand(pipeline.command({ globals, pipelines: PIPELINES }));
for (const command of [schedulesCommand, statusCommand, lineageCommand]) program.addCommand(command(globals));

/** Usage errors (unknown command, missing option) exit 2, like other bad input; --help exits 0. */
function usageExitCodes(command: Command): void {
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage));
  command.commands.forEach(usageExitCodes);
}
usageExitCodes(program);

program.parseAsync().catch((error: unknown) => {
  process.exitCode = reportError(error, globals());
});
