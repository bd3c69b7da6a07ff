import type { DailyInputOptions, Pipeline } from '../../common/pipeline';
import { dailyPipelineInputSchema, type DailyPipelineInput, type DailyStep } from '../../workflows/daily/types';

export interface DailyRunOptions extends DailyInputOptions {
  configName?: string;
  businessDate?: string;
  fromStep?: DailyStep;
}

/** The daily pipeline's input: each step's own from its config file (validated: a bad file is an error naming it). */
export async function buildDailyPipelineInput(
  pipelines: readonly Pipeline[],
  options: DailyRunOptions = {},
): Promise<DailyPipelineInput> {
  const steps: Record<string, unknown> = {};
  for (const pipeline of pipelines) {
    const { daily, name } = pipeline.workflows;
    if (!daily) continue;
    if (!pipeline.dailyInput) throw new Error(`pipeline ${name} is a daily step but has no dailyInput`);
    steps[daily.inputKey] = await pipeline.dailyInput(options);
  }
  return dailyPipelineInputSchema.parse({
    configName: options.configName ?? 'dvd_rental',
    businessDate: options.businessDate,
    fromStep: options.fromStep,
    ...steps,
  });
}
