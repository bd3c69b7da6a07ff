import { CopyDataScanner, type Scanned } from '../../../activities/migration/copy-data-scanner';

const message = (type: string, body: Buffer | string) => {
  const content = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(content.length + 4, 1);
  return Buffer.concat([header, content]);
};

const rows = [
  message('d', 'first row\n'),
  message('d', ''),
  message('d', Buffer.alloc(70_000, 7)), // longer than any chunk below
  message('d', 'after the notice\n'),
  message('d', 'x'),
];
const copyOutResponse = message('H', Buffer.from([0, 0, 1, 0, 0]));
const notice = message('N', 'SNOTICE\0Mhello\0\0');
const copyDone = message('c', '');
const afterDone = Buffer.concat([message('C', 'COPY 5\0'), message('Z', 'I')]);

/** Feeds `stream` cut at `cuts`, stopping at the end as a reader of the socket would. */
function scanAll(stream: Buffer, cuts: number[]) {
  const scanner = new CopyDataScanner();
  const data: Buffer[] = [];
  let end: Scanned['end'];
  const bounds = [0, ...cuts, stream.length];
  for (let i = 0; i + 1 < bounds.length && !end; i++) {
    const scanned = scanner.feed(stream.subarray(bounds[i], bounds[i + 1]));
    data.push(...scanned.data);
    end = scanned.end;
  }
  return { data, end, messages: scanner.messages };
}

const wholeMessages = (data: Buffer[]) => {
  const bytes = Buffer.concat(data);
  for (let at = 0; at < bytes.length; at += 1 + bytes.readUInt32BE(at + 1)) expect(bytes[at]).toBe(0x64);
  return bytes;
};

describe('CopyDataScanner', () => {
  const stream = Buffer.concat([
    copyOutResponse,
    rows[0]!,
    rows[1]!,
    rows[2]!,
    notice,
    rows[3]!,
    rows[4]!,
    copyDone,
    afterDone,
  ]);
  const expected = Buffer.concat(rows);

  test.each([
    ['in one piece', []],
    ['cut inside headers and bodies', [3, 17, 19, 20, 30_000, 60_000, 70_012, 70_030]],
    ['one byte at a time', Array.from({ length: stream.length - 1 }, (_, i) => i + 1)],
  ])('passes on exactly the CopyData messages, %s', (_name, cuts) => {
    const { data, end, messages } = scanAll(stream, cuts);
    expect(wholeMessages(data).equals(expected)).toBe(true);
    expect(messages).toBe(rows.length);
    expect(end?.kind).toBe('done');
    expect(afterDone.subarray(afterDone.length - end!.rest.length).equals(end!.rest)).toBe(true);
  });

  test('every single cut point gives the same messages and hands what follows CopyDone back', () => {
    for (let cut = 1; cut < stream.length; cut += 97) {
      const { data, end } = scanAll(stream, [cut]);
      expect(Buffer.concat(data).equals(expected)).toBe(true);
      const restStart = cut > stream.length - afterDone.length ? cut : stream.length - afterDone.length;
      expect(end!.rest.equals(stream.subarray(restStart))).toBe(true);
    }
  });

  test('an error ends the scan at the error, the messages before it passed on', () => {
    const error = message('E', 'SERROR\0C22012\0Mdivision by zero\0\0');
    const failing = Buffer.concat([copyOutResponse, rows[0]!, rows[1]!, error, message('Z', 'E')]);
    for (const cut of [2, rows[0]!.length + 9, failing.length - 12]) {
      const { data, end } = scanAll(failing, [cut]);
      expect(Buffer.concat(data).equals(Buffer.concat([rows[0]!, rows[1]!]))).toBe(true);
      expect(end?.kind).toBe('error');
      // the error and what follows, as far as this read has it: pg reads on from the socket
      const fromError = failing.subarray(failing.indexOf(error));
      expect(end!.rest.length).toBeGreaterThan(0);
      expect(fromError.subarray(0, end!.rest.length).equals(end!.rest)).toBe(true);
    }
  });
});
