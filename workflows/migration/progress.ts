import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TableProgress } from './types';

/** Live per-table progress of a migration run. */
export const migrationProgressQuery = defineQuery<TableProgress[]>('migrationProgress');

/** Sent by a running copy activity every few seconds: rows and bytes so far. */
export interface CopyProgressReport {
  table: string;
  rows: number;
  bytes: number;
  elapsedMs: number;
}
export const copyProgressSignal = defineSignal<[CopyProgressReport]>('copyProgress');
