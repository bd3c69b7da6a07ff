import { executeChild } from '@temporalio/workflow';
import { defineWorkflows, type StepContext } from '../shared/pipeline';
import { MIGRATION_NON_RETRYABLE } from './errors';
import { migrationWorkflow } from './migration';
import { migrationInputSchema, type MigrationInput } from './types';

export const migrationWorkflows = defineWorkflows({
  name: 'migration',
  workflows: { migrationWorkflow },
  inputSchema: migrationInputSchema,
  nonRetryableErrors: MIGRATION_NON_RETRYABLE,
  daily: {
    inputKey: 'migration',
    run: ({ input, child }: StepContext<MigrationInput>) =>
      executeChild(migrationWorkflow, { ...child, args: [input] }),
  },
});
