import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type { CopyFormat } from './copy-format';
import { copyInMessages, CopyOutMessages } from './copy-frames';

export interface CopyCounts {
  rows: number;
  bytes: number;
}

export interface StreamCopyOptions {
  source: pg.PoolClient;
  /** `COPY (...) TO STDOUT`, in `format`. */
  copyOut: string;
  target: pg.PoolClient;
  /** `COPY ... FROM STDIN`, in `format`. */
  copyIn: string;
  /** Of both statements (they must say it themselves); default text. */
  format?: CopyFormat;
  signal?: AbortSignal;
  onChunk?: (counts: CopyCounts) => void;
}

const MESSAGE_HEADER_BYTES = 5;

/**
 * Pipes a COPY TO STDOUT on the source into a COPY FROM STDIN on the target, chunk by chunk with
 * backpressure: memory stays bounded whatever the table size. Rows are counted by the source's
 * messages (one per row; a binary COPY adds a trailer); returns the rows the target reports.
 */
export async function streamCopy(options: StreamCopyOptions): Promise<CopyCounts> {
  const trailer = options.format === 'binary' ? 1 : 0;
  const out = options.source.query(new CopyOutMessages(options.copyOut));
  const into = options.target.query(copyInMessages(options.copyIn));
  let bytes = 0;
  const counts = () => ({
    rows: Math.max(0, out.messages - trailer),
    // messages are counted as they arrive, a little ahead of the bytes passed on
    bytes: Math.max(0, bytes - out.messages * MESSAGE_HEADER_BYTES),
  });
  const progress = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      try {
        options.onChunk?.(counts());
      } catch (error) {
        return done(error as Error);
      }
      done(null, chunk);
    },
  });
  await (options.signal ? pipeline(out, progress, into, { signal: options.signal }) : pipeline(out, progress, into));
  return { rows: into.rowCount, bytes: counts().bytes };
}
