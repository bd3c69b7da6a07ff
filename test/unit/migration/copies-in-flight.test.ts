import { CopiesInFlight } from '../../../activities/migration/copies-in-flight';

test('othersRunning is true only while another copy runs, and a failed copy leaves the count', async () => {
  const inFlight = new CopiesInFlight();
  let release!: () => void;
  const first = inFlight.around(() => new Promise<void>((resolve) => (release = resolve)));
  expect(await inFlight.around(async () => inFlight.othersRunning())).toBe(true);
  release();
  await first;
  expect(await inFlight.around(async () => inFlight.othersRunning())).toBe(false);
  await expect(inFlight.around(() => Promise.reject(new Error('copy failed')))).rejects.toThrow('copy failed');
  expect(await inFlight.around(async () => inFlight.othersRunning())).toBe(false);
});
