// Splits the bytes a server sends during COPY TO STDOUT into runs of whole CopyData messages (headers
// included, as the target takes them) and the point where the copy ends: CopyDone, or an ErrorResponse.
// Other messages in between (notices, parameter status, the CopyOutResponse) are left out.
const COPY_DATA = 0x64; // d
const COPY_DONE = 0x63; // c
const ERROR_RESPONSE = 0x45; // E
const HEADER_BYTES = 5; // type byte, then the length (itself included)

export interface Scanned {
  /** Whole CopyData messages, in order. */
  data: Buffer[];
  /** The copy ended: `rest` is what follows CopyDone, or the error and what follows it (both pg's to read). */
  end?: { kind: 'done' | 'error'; rest: Buffer };
}

export class CopyDataScanner {
  /** CopyData messages seen so far: one per row, plus the trailer of a binary COPY. */
  messages = 0;
  /** The start of an unfinished message, held back until it is whole: its pieces, their bytes, its length if known. */
  private carry: Buffer[] = [];
  private carried = 0;
  private carryLength = 0;

  feed(input: Buffer): Scanned {
    if (this.carried === 0) return this.scan(input, []);
    const used = this.complete(input);
    if (used === undefined) return { data: [] };
    const message = Buffer.concat(this.carry, this.carried);
    this.carry = [];
    this.carried = 0;
    this.carryLength = 0;
    const rest = input.subarray(used);
    // A CopyData message split between reads, as most are; a CopyDone or error split so is rare.
    if (message[0] !== COPY_DATA) return this.scan(Buffer.concat([message, rest]), []);
    this.messages++;
    return this.scan(rest, [message]);
  }

  /**
   * Adds the head of `input` to the unfinished message; returns how many bytes of it finished the
   * message, or undefined when all of `input` went into it and it is unfinished still.
   */
  private complete(input: Buffer): number | undefined {
    let used = 0;
    if (this.carryLength === 0) {
      if (this.carried < HEADER_BYTES) {
        used = Math.min(HEADER_BYTES - this.carried, input.length);
        this.hold(input.subarray(0, used));
        if (this.carried < HEADER_BYTES) return undefined;
      }
      this.carryLength = 1 + Buffer.concat(this.carry, HEADER_BYTES).readUInt32BE(1);
    }
    const needed = Math.min(this.carryLength - this.carried, input.length - used);
    this.hold(input.subarray(used, used + needed));
    return this.carried === this.carryLength ? used + needed : undefined;
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.carry.push(bytes);
    this.carried += bytes.length;
  }

  /** The whole messages at the start of `chunk`; an unfinished one at its end is held back. */
  private scan(chunk: Buffer, data: Buffer[]): Scanned {
    let at = 0;
    let runStart = 0;
    const passOn = (end: number) => {
      if (end > runStart) data.push(chunk.subarray(runStart, end));
    };
    while (chunk.length - at >= HEADER_BYTES) {
      const type = chunk[at]!;
      const end = at + 1 + chunk.readUInt32BE(at + 1);
      if (type === ERROR_RESPONSE) {
        passOn(at);
        return { data, end: { kind: 'error', rest: chunk.subarray(at) } };
      }
      if (end > chunk.length) break;
      if (type === COPY_DATA) {
        this.messages++;
        at = end;
        continue;
      }
      passOn(at);
      runStart = end;
      at = end;
      if (type === COPY_DONE) return { data, end: { kind: 'done', rest: chunk.subarray(end) } };
    }
    passOn(at);
    this.hold(chunk.subarray(at));
    return { data };
  }
}
