// Connection failures name which database refused (its role, name and host:port), never the password.
// Real connection attempts to a closed port of this machine: nothing is started.
import net from 'node:net';
import { openPool, openResources } from '../../../common/resources';
import { parseEnv } from '../../../common/env';

const PASSWORD = 'pw-mark-6f1d';

/** A port of this machine on which nothing listens (bound once, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connection failures name the database', () => {
  let port: number;

  beforeAll(async () => {
    port = await closedPort();
  });

  test.each(['source', 'target'])('a %s pool: role, database and host:port, and the cause', async (role) => {
    const pool = openPool(role, `postgres://reader:${PASSWORD}@127.0.0.1:${port}/shop`);
    try {
      const failed = pool.query('select 1');
      await expect(failed).rejects.toThrow(`${role} database shop at 127.0.0.1:${port}: connect ECONNREFUSED`);
      await expect(failed).rejects.toMatchObject({ code: 'ECONNREFUSED' }); // what retries and callers test
      await expect(failed).rejects.not.toThrow(PASSWORD);
    } finally {
      await pool.end();
    }
  });

  test('a checked-out client (pool.connect) too', async () => {
    const pool = openPool('target', `postgres://owner:${PASSWORD}@127.0.0.1:${port}/warehouse`);
    try {
      await expect(pool.connect()).rejects.toThrow(`target database warehouse at 127.0.0.1:${port}: connect`);
    } finally {
      await pool.end();
    }
  });

  test('the worker’s MongoDB-wire connection: database and host:port, no password', async () => {
    const env = parseEnv({
      SOURCE_DATABASE_URL: `postgres://reader:${PASSWORD}@127.0.0.1:${port}/shop`,
      TARGET_DATABASE_URL: `postgres://owner:${PASSWORD}@127.0.0.1:${port}/warehouse`,
      MONGODB_URI: `mongodb://golden:${PASSWORD}@127.0.0.1:${port}/`,
      MONGODB_DATABASE: 'golden',
    });
    const opened = openResources(env);
    await expect(opened).rejects.toThrow(`MongoDB-wire database golden at 127.0.0.1:${port}: `);
    await expect(opened).rejects.not.toThrow(PASSWORD);
  }, 30_000);
});
