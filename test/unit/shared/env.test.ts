import { ConfigError, parseEnv, redactUrl } from '../../../common/env';

function configErrorOf(vars: NodeJS.ProcessEnv): ConfigError {
  try {
    parseEnv(vars);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('environment configuration', () => {
  test('defaults point at the local stack, derived from its ports', () => {
    const env = parseEnv({ STACK_PG_PORT: '6000', STACK_TEMPORAL_PORT: '7000', STACK_FERRETDB_PORT: '27100' });
    expect(new URL(env.SOURCE_DATABASE_URL).port).toBe('6000');
    expect(new URL(env.TARGET_DATABASE_URL).pathname).toBe('/dvdrental_target');
    expect(env.TEMPORAL_ADDRESS).toBe('127.0.0.1:7000');
    expect(env.MONGODB_URI).toBe('mongodb://127.0.0.1:27100/');
  });

  test.each([
    ['STACK_PG_PORT', 'abc'],
    ['STACK_TEMPORAL_PORT', '70000'],
    ['SOURCE_DATABASE_URL', 'mysql://user:pw@host/db'],
    ['TARGET_DATABASE_URL', 'not a url'],
    ['MONGODB_URI', 'http://localhost:27017'],
    ['TEMPORAL_ADDRESS', 'localhost'],
    ['LOG_LEVEL', 'loud'],
    ['STACK_MODE', 'cloud'],
  ])('malformed %s is named in the error', (variable, value) => {
    const error = configErrorOf({ [variable]: value });
    expect(error.message).toMatch(new RegExp(`^  ${variable}: `, 'm'));
  });

  test('external mode requires every connection setting and names each missing one', () => {
    const error = configErrorOf({ STACK_MODE: 'external', TEMPORAL_ADDRESS: 'temporal:7233' });
    for (const variable of ['SOURCE_DATABASE_URL', 'TARGET_DATABASE_URL', 'MONGODB_URI']) {
      expect(error.message).toContain(`${variable}:`);
    }
    expect(error.message).not.toContain('TEMPORAL_ADDRESS');
  });

  test.each([
    ['SOURCE_DATABASE_URL', 'postgres://u:p@db:99999/x', 'must be a URL'],
    ['TARGET_DATABASE_URL', 'postgres://u:p@db:port/x', 'must be a URL'],
    ['TEMPORAL_ADDRESS', 'temporal:http', 'must be host:port'],
    ['STACK_FERRETDB_PORT', '0', 'Too small'],
    ['SOURCE_DATABASE_URL', 'postgres://app@db:5432/x', 'has no password'],
    ['TARGET_DATABASE_URL', 'postgresql://db/x', 'has no password'],
  ])('%s=%s is refused, naming the variable: %s', (variable, value, message) => {
    const error = configErrorOf({ [variable]: value });
    expect(error.message).toMatch(new RegExp(`^  ${variable}: .*${message}`, 'm'));
    expect(error.message.split('\n')).toHaveLength(2);
  });

  test('a Postgres URL without a password is fine when PGPASSWORD or PGPASSFILE supplies it', () => {
    const url = 'postgres://app@db:5432/x';
    expect(parseEnv({ SOURCE_DATABASE_URL: url, PGPASSWORD: 'pw' }).SOURCE_DATABASE_URL).toBe(url);
    expect(parseEnv({ TARGET_DATABASE_URL: url, PGPASSFILE: '/run/secrets/pgpass' }).TARGET_DATABASE_URL).toBe(url);
  });

  test('an error never echoes a value, which may hold a password', () => {
    const error = configErrorOf({ SOURCE_DATABASE_URL: 'mysql://admin:s3cret-pw@db/x' });
    expect(error.message).not.toContain('s3cret-pw');
  });

  test('an empty variable counts as unset', () => {
    expect(parseEnv({ STACK_PG_PORT: '' }).STACK_PG_PORT).toBe(54329);
  });

  test('redactUrl drops the user and password', () => {
    expect(redactUrl('postgres://admin:s3cret@db.example:5432/app')).toBe('postgres://db.example:5432/app');
  });
});

describe('worker observability', () => {
  test('METRICS_BIND_ADDRESS: host:port or off, anything else named in the error', () => {
    expect(parseEnv({}).METRICS_BIND_ADDRESS).toBe('127.0.0.1:9464');
    expect(parseEnv({ METRICS_BIND_ADDRESS: 'off' }).METRICS_BIND_ADDRESS).toBe('off');
    expect(parseEnv({ METRICS_BIND_ADDRESS: '[::]:9464' }).METRICS_BIND_ADDRESS).toBe('[::]:9464');
    for (const bad of ['9464', 'http://0.0.0.0:9464', 'on']) {
      expect(() => parseEnv({ METRICS_BIND_ADDRESS: bad })).toThrow(ConfigError);
      expect(() => parseEnv({ METRICS_BIND_ADDRESS: bad })).toThrow(/^ {2}METRICS_BIND_ADDRESS: /m);
    }
  });
});
