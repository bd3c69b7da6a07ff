// A worker SIGKILLed in the middle of a geocoding run against a Nominatim-compatible server on loopback:
// a new worker finishes the run, no city already answered is asked again (each city's requests counted on
// the server), the lost activity is retried, and dvd_rental.city ends as a clean run leaves it.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { connectClient } from '../../../common/temporal-client';
import type { WorkerProcess } from '../../../stack/worker-process';
import { geocodingWorkflow } from '../../../workflows';
import type { GeocodingResult } from '../../../workflows/geocoding/types';
import { freshGeocodingTarget, geocodingInput, type GeocodingTarget } from '../../support/geocoding';
import { startNominatimServer, type NominatimServer } from '../../support/nominatim-server';
import { startWorker, workerProcesses, type WorkerProcesses } from '../../support/worker-faults';

/** Cities left to geocode (the first ones by id); the others get coordinates beforehand. */
const CITIES = 6;
/** Between two requests in the killed run: the next city's activity waits for its turn that long, and is lost. */
const KILLED_RUN_INTERVAL_MS = 2_000;

let setup: GeocodingTarget;
let server: NominatimServer;
let processes: WorkerProcesses;
let client: Client;
let worker: WorkerProcess;

/** A place for any city, from its name: a clean run and a killed one get the same answers. */
function placeOf(city: string) {
  const code = [...city].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) % 100_000, 7);
  return { lat: ((code % 1600) / 10 - 80).toFixed(4), lon: ((code % 3400) / 10 - 170).toFixed(4), osm_id: code };
}

beforeAll(async () => {
  setup = await freshGeocodingTarget('killed');
  await setup.target.query('update dvd_rental.city set latitude = 0, longitude = 0 where city_id > $1', [CITIES]);
  server = await startNominatimServer(placeOf);
  processes = await workerProcesses('geocoding_worker_killed', setup.env, setup.env);
  client = await connectClient(setup.env);
  worker = await startWorker(processes);
}, 240_000);

afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await setup?.target.end();
  await server?.close();
});

/** The run's cities back to unresolved, the cache and the server's count emptied. */
async function reset(): Promise<void> {
  await setup.target.query(
    `update dvd_rental.city set latitude = null, longitude = null, geocoded_at = null, geocode_provider = null,
            geocode_matched_name = null, geonames_id = null, osm_id = null, geocode_confidence = null,
            geocode_last_tried_at = null
      where city_id <= $1`,
    [CITIES],
  );
  await setup.target.query('truncate geocoding.nominatim_cache');
  server.requests.length = 0;
}

async function startRun(minIntervalMs: number): Promise<WorkflowHandle<typeof geocodingWorkflow>> {
  await reset();
  const input = await geocodingInput({ providers: ['nominatim'] });
  return client.workflow.start(geocodingWorkflow, {
    taskQueue: processes.taskQueue,
    workflowId: `geocoding-killed-${randomUUID()}`,
    args: [{ ...input, nominatim: { ...input.nominatim, baseUrl: server.url, minIntervalMs } }],
  });
}

const endState = async () =>
  (
    await setup.target.query(
      `select city_id, latitude::float, longitude::float, geocode_provider, geocode_matched_name, osm_id,
              geocode_confidence, geocoded_at is not null as dated
         from dvd_rental.city where city_id <= $1 order by city_id`,
      [CITIES],
    )
  ).rows;

const cachedCities = async (): Promise<number> =>
  (await setup.target.query<{ n: number }>('select count(*)::int n from geocoding.nominatim_cache')).rows[0]!.n;

/** A moment between two requests, half-way through: every answer so far cached, the next city waiting its turn. */
async function waitForQuietMidRun(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const asked = server.requests.length;
    if (asked >= CITIES / 2 && server.inFlight() === 0 && (await cachedCities()) === asked) {
      const { raw } = await handle.describe();
      const running = raw.pendingActivities?.some((activity) => (activity.lastWorkerIdentity ?? '') !== '');
      if (running && server.requests.length === asked) return;
    }
    await sleep(25);
  }
  throw new Error('the run did not reach the middle of its requests within 60 s');
}

/** The result's lists in name order (two lanes finish cities in either order). */
const sorted = (result: GeocodingResult) => ({ ...result, found: [...result.found].sort() });

const requestsPerCity = () =>
  Object.fromEntries([...new Set(server.requests.map((r) => r.city))].map((city) => [city, server.asked(city).length]));

test('a new worker finishes the run without asking again for a city already answered', async () => {
  const clean = await (await startRun(0)).result();
  const cleanState = await endState();
  expect(clean.found).toHaveLength(CITIES);
  expect(server.requests).toHaveLength(CITIES);

  const handle = await startRun(KILLED_RUN_INTERVAL_MS);
  await waitForQuietMidRun(handle);
  const answeredBeforeKill = server.requests.length;
  await worker.kill();
  worker = await startWorker(processes);
  const result: GeocodingResult = await handle.result();
  console.log(
    `worker killed after ${answeredBeforeKill} of ${CITIES} cities answered; requests per city: ` +
      JSON.stringify(requestsPerCity()),
  );

  expect(answeredBeforeKill).toBeLessThan(CITIES);
  expect(sorted(result)).toEqual(sorted(clean));
  expect(await endState()).toEqual(cleanState);
  // every city asked exactly once: none of those answered before the kill again, the rest by the new worker
  expect(Object.values(requestsPerCity())).toEqual(Array(CITIES).fill(1));
  // the city waiting for its turn when the worker died was retried (a later attempt completed it)
  const { events } = await handle.fetchHistory();
  const retried = events!.filter((event) => (event.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
  expect(retried.length).toBeGreaterThanOrEqual(1);
}, 240_000);
