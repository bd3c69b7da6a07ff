// Saving is all or nothing: a row the table refuses leaves every city as it was; a rerun saves them all.
import { saveOutcomes, selectCities } from '../../../activities/geocoding/city-table';
import { GeocodingDataError } from '../../../workflows/geocoding/errors';
import type { GeocodeOutcome } from '../../../workflows/geocoding/types';
import { freshGeocodingTarget, resolvedCount, type GeocodingTarget } from '../../support/geocoding';

let setup: GeocodingTarget;

beforeAll(async () => {
  setup = await freshGeocodingTarget('save');
});

afterAll(async () => {
  await setup?.target.end();
});

const found = (city: { cityId: number; city: string; country: string }, latitude: number): GeocodeOutcome => ({
  ...city,
  status: 'found',
  provider: 'offline',
  latitude,
  longitude: 10,
  matchedName: city.city,
  geonamesId: 1000 + city.cityId,
  confidence: 'exact',
  lowConfidence: false,
});

test('a constraint violation while saving updates no city; a rerun saves them all', async () => {
  const cities = await selectCities(setup.target, { limit: 20, retryDelayHours: 0 });
  expect(cities).toHaveLength(20);
  const outcomes = cities.map((city, index) => found(city, index));
  const bad = [...outcomes.slice(0, 19), found(cities[19]!, 95)]; // latitude 95: city_latitude_range refuses it
  const failure = await saveOutcomes(setup.target, bad).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(GeocodingDataError);
  expect((failure as Error).message).toMatch(/city_latitude_range/);
  expect(await resolvedCount(setup.target)).toBe(0);

  expect(await saveOutcomes(setup.target, outcomes)).toEqual({ saved: 20 });
  expect(await resolvedCount(setup.target)).toBe(20);
  const { rows } = await setup.target.query(
    'select geonames_id::int id, latitude::float lat from dvd_rental.city where city_id = $1',
    [cities[5]!.cityId],
  );
  expect(rows[0]).toEqual({ id: 1000 + cities[5]!.cityId, lat: 5 });
});

test('a city not found is recorded with when it was tried, and not selected again before the retry delay', async () => {
  const [city] = await selectCities(setup.target, { limit: 1, retryDelayHours: 0 });
  await saveOutcomes(setup.target, [{ ...city!, status: 'not_found', providers: ['offline'] }]);
  const again = await selectCities(setup.target, { limit: 1000, retryDelayHours: 24 });
  expect(again.map((c) => c.cityId)).not.toContain(city!.cityId);
  await setup.target.query(
    "update dvd_rental.city set geocode_last_tried_at = now() - interval '25 hours' where city_id = $1",
    [city!.cityId],
  );
  const later = await selectCities(setup.target, { limit: 1000, retryDelayHours: 24 });
  expect(later.map((c) => c.cityId)).toContain(city!.cityId);
});
