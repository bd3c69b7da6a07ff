// The least-privilege setup of README "Least privilege", on the test stack: one role per connection, each with a
// recognisable password, and the connection URLs that use them.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { Env } from '../../common/env';
import { FERRETDB_DATABASE } from '../../stack/ferretdb';
import { adminUrl } from '../../stack/postgres';

/** Every password holds it: one search finds any of them. */
export const SECRET_MARK = `S3cr3t-${randomBytes(6).toString('hex')}-`;

export const ROLES = {
  /** SOURCE_DATABASE_URL: SELECT on the source's tables and sequences, nothing else. */
  reader: 'lp_source_reader',
  /** ACTIVITY_DATABASE_URL: the daily activity writes the source's rentals (and owns its ledger schema). */
  activity: 'lp_source_activity',
  /** TARGET_DATABASE_URL: creates (so owns) the target's schemas; no right on the source. */
  owner: 'lp_target_owner',
  /** MONGODB_URI: FerretDB passes it on to its PostgreSQL backend (PLAIN); owns its database's schema. */
  mongo: 'lp_mongo',
} as const;

type Role = keyof typeof ROLES;
export const passwordOf = (role: Role) => `${SECRET_MARK}${role}`;

const q = pg.escapeIdentifier;

async function asAdmin(env: Env, database: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(env, database) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Roles are cluster-wide and the stack may be reused: create each once, give it this run's password. */
const roleSql = (role: Role) => `
  do $$ begin
    if not exists (select from pg_roles where rolname = ${pg.escapeLiteral(ROLES[role])}) then
      create role ${q(ROLES[role])} login nosuperuser nocreatedb nocreaterole;
    end if;
  end $$;
  alter role ${q(ROLES[role])} password ${pg.escapeLiteral(passwordOf(role))};`;

export interface LeastPrivilege {
  source: string;
  target: string;
  mongoDatabase: string;
  /** The worker's and the CLI's connection settings, each URL with its role's password. */
  urls: Record<'SOURCE_DATABASE_URL' | 'TARGET_DATABASE_URL' | 'ACTIVITY_DATABASE_URL' | 'MONGODB_URI', string>;
}

/** The grants on a source loaded with dvd_rental and an empty target; the Mongo database emptied. */
export async function grantLeastPrivilege(env: Env, setup: Omit<LeastPrivilege, 'urls'>): Promise<LeastPrivilege> {
  const { source, target, mongoDatabase } = setup;
  await asAdmin(env, 'postgres', (Object.keys(ROLES) as Role[]).map(roleSql).join('\n'));
  const { reader, activity, owner, mongo } = ROLES;
  await asAdmin(
    env,
    source,
    `revoke all on database ${q(source)} from public;
     revoke create on schema public from public;
     grant connect on database ${q(source)} to ${q(reader)}, ${q(activity)};
     grant usage on schema public to ${q(reader)}, ${q(activity)};
     grant select on all tables in schema public to ${q(reader)};
     grant select on all sequences in schema public to ${q(reader)};
     grant select, insert, update on all tables in schema public to ${q(activity)};
     grant usage, select on all sequences in schema public to ${q(activity)};
     grant create on database ${q(source)} to ${q(activity)};`,
  );
  await asAdmin(
    env,
    target,
    `revoke all on database ${q(target)} from public;
     revoke create on schema public from public;
     grant connect, create, temporary on database ${q(target)} to ${q(owner)};`,
  );
  await asAdmin(env, FERRETDB_DATABASE, `grant connect, create on database ${q(FERRETDB_DATABASE)} to ${q(mongo)};`);
  const admin = await new MongoClient(env.MONGODB_URI).connect();
  await admin.db(mongoDatabase).dropDatabase();
  await admin.close();

  const pgUrl = (role: Role, database: string) =>
    `postgres://${ROLES[role]}:${passwordOf(role)}@${env.STACK_HOST}:${env.STACK_PG_PORT}/${database}`;
  return {
    ...setup,
    urls: {
      SOURCE_DATABASE_URL: pgUrl('reader', source),
      ACTIVITY_DATABASE_URL: pgUrl('activity', source),
      TARGET_DATABASE_URL: pgUrl('owner', target),
      MONGODB_URI: `mongodb://${mongo}:${passwordOf('mongo')}@${env.STACK_HOST}:${env.STACK_FERRETDB_PORT}/?authMechanism=PLAIN`,
    },
  };
}

/** The schemas of `database` (system ones left out) and their owners. */
export async function schemaOwners(env: Env, database: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: adminUrl(env, database) });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string; owner: string }>(
      `select nspname as schema, pg_get_userbyid(nspowner) as owner from pg_namespace
        where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by 1`,
    );
    return Object.fromEntries(rows.map((row) => [row.schema, row.owner]));
  } finally {
    await client.end();
  }
}
