// The Node half of a pipeline's definition: what the worker, the CLI and `npm run dev` need of it.
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { ActivityDeps } from '../activities/deps';
import type { GlobalOptions } from '../cli/output';
import type { PipelineWorkflows } from '../workflows/shared/pipeline';

export interface CommandContext {
  globals: () => GlobalOptions;
  /** Every registered pipeline (the daily command shows each step's progress line). */
  pipelines: readonly Pipeline[];
}

/** What the daily pipeline's input is built from (each step reads its own config file). */
export interface DailyInputOptions {
  /** Config files by pipeline name; a pipeline not named reads its default (config/<pipeline>.json). */
  configFiles?: Partial<Record<string, string>>;
}

export interface DevContext {
  taskQueue: string;
  workflowId: string;
  pipelines: readonly Pipeline[];
}

type ActivityFunction = (input: never) => Promise<unknown>;

/** A worker of its own for some of a pipeline's activities, e.g. to rate-limit them across every worker. */
export interface ExtraWorker {
  /** Its task queue is the main one's name plus `-<suffix>` (workflow code routes the activities there). */
  taskQueueSuffix: string;
  /** The pipeline's activities it runs (by name); the main worker runs them too, but nothing sends them there. */
  activities: readonly string[];
  /** Activity tasks per second on that queue, for all its workers together (enforced by the Temporal server). */
  maxTaskQueueActivitiesPerSecond?: number;
}

export interface Pipeline {
  /** The workflow half (workflows/<pipeline>/pipeline.ts): name, workflows, input schema, errors, daily step. */
  workflows: PipelineWorkflows;
  /** Its activities, built with the worker's connections (activities/<pipeline>/). */
  activities?: (deps: ActivityDeps) => Record<string, ActivityFunction>;
  /** Extra workers the worker process runs next to the main one. */
  extraWorkers?: readonly ExtraWorker[];
  /** Its CLI command (cli/commands/<pipeline>.ts). */
  command: (context: CommandContext) => Command;
  /** Its config file (config/<pipeline>.json), read and validated; every error names the file. */
  config?: { file: string; read: (file: string) => Promise<unknown> };
  /** One line on a running run, from its own query (the daily command shows it for the running step). */
  progress?: (client: Client, workflowId: string) => Promise<string>;
  /** Its input as a daily step, from its config file: required when `workflows.daily` is set. */
  dailyInput?: (options: DailyInputOptions) => Promise<unknown>;
  /** What `npm run dev` runs once: returns a one-line summary. */
  dev?: (client: Client, context: DevContext) => Promise<string>;
}

export const definePipeline = (pipeline: Pipeline): Pipeline => pipeline;
