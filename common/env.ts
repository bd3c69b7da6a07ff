import path from 'node:path';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { config as loadDotenv } from 'dotenv';
import { FAILURE } from '../workflows/shared/failures';
import { TASK_QUEUE } from '../workflows/shared/names';
import { formatIssues } from '../workflows/shared/zod-issues';

/** The checkout (or image) root: the nearest folder above this module with a package.json, from sources or dist/. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const nonEmpty = z.string().trim().min(1);

const urlWithProtocol = (protocols: string[]) =>
  nonEmpty.refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const stackSchema = z.object({
  /** `local`: unset connection settings point at the local stack; `external`: they must all be given. */
  STACK_MODE: z.enum(['local', 'external']).default('local'),
  STACK_HOST: nonEmpty.default('127.0.0.1'),
  STACK_DATA_DIR: nonEmpty.default(path.join(REPO_ROOT, '.data')),
  STACK_TOOLS_DIR: nonEmpty.default(path.join(REPO_ROOT, '.tools')),
  STACK_PG_PORT: port.default(54329),
  STACK_TEMPORAL_PORT: port.default(7233),
  STACK_TEMPORAL_UI_PORT: port.default(8233),
  STACK_FERRETDB_PORT: port.default(27017),
});

const hasPassword = (value: string) => {
  try {
    return new URL(value).password !== '';
  } catch {
    return true; // not a URL at all: urlWithProtocol says so
  }
};

/** A Postgres URL; without a password in it, pg would try PGPASSWORD or a pgpass file: one of those must be set. */
const postgresUrlSchema = (passwordElsewhere: boolean) =>
  urlWithProtocol(['postgres:', 'postgresql:']).refine((value) => passwordElsewhere || hasPassword(value), {
    message:
      'has no password: give it in the URL (postgres://user:password@host:5432/database), or set PGPASSWORD or PGPASSFILE',
  });

function connectionSchema(stack: z.infer<typeof stackSchema>, source: NodeJS.ProcessEnv = {}) {
  const pgBase = `postgres://postgres:postgres@${stack.STACK_HOST}:${stack.STACK_PG_PORT}`;
  const local = stack.STACK_MODE === 'local';
  const orLocal = (schema: z.ZodString, localDefault: string) => (local ? schema.default(localDefault) : schema);
  const postgresUrl = postgresUrlSchema(Boolean(source.PGPASSWORD || source.PGPASSFILE));
  return z.object({
    SOURCE_DATABASE_URL: orLocal(postgresUrl, `${pgBase}/dvdrental_source`),
    TARGET_DATABASE_URL: orLocal(postgresUrl, `${pgBase}/dvdrental_target`),
    /**
     * The daily activity's connection: it writes the day's rentals into the source, so it may have a role of its
     * own with write access (README "Least privilege"), and the source's role can only read. Default: the source's.
     */
    ACTIVITY_DATABASE_URL: postgresUrl.optional(),
    MONGODB_URI: orLocal(
      urlWithProtocol(['mongodb:', 'mongodb+srv:']),
      `mongodb://${stack.STACK_HOST}:${stack.STACK_FERRETDB_PORT}/`,
    ),
    MONGODB_DATABASE: nonEmpty.regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('dvd_rental'),
    TEMPORAL_ADDRESS: orLocal(
      nonEmpty.regex(/^[^\s/:]+:\d{1,5}$/, 'must be host:port'),
      `${stack.STACK_HOST}:${stack.STACK_TEMPORAL_PORT}`,
    ),
    TEMPORAL_NAMESPACE: nonEmpty.default('default'),
    TEMPORAL_TASK_QUEUE: nonEmpty.default(TASK_QUEUE),
    /** A workflow bundle built by `npm run bundle-workflows`; without it the worker bundles at start. */
    TEMPORAL_WORKFLOW_BUNDLE: nonEmpty.optional(),
    TEMPORAL_UI_URL: urlWithProtocol(['http:', 'https:']).default(
      `http://${stack.STACK_HOST}:${stack.STACK_TEMPORAL_UI_PORT}`,
    ),
    DVDRENTAL_ARCHIVE: nonEmpty.optional(),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** Where the worker serves its Temporal metrics for Prometheus (`GET /metrics`); `off` serves none. */
    METRICS_BIND_ADDRESS: nonEmpty
      .regex(/^(off|(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]]+):\d{1,5})$/, 'must be host:port (e.g. 0.0.0.0:9464) or off')
      .default('127.0.0.1:9464'),
  });
}

/** Every variable the schema reads (deployment checks: a variable set under another name is a typo). */
export function envVariableNames(): string[] {
  return [...Object.keys(stackSchema.shape), ...Object.keys(connectionSchema(stackSchema.parse({})).shape)];
}

export type StackEnv = z.infer<typeof stackSchema>;
export type Env = StackEnv & z.infer<ReturnType<typeof connectionSchema>>;

export class ConfigError extends Error {
  override name = FAILURE.config;
}

/** Never echoes values: they may hold passwords. */
function describeIssues(error: z.ZodError): string {
  return formatIssues(error, { whole: '(environment)' })
    .map((line) => `  ${line}`)
    .join('\n');
}

function parseWith<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv): z.infer<T> {
  const blankAsMissing = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = schema.safeParse(blankAsMissing);
  if (!result.success) {
    throw new ConfigError(`Invalid environment configuration:\n${describeIssues(result.error)}`);
  }
  return result.data;
}

/** Pure: parses the given variables (tests pass their own). */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const stack = parseWith(stackSchema, source);
  return { ...stack, ...parseWith(connectionSchema(stack, source), source) };
}

let cached: Env | undefined;

/** The process environment (plus `.env` at the repository root), parsed once. */
export function loadEnv(): Env {
  if (!cached) {
    loadDotenv({ path: path.join(REPO_ROOT, '.env'), quiet: true });
    cached = parseEnv(process.env);
  }
  return cached;
}

/** A URL safe to print or to store in workflow histories: no user, no password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
