import type { CopyCounts } from './copy-stream';

export interface CopyProgress {
  rows: number;
  bytes: number;
  /** prepare, clear, copy, stage, apply, verify, done */
  phase: string;
}

const REPEAT_EVERY_MS = 1_000;

/**
 * Reports rows and bytes as COPY chunks flow. A long statement (verify, upsert) sends no chunks, so
 * while one runs the last report is repeated: the activity built on it keeps heartbeating.
 */
export class ProgressTracker {
  private last: CopyProgress = { rows: 0, bytes: 0, phase: 'prepare' };

  constructor(private readonly listener?: (progress: CopyProgress) => void) {}

  report(update: Partial<CopyProgress>): void {
    this.last = { ...this.last, ...update };
    this.listener?.({ ...this.last });
  }

  chunks(phase: string): (counts: CopyCounts) => void {
    return (counts) => this.report({ ...counts, phase });
  }

  async step<T>(phase: string, work: () => Promise<T>): Promise<T> {
    this.report({ phase });
    if (!this.listener) return work();
    const timer = setInterval(() => this.repeat(), REPEAT_EVERY_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private repeat(): void {
    try {
      this.listener?.({ ...this.last });
    } catch {
      // A failing listener must not crash the process from a timer; the next chunk report surfaces it.
    }
  }
}
