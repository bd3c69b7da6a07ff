// COPY between two servers without re-framing each row. A COPY TO STDOUT arrives as one CopyData message
// per row, and a COPY FROM STDIN takes CopyData messages of any size: the source's messages can go to the
// target as they are. pg-copy-streams unpacks every row's message into a buffer of its own and packs the
// chunks into new messages: twice the worker's CPU (10M rentals: 3.3 s against 1.5 s).
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { CopyDataScanner } from './copy-data-scanner';

/** The part of pg's Connection a COPY takes over while it runs. */
interface CopyConnection {
  stream: NodeJS.ReadableStream & { listeners(event: 'data'): Array<(chunk: Buffer) => void> };
  query(text: string): void;
}

/**
 * `COPY ... TO STDOUT` whose output is the server's CopyData messages, headers included, whole messages
 * only (copy-data-scanner.ts). Like pg-copy-streams' copy-to, it reads the connection's socket itself
 * until CopyDone, then hands the rest back to pg.
 */
export class CopyOutMessages extends Readable implements pg.Submittable {
  /** The rows the server reports having sent (once it has ended). */
  rowCount = 0;
  /** CopyData messages passed on so far: one per row, plus the trailer of a binary COPY. */
  get messages(): number {
    return this.scanner.messages;
  }
  private connection: CopyConnection | undefined;
  private pgHandler: ((chunk: Buffer) => void) | undefined;
  private readonly scanner = new CopyDataScanner();
  private drained = false;
  private forwarding = false;

  constructor(readonly text: string) {
    super();
  }

  submit(connection: pg.Connection): void {
    this.connection = connection as unknown as CopyConnection;
    const stream = this.connection.stream;
    const handlers = stream.listeners('data');
    if (handlers.length !== 1)
      throw new Error(`expected pg's one data listener on the socket, found ${handlers.length}`);
    this.pgHandler = handlers[0];
    stream.removeListener('data', this.pgHandler!);
    stream.pause();
    stream.on('readable', this.onReadable);
    this.connection.query(this.text);
  }

  override _read(): void {
    this.drained = true;
    this.forward();
  }

  private readonly onReadable = () => this.forward();

  private forward(): void {
    if (this.forwarding || !this.drained) return;
    this.forwarding = true;
    let chunk: Buffer | null;
    while (this.drained && this.connection && (chunk = this.connection.stream.read() as Buffer | null) !== null) {
      this.drained = this.parse(chunk);
    }
    this.forwarding = false;
  }

  /** Passes on the whole CopyData messages of `input`; false when the reader wants no more for now. */
  private parse(input: Buffer): boolean {
    const { data, end } = this.scanner.feed(input);
    let wanted = true;
    for (const messages of data) wanted = this.push(messages);
    if (!end) return wanted;
    this.detach(end.rest); // pg reads CommandComplete and ReadyForQuery, or the error (and calls handleError)
    if (end.kind === 'done') this.push(null);
    return false;
  }

  private detach(rest: Buffer): void {
    const connection = this.connection!;
    const handler = this.pgHandler!;
    this.connection = undefined;
    connection.stream.removeListener('readable', this.onReadable);
    connection.stream.on('data', handler);
    handler(rest);
    process.nextTick(() => connection.stream.resume());
  }

  handleError(error: Error): void {
    this.destroy(error);
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /COPY (\d+)/.exec(message.text ?? '');
    if (match) this.rowCount = Number(match[1]);
  }

  handleReadyForQuery(): void {}
}

/**
 * `COPY ... FROM STDIN` fed with whole CopyData messages (a CopyOutMessages stream): they go to the socket
 * as they are, where pg-copy-streams would wrap each chunk in a message of its own. Whole messages only,
 * so a CopyFail after a failed source still starts a message of its own.
 */
export function copyInMessages(text: string): CopyStreamQuery {
  const stream = copyFrom(text);
  const writer = stream as unknown as { connection: CopyConnection & { stream: NodeJS.WritableStream } };
  Object.assign(stream, { flushChunk: (chunk: Buffer) => writer.connection.stream.write(chunk) });
  return stream;
}
