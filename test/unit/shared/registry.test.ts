import { Command } from 'commander';
import type { ActivityDeps } from '../../../activities';
import { createActivities } from '../../../activities';
import type { Pipeline } from '../../../common/pipeline';
import { PIPELINES } from '../../../pipelines';
import * as exportedWorkflows from '../../../workflows';
import { DAILY_STEPS, dailyPipelineInputSchema } from '../../../workflows/daily/types';
import { PIPELINE_WORKFLOWS } from '../../../workflows/registry';

// A half-registered pipeline fails here, before any server starts.
const pipelines: readonly Pipeline[] = PIPELINES;
const names = pipelines.map((pipeline) => pipeline.workflows.name);
const byName = (name: string) => pipelines.find((pipeline) => pipeline.workflows.name === name)!;
const globals = () => ({});

describe('pipeline registry', () => {
  test('names are unique, and the workflow halves of workflows/registry.ts are registered in pipelines.ts in the same order', () => {
    expect(new Set(names).size).toBe(names.length);
    const registered = PIPELINE_WORKFLOWS.map((pipeline) => pipeline.name);
    expect(names.filter((name) => registered.includes(name as never))).toEqual(registered);
    for (const half of PIPELINE_WORKFLOWS) expect(byName(half.name).workflows).toBe(half);
  });

  test.each(names)(
    '%s: every workflow is one the worker registers (workflows/index.ts), with an input schema',
    (name) => {
      const { workflows, inputSchema } = byName(name).workflows;
      expect(Object.keys(workflows).length).toBeGreaterThan(0);
      for (const [workflowName, workflow] of Object.entries(workflows)) {
        expect((exportedWorkflows as Record<string, unknown>)[workflowName]).toBe(workflow);
      }
      expect(typeof inputSchema.safeParse).toBe('function');
    },
  );

  test('every workflow the worker registers belongs to exactly one pipeline', () => {
    const owned = pipelines.flatMap((pipeline) => Object.values(pipeline.workflows.workflows));
    const exported = Object.values(exportedWorkflows).filter(
      (value) => typeof value === 'function' && value.name.endsWith('Workflow'),
    );
    expect(new Set(owned).size).toBe(owned.length);
    expect(exported.filter((workflow) => !owned.includes(workflow as never))).toEqual([]);
  });

  test.each(names)('%s: has a CLI command with a name no other command has', (name) => {
    const command = byName(name).command({ globals, pipelines });
    expect(command).toBeInstanceOf(Command);
    const others = pipelines
      .filter((pipeline) => pipeline.workflows.name !== name)
      .map((pipeline) => pipeline.command({ globals, pipelines }).name());
    expect(others).not.toContain(command.name());
  });

  test.each(pipelines.filter((pipeline) => pipeline.config).map((pipeline) => pipeline.workflows.name))(
    '%s: its config file passes its config schema',
    async (name) => {
      const { config } = byName(name);
      await expect(config!.read(config!.file)).resolves.toBeDefined();
    },
  );

  test('the daily steps are the pipelines with a daily step, in registry order, each with an input that passes its schema', async () => {
    const steps = pipelines.filter((pipeline) => pipeline.workflows.daily);
    expect(DAILY_STEPS).toEqual(steps.map((pipeline) => pipeline.workflows.name));
    for (const pipeline of steps) {
      expect(pipeline.dailyInput).toBeDefined();
      const input = await pipeline.dailyInput!({});
      expect(pipeline.workflows.inputSchema.safeParse(input).error).toBeUndefined();
    }
    expect(Object.keys(dailyPipelineInputSchema.shape)).toEqual(
      expect.arrayContaining(steps.map((pipeline) => pipeline.workflows.daily!.inputKey)),
    );
  });

  test('activities of all pipelines are merged, and two with one name are refused', () => {
    const deps = {} as ActivityDeps;
    const activities = createActivities(deps);
    for (const pipeline of pipelines) {
      for (const name of Object.keys(pipeline.activities?.(deps) ?? {})) expect(activities).toHaveProperty(name);
    }
    const twice = [pipelines[1]!, pipelines[1]!];
    expect(() => createActivities(deps, twice)).toThrow(/registered twice/);
  });
});
