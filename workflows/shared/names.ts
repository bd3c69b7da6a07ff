// Names shared by workflows, activities, the worker and clients.
// Workflow code imports this module, so it must not import anything from Node.

export const TASK_QUEUE = 'dvd-rental-pipelines';

/** Workflow id of the foundation's round-trip check; pipelines add their own ids. */
export const PING_WORKFLOW_ID_PREFIX = 'ping';

/** The daily pipeline: its schedule id, the prefix of its workflow ids and its `Pipeline` search attribute. */
export const DAILY_PIPELINE = 'daily-pipeline';

/** The task queue of a pipeline's extra worker (declared by its definition), next to the main queue. */
export const extraTaskQueue = (mainQueue: string, suffix: string): string => `${mainQueue}-${suffix}`;
