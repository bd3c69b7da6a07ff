import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { resetPublicSchema } from './source-schema';
import { DVD_RENTAL_TABLES } from './tables';
import { tableCounts } from './checksum';

const run = promisify(execFile);

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

export interface LoadArchiveOptions {
  archivePath: string;
  databaseUrl: string;
  /** Where the archive is unpacked (kept, so a second load skips the extraction). */
  workDir: string;
  /** The pg_restore binary (scripts/install-tools.sh installs one in .tools/bin); default: PATH. */
  pgRestore?: string;
}

async function tarEntries(archivePath: string): Promise<string[]> {
  const { stdout } = await run('tar', ['tf', archivePath], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').filter(Boolean);
}

/**
 * The seed ships a tar holding a pg_dump *directory* dump; pg_dump's own tar format
 * (toc.dat at the top) is restored as it is.
 */
async function dumpLocation(archivePath: string, workDir: string): Promise<string> {
  const entries = await tarEntries(archivePath);
  if (entries.includes('toc.dat')) return archivePath;
  const toc = entries.find((entry) => entry.endsWith('/toc.dat') && !path.basename(entry).startsWith('._'));
  if (!toc) throw new ArchiveError(`${archivePath} is neither a pg_dump archive nor a tar holding one (no toc.dat)`);
  const dumpDir = path.join(workDir, path.dirname(toc));
  if (!fs.existsSync(path.join(dumpDir, 'toc.dat'))) {
    fs.mkdirSync(workDir, { recursive: true });
    await run('tar', ['xf', archivePath, '-C', workDir, '--exclude=._*']);
  }
  return dumpDir;
}

/** pg_restore reads the password from the environment, so it never shows on a command line. */
function libpqEnvironment(databaseUrl: string): NodeJS.ProcessEnv {
  const url = new URL(databaseUrl);
  return {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGDATABASE: decodeURIComponent(url.pathname.slice(1)),
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
  };
}

/** Restores the archive into schema `public` of the source database and returns the row count of each table. */
export async function loadArchive(options: LoadArchiveOptions): Promise<Record<string, number>> {
  if (!fs.existsSync(options.archivePath)) throw new ArchiveError(`archive not found: ${options.archivePath}`);
  const dump = await dumpLocation(options.archivePath, options.workDir);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
  try {
    await resetPublicSchema(pool);
    const env = libpqEnvironment(options.databaseUrl);
    const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--jobs=2', `--dbname=${env.PGDATABASE}`, dump];
    try {
      await run(options.pgRestore ?? 'pg_restore', args, { env });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new ArchiveError(`pg_restore of ${options.archivePath} failed: ${stderr || (error as Error).message}`);
    }
    return await tableCounts(pool, 'public', DVD_RENTAL_TABLES);
  } finally {
    await pool.end();
  }
}
