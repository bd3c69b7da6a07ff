// Property-based tests over every config schema and the daily input: a generated valid value is accepted; a
// generated malformed one (a value of the wrong type, an unknown key, a missing required key, a hostile
// identifier) is rejected by the config's own error class with a message naming the field, never a crash.
import fc from 'fast-check';
import { z } from 'zod';
import { dailyPipelineInput } from '../../../pipelines';
import {
  FEATURES,
  SCALINGS,
  categorizeConfigSchema,
  parseCategorizeConfig,
} from '../../../workflows/categorize/config';
import { CategorizeConfigError } from '../../../workflows/categorize/errors';
import { dailyActivityConfigSchema, parseDailyActivityConfig } from '../../../workflows/daily-activity/config';
import { ActivityConfigError } from '../../../workflows/daily-activity/errors';
import { dailyPipelineInputSchema } from '../../../workflows/daily/types';
import { parseGeocodingConfig } from '../../../workflows/geocoding/config';
import { GeocodingConfigError } from '../../../workflows/geocoding/errors';
import { geocodingConfigSchema, PROVIDERS } from '../../../workflows/geocoding/types';
import { ViewsConfigError } from '../../../workflows/golden-record/errors';
import { parseViewsConfig, viewConfigSchema } from '../../../workflows/golden-record/views-config';
import { migrationConfigSchema, parseMigrationConfig } from '../../../workflows/migration/config';
import { MigrationConfigError } from '../../../workflows/migration/errors';
import { FAILURE } from '../../../workflows/shared/failures';
import { identifier } from '../../../workflows/shared/identifiers';
import { parseInput } from '../../../workflows/shared/parse-input';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

interface Subject {
  name: string;
  schema: z.ZodType;
  parse: (json: unknown) => unknown;
  /** True when `error` is the config's own rejection (not a crash). */
  isRejection: (error: unknown) => boolean;
  valid: fc.Arbitrary<Json>;
}

const asJson = (value: unknown): Json => JSON.parse(JSON.stringify(value)) as Json;

// ---- valid values ----------------------------------------------------------------------------------------

const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/);
const int = (min: number, max: number) => fc.integer({ min, max });
const real = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const syncArb = fc.oneof(
  fc.record({ cursor: ident, overlap_seconds: optional(int(0, 7 * 86_400)) }),
  fc.record({ key: ident }),
);

/** Unique names; each table depends only on tables before it (no cycle). */
const migrationArb = fc.uniqueArray(ident, { minLength: 1, maxLength: 6 }).chain((names) =>
  fc.tuple(
    ...names.map((name, index) =>
      fc.record({
        name: fc.constant(name),
        schema_in: ident,
        schema_out: ident,
        depends_on: optional(fc.subarray(names.slice(0, index))),
        sync: optional(syncArb),
      }),
    ),
  ),
);

const sourceArb = fc.record({ schema: ident, table: ident });
const viewsArb = fc.uniqueArray(
  fc.record({
    schema: ident,
    materialized_view: ident,
    sources: fc.uniqueArray(sourceArb, { minLength: 1, maxLength: 4, selector: (s) => `${s.schema}.${s.table}` }),
  }),
  { minLength: 1, maxLength: 4, selector: (view) => `${view.schema}.${view.materialized_view}` },
);

const geocodingArb = fc.record({
  providers: fc.shuffledSubarray([...PROVIDERS], { minLength: 1 }),
  retryDelayHours: real(0, 1e6),
  limit: int(1, 20_000),
  offline: fc.record({ fuzzyMinPopulation: int(0, 1e9) }),
  nominatim: fc.record({
    baseUrl: fc.constantFrom('https://nominatim.openstreetmap.org', 'http://localhost:8080', 'https://geo.example/n'),
    userAgent: fc.string({ minLength: 8 }).filter((agent) => agent.trim().length >= 8),
    email: optional(fc.constantFrom('ops@example.com', 'a.b@c.example')),
    minIntervalMs: int(0, 1e7),
    timeoutMs: int(100, 120_000),
    maxAttempts: int(1, 20),
    concurrency: int(1, 16),
  }),
});

