// The Nominatim provider against a Nominatim-shaped HTTP server on loopback (real HTTP, Nominatim's JSON):
// requests a second apart with two workers polling, 429 Retry-After honoured, 500 retried, a permanent 4xx
// not retried, not-found cities recorded and not asked again before their retry delay, answers cached.
import { NativeConnection } from '@temporalio/worker';
import { selectCities } from '../../../activities/geocoding/city-table';
import { searchCity } from '../../../activities/geocoding/nominatim/client';
import { geocodeWithNominatim } from '../../../activities/geocoding/nominatim/geocode';
import { openResources } from '../../../common/resources';
import { createWorker } from '../../../worker';
import { geocodingWorkflow } from '../../../workflows';
import { NominatimRejected } from '../../../workflows/geocoding/errors';
import type { NominatimSettings } from '../../../workflows/geocoding/types';
import { freshGeocodingTarget, geocodingInput, type GeocodingTarget } from '../../support/geocoding';
import { startNominatimServer, type NominatimServer, type NominatimTestPlace } from '../../support/nominatim-server';
import { withWorker } from '../../support/stack';

const PLACES: Record<string, NominatimTestPlace> = {
  Lima: { lat: '-12.0464', lon: '-77.0428', osm_id: 1 },
  Ratecity: { lat: '10.5', lon: '20.5', osm_id: 2 },
  Flaky: { lat: '-33.25', lon: '151.5', osm_id: 3 },
  Cusco: { lat: '-13.5319', lon: '-71.9675', osm_id: 4 },
};

let server: NominatimServer;
const asked = (city: string) => server.asked(city);

let settings: NominatimSettings;
let setup: GeocodingTarget;
const CITIES = ['Lima', 'Ratecity', 'Flaky', 'Nowhere', 'Cusco'];

beforeAll(async () => {
  server = await startNominatimServer((city) => {
    const first = asked(city).length === 1;
    if (city === 'Ratecity' && first) return { status: 429, headers: { 'Retry-After': '2' } };
    if (city === 'Flaky' && first) return { status: 500 };
    if (city === 'Banned') return { status: 403 };
    // as Nominatim does: an empty query is a 400 (a permanent error: it would fail the run)
    if (city.trim() === '') return { status: 400 };
    return PLACES[city];
  });
  settings = { ...(await geocodingInput()).nominatim, baseUrl: server.url };
  setup = await freshGeocodingTarget('nominatim');
  // five cities left to geocode, named for the server's cases; the rest already have coordinates
  await setup.target.query('update dvd_rental.city set latitude = 0, longitude = 0 where city_id > $1', [
    CITIES.length,
  ]);
  for (const [index, name] of CITIES.entries())
    await setup.target.query('update dvd_rental.city set city = $1 where city_id = $2', [name, index + 1]);
});

afterAll(async () => {
  await setup?.target.end();
  await server?.close();
});

/** A second worker group on the same task queue, so that two workers poll the Nominatim queue. */
async function withSecondWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const connection = await NativeConnection.connect({ address: setup.env.TEMPORAL_ADDRESS });
  const resources = await openResources(setup.env);
  try {
    const workers = await createWorker({ env: setup.env, resources, connection, taskQueue });
    return await workers.runUntil(fn());
  } finally {
    await resources.close();
    await connection.close();
  }
}

test('the workflow asks each city once, a second apart across two workers, honouring 429 and retrying 500', async () => {
  const input = await geocodingInput({ providers: ['nominatim'], nominatim: { ...settings, concurrency: 4 } });
  const result = await withWorker(
    ({ client, taskQueue }) =>
      withSecondWorker(taskQueue, () =>
        client.workflow.execute(geocodingWorkflow, {
          taskQueue,
          workflowId: `geocoding-nominatim-${Date.now()}`,
          args: [input],
        }),
      ),
    setup.env,
  );
  expect(result.notFound).toEqual([expect.stringContaining('Nowhere')]);
  expect(result.found).toHaveLength(4);

  const times = server.requests.map((request) => request.at).sort((a, b) => a - b);
  const gaps = times.slice(1).map((at, index) => at - times[index]!);
  console.log(`Nominatim requests: ${server.requests.length}, gaps (ms): ${gaps.join(', ')}`);
  expect(server.requests).toHaveLength(7); // five cities, one retry after the 429, one after the 500
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
  const [limited, retried] = asked('Ratecity');
  expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(2000);
  expect(asked('Flaky')).toHaveLength(2);
  expect(new Set(server.requests.map((request) => request.userAgent))).toEqual(new Set([settings.userAgent]));

  const { rows } = await setup.target.query(
    `select city, osm_id, geocode_provider, latitude::float lat from dvd_rental.city where city_id <= 5 order by city_id`,
  );
  expect(rows[0]).toEqual({ city: 'Lima', osm_id: 'relation/1', geocode_provider: 'nominatim', lat: -12.0464 });
  expect(rows[3]).toMatchObject({ city: 'Nowhere', lat: null });

  // the next run selects nobody: Nowhere waits for its retry delay, the others are done
  expect(await selectCities(setup.target, { limit: 100, retryDelayHours: input.retryDelayHours })).toEqual([]);
});

test('a cached answer is never asked again; a permanent 4xx is not retried', async () => {
  const before = server.requests.length;
  const lima = { cityId: 1, city: 'Lima', country: 'Peru' };
  const first = await geocodeWithNominatim({ target: setup.target, city: lima, settings, retryDelayHours: 1 });
  const second = await geocodeWithNominatim({ target: setup.target, city: lima, settings, retryDelayHours: 1 });
  expect(second).toEqual(first);
  expect(server.requests.length - before).toBeLessThanOrEqual(1);
  const banned = searchCity(settings, { cityId: 9, city: 'Banned', country: 'Peru' });
  await expect(banned).rejects.toBeInstanceOf(NominatimRejected);
  expect(asked('Banned')).toHaveLength(1);
});

test('cities with empty or absurd names are asked of no provider, saved as not found and counted', async () => {
  const UNUSABLE = ['', '   ', 'x'.repeat(300), '12 -- 34', 'tab\there'];
  await setup.target.query('alter table dvd_rental.city alter column city type text'); // dvd_rental's is varchar(50)
  for (const [index, name] of UNUSABLE.entries())
    await setup.target.query(
      `update dvd_rental.city set city = $1, latitude = null, longitude = null, geocode_last_tried_at = null
        where city_id = $2`,
      [name, index + 1],
    );
  const before = server.requests.length;
  const input = await geocodingInput({ providers: ['nominatim'], nominatim: settings });
  const result = await withWorker(
    ({ client, taskQueue }) =>
      client.workflow.execute(geocodingWorkflow, {
        taskQueue,
        workflowId: `geocoding-unusable-${Date.now()}`,
        args: [input],
      }),
    setup.env,
  );
  expect(server.requests.length - before).toBe(0);
  expect(result.unusableNames).toEqual([
    'city_id 1 "": empty name',
    'city_id 2 "   ": empty name',
    `city_id 3 "${'x'.repeat(37)}...": name of 300 characters`,
    'city_id 4 "12 -- 34": no letter in the name',
    'city_id 5 "tab\\there": control characters in the name',
  ]);
  expect(result.notFound).toHaveLength(UNUSABLE.length);
  const { rows } = await setup.target.query(
    'select count(*)::int n from dvd_rental.city where city_id <= 5 and latitude is null and geocode_last_tried_at is not null',
  );
  expect(rows[0].n).toBe(UNUSABLE.length);
});
