// Streams lazily produced COPY lines into a table, in bounded chunks.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const CHUNK_CHARS = 64 * 1024;

function* chunks(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const row of lines) {
    chunk += row;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Runs COPY ... FROM STDIN for `lines` and returns the row count the server reports. */
export async function copyRows(
  client: PoolClient,
  table: string,
  columns: readonly string[],
  lines: Iterable<string>,
): Promise<number> {
  // FREEZE is allowed because the table was created in this same transaction.
  const sql = `COPY public.${table} (${columns.join(', ')}) FROM STDIN WITH (FREEZE)`;
  const target = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks(lines), { objectMode: false }), target);
  return target.rowCount;
}
