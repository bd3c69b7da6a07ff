// A migrated dvd_rental pair built once per test stack and copied (CREATE DATABASE ... TEMPLATE) for each
// test file that needs one: a copy takes a second where a restore and a migration take ten or more.
// The template's name carries a hash of what builds it (the migration's code, SQL, configs, the data
// source), so a change to any of them builds a new one instead of reusing a stale copy.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { REPO_ROOT, type Env } from '../../common/env';
import { adminUrl } from '../../stack/postgres';
import { DVD_RENTAL_DATA, envWithDatabases } from './dvdrental';
import { freshMigratedPair } from './migrated';
import { testEnv } from './stack';

/** What a migrated pair is made from. */
const INPUTS = ['activities/migration', 'dataset', 'sql', 'config'];
/** Serializes building and copying among the test files running at once (any number unique to this use). */
const TEMPLATE_LOCK = 0x6765_6f31;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(file) : [file];
    })
    .sort();
}

function inputsHash(): string {
  const hash = createHash('sha256').update(JSON.stringify(DVD_RENTAL_DATA));
  for (const file of INPUTS.flatMap((dir) => filesUnder(path.join(REPO_ROOT, dir))))
    hash.update(path.relative(REPO_ROOT, file)).update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

const exists = async (admin: pg.Client, name: string) =>
  (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;

/** A closed pool's sessions end a moment after: a statement needing the database alone waits for that. */
async function whenUnused(statement: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return void (await statement());
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt === 50) throw error; // object_in_use
      await sleep(100);
    }
  }
}

async function copyDatabase(admin: pg.Client, from: string, to: string): Promise<void> {
  await admin.query(`drop database if exists ${pg.escapeIdentifier(to)} with (force)`);
  await whenUnused(() =>
    admin.query(`create database ${pg.escapeIdentifier(to)} template ${pg.escapeIdentifier(from)}`),
  );
}

const rename = (admin: pg.Client, from: string, to: string) =>
  whenUnused(() => admin.query(`alter database ${pg.escapeIdentifier(from)} rename to ${pg.escapeIdentifier(to)}`));

/**
 * Fresh source and target databases (named as given) holding dvd_rental, migrated into the target, after
 * `prepare` ran on the template's target (once, when the template is built).
 */
export async function copiedMigratedPair(
  databases: { source: string; target: string },
  prepare: (env: Env) => Promise<void> = async () => undefined,
): Promise<Env> {
  const key = inputsHash();
  const template = { source: `tpl_${key}_src`, target: `tpl_${key}_tgt` };
  const admin = new pg.Client({ connectionString: adminUrl(testEnv()) });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    if (!(await exists(admin, template.target))) {
      // built under other names and renamed last: a build that dies half-way is never taken for a template
      const building = { source: `${template.source}_build`, target: `${template.target}_build` };
      await prepare(await freshMigratedPair(building));
      await rename(admin, building.source, template.source);
      await rename(admin, building.target, template.target);
    }
    await copyDatabase(admin, template.source, databases.source);
    await copyDatabase(admin, template.target, databases.target);
  } finally {
    await admin.end(); // ends the session, and its advisory lock with it
  }
  return envWithDatabases(databases);
}
