// Recorded workflow histories for the replay test (test/unit/shared/replay.test.ts), written by
// test/replay/record.ts. Stored as protobufjs JSON (`History.toJSON()`: enums by name, 64-bit integers and
// bytes as strings) and read back with `History.fromObject`: the SDK's historyToJSON/historyFromJSON fail
// in this install ("type must be a Type": @temporalio/common and @temporalio/proto each have their own
// copy of protobufjs, and protojson checks the type with instanceof).
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';

const { History } = temporal.api.history.v1;
type History = temporal.api.history.v1.History;

export const HISTORY_DIR = path.resolve(__dirname, '..', 'replay', 'histories');

/**
 * The workflow id a recorded run had: replay needs it (child workflow ids are derived from it), and the
 * history does not hold it, so the recorder names each run after its file.
 */
export const recordedWorkflowId = (name: string): string => `replay-${name}`;

export function historyText(history: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(History.fromObject(history).toJSON(), null, 1) + '\n';
}

export interface RecordedHistory {
  /** The file name without `.json`, e.g. `dailyPipelineWorkflow-failed`. */
  name: string;
  workflowId: string;
  workflowType: string;
  history: History;
}

export function readHistories(dir = HISTORY_DIR): RecordedHistory[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = History.fromObject(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      const workflowType = history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
      const name = path.basename(file, '.json');
      return { name, workflowId: recordedWorkflowId(name), workflowType, history };
    });
}
