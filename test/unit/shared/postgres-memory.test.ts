import { postgresMemoryOptions } from '../../../stack/postgres';

const GB = 1024 * 1024 * 1024;

describe('the stack Postgres memory settings', () => {
  it('gives shared_buffers a quarter of the RAM and the OS cache estimate half', () => {
    expect(postgresMemoryOptions(8 * GB)).toEqual([
      'shared_buffers=2048MB',
      'effective_cache_size=4096MB',
      'max_wal_size=4GB',
      'checkpoint_timeout=15min',
    ]);
  });

  it('keeps shared_buffers between 256 MB and 4 GB', () => {
    expect(postgresMemoryOptions(0.5 * GB)[0]).toBe('shared_buffers=256MB');
    expect(postgresMemoryOptions(64 * GB)[0]).toBe('shared_buffers=4096MB');
    expect(postgresMemoryOptions(64 * GB)[1]).toBe('effective_cache_size=32768MB');
  });
});