const labelName = fc
  .string({ minLength: 1 })
  .map((name) => name.trim())
  .filter(Boolean);
const categorizeArb = fc.tuple(int(2, 6), fc.shuffledSubarray([...FEATURES], { minLength: 1 })).chain(([k, features]) =>
  fc.record({
    k: fc.constant(k),
    features: fc.constant(features),
    scaling: fc.constantFrom(...SCALINGS),
    threshold: real(-1, 1),
    rankBy: fc.constantFrom(...features),
    labels: fc
      .uniqueArray(labelName, { minLength: k, maxLength: k })
      .map((names) => names.map((name) => ({ name, description: `${name} customers` }))),
    restarts: int(1, 100),
    maxIterations: int(1, 10_000),
    silhouetteSampleSize: int(10, 1e6),
    seed: int(0, 2 ** 31 - 1),
  }),
);

/** Shares in thousandths summing to at most 0.999: no rounding past 1. */
const returnsArb = fc.tuple(int(0, 999), int(0, 999)).chain(([late, never]) =>
  fc.record({
    lateShare: fc.constant(Math.min(late, 999 - Math.min(never, 999)) / 1000),
    neverShare: fc.constant(Math.min(never, 999) / 1000),
    earliestHours: int(1, 72),
    maxDaysLate: int(1, 60),
    backlogDays: int(1, 60),
  }),
);
const dailyActivityArb = fc.record({
  schema: ident,
  simulatedDates: optional(fc.constantFrom('after-source', 'business-date')),
  seed: int(0, 0xffffffff),
  rentalsPerDay: int(0, 100_000),
  returns: returnsArb,
  lateFeePerDay: int(0, 10_000).map((cents) => cents / 100),
  newCustomersPerWeek: real(0, 1000),
  deactivatedCustomersPerWeek: real(0, 1000),
});

// ---- malformed values ------------------------------------------------------------------------------------

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

/** Names Postgres would take only quoted, or would truncate: every config must refuse them. */
const hostileIdentifier = fc.oneof(
  fc.constantFrom('x"; drop table y; --', "o'brien", 'a;b', 'a--b', 'café', 'ünï', '表', 'a b', '1abc', '', 'a.b'),
  fc
    .tuple(ident, fc.constantFrom('"', "'", ';', '--', ' ', 'é', '\u0000', '.', '-', '\n', '/*'), ident)
    .map((parts) => parts.join('')),
  fc.stringMatching(/^[a-z_][a-z0-9_]{63,90}$/),
);

const isRecord = (value: unknown): value is Record<string, Json> => jsonType(value) === 'object';

function pathsOf(value: Json, prefix: Path = []): Path[] {
  const children: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : isRecord(value)
      ? Object.entries(value)
      : [];
  return children.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

const objectPaths = (value: Json): Path[] => [[], ...pathsOf(value)].filter((path) => isRecord(getAt(value, path)));
const getAt = (value: Json, path: Path): Json =>
  path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, value);

function setAt(value: Json, path: Path, replacement: Json | undefined): Json {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  if (replacement === undefined) delete parent[key];
  else parent[key] = replacement;
  return copy;
}

/** The schema that checks the value at `path` (through arrays, objects, optionals, defaults and preprocessing). */
function schemaAt(schema: z.ZodType, path: Path): z.ZodType {
  let node: z.ZodType = schema;
  for (const key of path) {
    for (;;) {
      if (node instanceof z.ZodOptional || node instanceof z.ZodDefault) node = node.unwrap() as z.ZodType;
      else if (node instanceof z.ZodPipe)
        node = node.out as z.ZodType; // z.preprocess: the schema after it
      else break;
    }
    node =
      node instanceof z.ZodArray
        ? (node.element as z.ZodType)
        : ((node as z.ZodObject).shape[key as string] as z.ZodType);
  }
  return node;
}

const acceptsMissing = (schema: z.ZodType, path: Path) => schemaAt(schema, path).safeParse(undefined).success;
const isIdentifierField = (schema: z.ZodType, path: Path) => schemaAt(schema, path) === identifier;

