// Temporal's time-skipping test server (the pinned binary from scripts/install-tools.sh: the SDK must never
// download one) and a worker on it that runs the repo's real workflows with activities of the test's choosing.
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Worker,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/shared/search-attributes';
import { toolPath } from '../../stack/tools';
import { testEnv } from './stack';

/** With the pipelines' search attributes registered, as a worker does at start (workflows set them). */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const environment = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolPath(testEnv(), 'temporal-test-server') } },
  });
  // The test server implements AddSearchAttributes but not List (common/register-search-attributes uses both).
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await environment.connection.operatorService.addSearchAttributes({
    namespace: environment.client.options.namespace,
    searchAttributes: Object.fromEntries(CUSTOM_SEARCH_ATTRIBUTES.map((key) => [key.name, keyword])),
  });
  return environment;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** workflows/ bundled once per test file (a worker bundling on its own takes seconds each time). */
const workflowBundle = () =>
  (bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  }));

/** Runs `fn` while a worker polls a task queue of its own with the real workflows and the given activities. */
export async function withWorkflowWorker<T>(
  environment: TestWorkflowEnvironment,
  activities: WorkerOptions['activities'],
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `time-skipping-${randomUUID()}`;
  const worker = await Worker.create({
    connection: environment.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}
