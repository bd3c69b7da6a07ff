// Geography: city and address. Address ids are laid out as in the archive:
// stores first, then staff, then one address per customer.
import { capitalize, line, NULL, text } from './format';
import { LAST_UPDATE, type GenContext } from './plan';
import { streamRng, type Rng } from './rng';
import { CITY_ENDS, CITY_STARTS, DISTRICTS, STREET_NAMES, STREET_SUFFIXES } from './words';

export function* cityRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'city');
  for (let id = 1; id <= ctx.counts.city; id++) {
    const name = capitalize(rng.pick(CITY_STARTS) + rng.pick(CITY_ENDS));
    const countryId = 1 + rng.below(ctx.counts.country);
    yield line([id, text(name), countryId, LAST_UPDATE.city]);
  }
}

const digits = (rng: Rng, length: number): string => {
  let out = `${rng.between(1, 9)}`;
  while (out.length < length) out += rng.below(10);
  return out;
};

export function* addressRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'address');
  const businessAddresses = ctx.counts.store + ctx.counts.staff;
  for (let id = 1; id <= ctx.counts.address; id++) {
    const street = `${rng.between(1, 1999)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`;
    const isBusiness = id <= businessAddresses; // the archive leaves address2 NULL only there
    yield line([
      id,
      text(street),
      isBusiness ? NULL : '',
      text(rng.pick(DISTRICTS)),
      1 + rng.below(ctx.counts.city),
      digits(rng, 5),
      digits(rng, rng.between(9, 12)),
      LAST_UPDATE.address,
    ]);
  }
}
