// Fault 4 of issue 14 (geocoding's save): pg_terminate_backend on the session saving geocoding's outcomes
// (temp table + COPY + one UPDATE in one transaction). Placed deterministically: a lock held by the test makes
// the UPDATE wait, the test sees it waiting in pg_stat_activity, terminates it, then releases the lock. The
// attempt fails, is retried, and dvd_rental.city equals a clean run's.
import { randomUUID } from 'node:crypto';
import { geocodingWorkflow } from '../../../workflows';
import { faultRecorder } from '../../support/fault-results';
import { freshGeocodingTarget, geocodingInput, resolvedCount, type GeocodingTarget } from '../../support/geocoding';
import { holdLock, killWaiter } from '../../support/locks';
import { withWorker } from '../../support/stack';
import { maxAttempt } from '../../support/worker-faults';

describe('geocoding’s save session terminated mid-transaction', () => {
  const recorder = faultRecorder('4 pg session killed: geocoding save');
  let setup: GeocodingTarget;

  beforeAll(async () => {
    setup = await freshGeocodingTarget('pg_killed');
  });

  afterAll(async () => {
    recorder.write();
    await setup?.target.end();
  });

  const unresolveAll = () =>
    setup.target.query(
      `update dvd_rental.city set latitude = null, longitude = null, geocoded_at = null, geocode_provider = null,
              geocode_matched_name = null, geonames_id = null, osm_id = null, geocode_confidence = null,
              geocode_last_tried_at = null`,
    );
  const cityState = async () =>
    (
      await setup.target.query(
        `select city_id, latitude, longitude, geocode_provider, geocode_matched_name, geonames_id, osm_id,
                geocode_confidence, geocoded_at is not null as dated, geocode_last_tried_at is not null as tried
           from dvd_rental.city order by city_id`,
      )
    ).rows;

  test('no city half-updated; the retry saves them all; dvd_rental.city equals a clean run’s', async () => {
    await recorder.trial(async () => {
      const input = await geocodingInput();
      return withWorker(async ({ client, taskQueue }) => {
        const run = () =>
          client.workflow.start(geocodingWorkflow, {
            taskQueue,
            workflowId: `pg-kill-geocoding-${randomUUID()}`,
            args: [input],
          });
        await unresolveAll();
        const clean = await (await run()).result();
        const cleanState = await cityState();
        expect(clean.saved).toBeGreaterThan(0);

        await unresolveAll();
        // SHARE: the save's reads go on, its UPDATE (ROW EXCLUSIVE) waits, inside its transaction
        const lock = await holdLock(setup.target, 'lock table dvd_rental.city in share mode');
        const handle = await run();
        const { killedAt, waiter } = await killWaiter(setup.target, lock, '%update dvd_rental.city%', async () => {
          expect(await resolvedCount(setup.target)).toBe(0); // the killed transaction left nothing behind
        });
        expect(waiter.hasWritten).toBe(true); // killed mid-transaction: its temp table and COPY were done
        const result = await handle.result();
        const recovery = Date.now() - killedAt;
        console.log(`geocoding save: session ${waiter.pid} terminated; saved by the retry ${recovery} ms later`);
        expect(await maxAttempt(handle, 'geocodingSave')).toBeGreaterThanOrEqual(2);
        expect(result.saved).toBe(clean.saved);
        const state = await cityState();
        expect(state).toEqual(cleanState);
        return { rowsChecked: state.length, recoveryMs: recovery };
      }, setup.env);
    });
  }, 120_000);
});
