import { Client, Connection } from '@temporalio/client';
import type { Env } from './env';

export async function connectClient(env: Env): Promise<Client> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: 5_000 });
  return new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
}

/** The Web UI page of a workflow run. */
export function workflowUrl(env: Env, workflowId: string, runId?: string): string {
  const base = `${env.TEMPORAL_UI_URL}/namespaces/${encodeURIComponent(env.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}

/** Business dates in ids and search attributes are UTC calendar days. */
export function businessDate(date: Date = new Date()): string {
  return date.toISOString().slice(0, 10);
}
