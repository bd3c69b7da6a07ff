import { BinaryRowCounter } from '../../../activities/migration/copy-format';

/** A binary COPY stream as Postgres writes it: header (with an extension), tuples, trailer. */
function binaryCopy(tuples: Array<Array<Buffer | null>>, extension = Buffer.from('ext')): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), int32(extension.length), extension];
  for (const fields of tuples) {
    parts.push(int16(fields.length));
    for (const field of fields) parts.push(...(field === null ? [int32(-1)] : [int32(field.length), field]));
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

const tuples = Array.from({ length: 50 }, (_, row) => [
  Buffer.from(String(row)),
  row % 3 === 0 ? null : Buffer.alloc(row % 7, 0xff), // 0xffff... would read as a -1 field count if misaligned
  Buffer.alloc(0),
]);

describe('BinaryRowCounter', () => {
  test('counts the tuples, whatever the chunk boundaries', () => {
    const stream = binaryCopy(tuples);
    for (const size of [1, 2, 3, 5, 19, 64, stream.length]) {
      const counter = new BinaryRowCounter();
      for (let at = 0; at < stream.length; at += size) counter.feed(stream.subarray(at, at + size));
      expect({ size, rows: counter.rows }).toEqual({ size, rows: 50 });
    }
  });

  test('stops at the trailer and counts zero-field tuples', () => {
    const counter = new BinaryRowCounter();
    counter.feed(Buffer.concat([binaryCopy([[], []], Buffer.alloc(0)), int16(1), int32(0)]));
    expect(counter.rows).toBe(2);
  });
});
