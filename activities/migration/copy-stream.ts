import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { BinaryRowCounter, type CopyFormat } from './copy-format';

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

const NEWLINE = 0x0a;

/** Text COPY escapes newlines inside values, so every 0x0a ends exactly one row. */
export function countRows(chunk: Buffer): number {
  let rows = 0;
  for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) rows++;
  return rows;
}

/**
 * Pipes a COPY TO STDOUT on the source into a COPY FROM STDIN on the target, chunk by chunk with
 * backpressure: memory stays bounded whatever the table size. Returns the rows the target reports.
 */
export async function streamCopy(options: StreamCopyOptions): Promise<CopyCounts> {
  const counts: CopyCounts = { rows: 0, bytes: 0 };
  const binary = options.format === 'binary' ? new BinaryRowCounter() : undefined;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (binary) {
        binary.feed(chunk);
        counts.rows = binary.rows;
      } else counts.rows += countRows(chunk);
      counts.bytes += chunk.length;
      try {
        options.onChunk?.({ ...counts });
      } catch (error) {
        return done(error as Error);
      }
      done(null, chunk);
    },
  });
  const into = options.target.query(copyFrom(options.copyIn));
  const out = options.source.query(copyTo(options.copyOut));
  await (options.signal ? pipeline(out, counter, into, { signal: options.signal }) : pipeline(out, counter, into));
  return { rows: into.rowCount, bytes: counts.bytes };
}
