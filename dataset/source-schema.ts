import pg from 'pg';

/** The source database is dedicated to dvd_rental: a load replaces its `public` schema whole. */
export async function resetPublicSchema(db: pg.Pool | pg.Client): Promise<void> {
  await db.query('drop schema if exists public cascade');
  await db.query('create schema public');
}