/** Every step of the path, `[3]` for an index, in order: `tables[3] "film": sync.cursor` names [3, sync, cursor]. */
function namesField(message: string, path: Path): boolean {
  let from = 0;
  for (const key of path) {
    const at = message.indexOf(typeof key === 'number' ? `[${key}]` : key, from);
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}

function rejection(subject: Subject, json: Json): string {
  try {
    subject.parse(json);
  } catch (error) {
    if (!subject.isRejection(error)) throw error;
    const message = (error as Error).message;
    expect(message).not.toMatch(/\n\s+at /);
    return message;
  }
  throw new Error(`accepted ${JSON.stringify(json)}`);
}

/** The rejection's message, or null when the value is accepted. */
function rejectionIfAny(subject: Subject, json: Json): string | null {
  try {
    subject.parse(json);
    return null;
  } catch {
    return rejection(subject, json);
  }
}

const instanceOf =
  (type: new (...args: never[]) => Error) =>
  (error: unknown): boolean =>
    error instanceof type;

// ---- the subjects ----------------------------------------------------------------------------------------

const configSubjects: Subject[] = [
  {
    name: 'migration config',
    schema: migrationConfigSchema,
    parse: (json) => parseMigrationConfig(json, 'migration.json'),
    isRejection: instanceOf(MigrationConfigError),
    valid: migrationArb.map(asJson),
  },
  {
    name: 'views (golden record) config',
    schema: z.array(viewConfigSchema),
    parse: (json) => parseViewsConfig(json, 'golden-record.json'),
    isRejection: instanceOf(ViewsConfigError),
    valid: viewsArb.map(asJson),
  },
  {
    name: 'geocoding config',
    schema: geocodingConfigSchema,
    parse: (json) => parseGeocodingConfig(json, 'geocoding.json'),
    isRejection: instanceOf(GeocodingConfigError),
    valid: geocodingArb.map(asJson),
  },
  {
    name: 'categorize config',
    schema: categorizeConfigSchema,
    parse: (json) => parseCategorizeConfig(json, 'categorize.json'),
    isRejection: instanceOf(CategorizeConfigError),
    valid: categorizeArb.map(asJson),
  },
  {
    name: 'daily activity config',
    schema: dailyActivityConfigSchema,
    parse: (json) => parseDailyActivityConfig(json, 'daily-activity.json'),
    isRejection: instanceOf(ActivityConfigError),
    valid: dailyActivityArb.map(asJson),
  },
];

/** The daily input built from the config files, each step's config part replaced by a generated one. */
function dailySubject(base: Record<string, Json>): Subject {
  const step = (key: string) => base[key] as Record<string, Json>;
  const valid = fc
    .record({
      configName: fc.stringMatching(/^[a-z0-9_-]{1,40}$/),
      businessDate: optional(
        fc
          .date({ noInvalidDate: true, min: new Date(0), max: new Date('9999-12-31') })
          .map((d) => d.toISOString().slice(0, 10)),
      ),
      tables: migrationArb,
      views: viewsArb,
      geocoding: geocodingArb,
      categorize: categorizeArb,
      activity: dailyActivityArb,
    })
    .map(({ configName, businessDate, tables, views, geocoding, categorize, activity }) =>
      asJson({
        ...base,
        configName,
        businessDate,
        migration: { ...step('migration'), tables },
        goldenRecord: { ...step('goldenRecord'), views },
        geocoding: { ...step('geocoding'), ...geocoding },
        categorize: { ...step('categorize'), config: categorize },
        dailyActivity: { ...step('dailyActivity'), ...activity },
      }),
    );
  return {
    name: 'daily pipeline input',
    schema: dailyPipelineInputSchema,
    parse: (json) => parseInput(dailyPipelineInputSchema, json, 'daily pipeline'),
    isRejection: (error) => (error as { type?: string }).type === FAILURE.config,
    valid,
  };
}

let subjects: Subject[] = configSubjects;

beforeAll(async () => {
  const base = asJson(await dailyPipelineInput({ businessDate: '2026-11-26' })) as Record<string, Json>;
  expect(Object.keys(base)).toEqual(
    expect.arrayContaining(['migration', 'goldenRecord', 'geocoding', 'categorize', 'dailyActivity']),
  );
  subjects = [...configSubjects, dailySubject(base)];
});

const pick = <T>(items: T[]) => fc.constantFrom(...items);

describe.each(['migration', 'views', 'geocoding', 'categorize', 'daily activity', 'daily pipeline'])('%s', (label) => {
  const subject = () => subjects.find((candidate) => candidate.name.startsWith(label))!;

  test('any generated valid value is accepted', () => {
    fc.assert(fc.property(subject().valid, (json) => void subject().parse(json)));
  });

  test('a value of the wrong type anywhere is rejected, naming its field', () => {
    const { valid } = subject();
    const cases = valid.chain((json) =>
      fc.tuple(fc.constant(json), pick(pathsOf(json))).chain(([value, path]) =>
        fc.tuple(
          fc.constant(value),
          fc.constant(path),
          anyJson.filter((replacement) => jsonType(replacement) !== jsonType(getAt(value, path))),
        ),
      ),
    );
    fc.assert(
      fc.property(cases, ([json, path, replacement]) => {
        const message = rejection(subject(), setAt(json, path, replacement));
        expect([path, namesField(message, path)]).toEqual([path, true]);
      }),
    );
  });

  test('an unknown key in any object is rejected, naming it', () => {
    const cases = subject().valid.chain((json) =>
      fc.tuple(
        fc.constant(json),
        pick(objectPaths(json)),
        fc.stringMatching(/^[a-z][A-Za-z]{2,12}$/).map((key) => `x${key}`),
      ),
    );
    fc.assert(
      fc.property(cases, ([json, path, key]) => {
        const message = rejection(subject(), setAt(json, [...path, key], 1));
        expect(namesField(message, [...path, key])).toBe(true);
      }),
    );
  });

  test('a missing key is rejected, naming it, unless the schema makes it optional', () => {
    const cases = subject().valid.chain((json) =>
      fc.tuple(fc.constant(json), pick(pathsOf(json).filter((path) => typeof path.at(-1) === 'string'))),
    );
    fc.assert(
      fc.property(cases, ([json, path]) => {
        const without = setAt(json, path, undefined);
        // a key optional alone may be required by a rule across fields (sync's cursor or key): named then too
        const message = acceptsMissing(subject().schema, path) ? rejectionIfAny(subject(), without) : undefined;
        if (message !== null) expect(namesField(message ?? rejection(subject(), without), path)).toBe(true);
      }),
    );
  });
});

// Geocoding's and categorize's configs name no SQL object.
describe.each(['migration', 'views', 'daily activity', 'daily pipeline'])('%s', (label) => {
  const subject = () => subjects.find((candidate) => candidate.name.startsWith(label))!;

  test('a hostile identifier (quotes, ;, --, unicode, over 63 bytes) in any name is rejected, naming it', () => {
    const cases = subject().valid.chain((json) =>
      fc.tuple(
        fc.constant(json),
        pick(pathsOf(json).filter((path) => isIdentifierField(subject().schema, path))),
        hostileIdentifier,
      ),
    );
    fc.assert(
      fc.property(cases, ([json, path, name]) => {
        const message = rejection(subject(), setAt(json, path, name));
        expect(namesField(message, path)).toBe(true);
        expect(message).toMatch(/not a plain identifier|over PostgreSQL's limit of 63/);
      }),
    );
  });
});

test('the hostile-name property finds the identifier fields through objects, arrays and optionals', () => {
  expect(isIdentifierField(dailyActivityConfigSchema, ['schema'])).toBe(true);
  expect(isIdentifierField(migrationConfigSchema, [0, 'depends_on', 0])).toBe(true);
  expect(isIdentifierField(dailyPipelineInputSchema, ['goldenRecord', 'views', 0, 'sources', 0, 'table'])).toBe(true);
});
