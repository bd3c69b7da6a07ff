// Film catalogue: film, film_actor, film_category.
import { line, money, text } from './format';
import { LAST_UPDATE, type GenContext } from './plan';
import { attributeKey, hashBelow, streamRng, type Rng } from './rng';
import * as W from './words';

export interface FilmTraits {
  rentalDuration: number;
  rentalRateCents: number;
}

const RENTAL_RATES = [99, 299, 499];

/** Stateless so payment amounts can be derived from the rented film. */
export function filmTraits(seed: number): (filmId: number) => FilmTraits {
  const durationKey = attributeKey(seed, 'film.rental_duration');
  const rateKey = attributeKey(seed, 'film.rental_rate');
  return (filmId) => ({
    rentalDuration: 3 + hashBelow(durationKey, filmId, 5),
    rentalRateCents: RENTAL_RATES[hashBelow(rateKey, filmId, RENTAL_RATES.length)] ?? 499,
  });
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Unique titles: a seeded permutation of word pairs, numbered as sequels once exhausted. */
function titleOf(seed: number): (filmId: number) => string {
  const pairs = W.TITLE_FIRST.length * W.TITLE_SECOND.length;
  let stride = 7919;
  while (gcd(stride, pairs) !== 1) stride += 2;
  const offset = hashBelow(attributeKey(seed, 'film.title'), 0, pairs);
  return (filmId) => {
    const n = filmId - 1;
    const pair = (offset + (n % pairs) * stride) % pairs;
    const first = W.TITLE_FIRST[pair % W.TITLE_FIRST.length];
    const second = W.TITLE_SECOND[Math.floor(pair / W.TITLE_FIRST.length)];
    const sequel = n >= pairs ? ` ${Math.floor(n / pairs) + 1}` : '';
    return `${first} ${second}${sequel}`;
  };
}

const description = (rng: Rng): string =>
  `A ${rng.pick(W.DESC_ADJECTIVES)} ${rng.pick(W.DESC_GENRES)} of a ${rng.pick(W.DESC_PERSONS)} ` +
  `And a ${rng.pick(W.DESC_PERSONS)} who must ${rng.pick(W.DESC_VERBS)} ` +
  `a ${rng.pick(W.DESC_PERSONS)} in ${rng.pick(W.DESC_PLACES)}`;

function specialFeatures(rng: Rng): string {
  const mask = rng.between(1, 2 ** W.SPECIAL_FEATURES.length - 1);
  const chosen = W.SPECIAL_FEATURES.filter((_, bit) => mask & (1 << bit));
  return `{${chosen.map((f) => (f.includes(' ') ? `"${f}"` : f)).join(',')}}`;
}

export function* filmRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'film');
  const traits = filmTraits(ctx.seed);
  const title = titleOf(ctx.seed);
  for (let id = 1; id <= ctx.counts.film; id++) {
    const { rentalDuration, rentalRateCents } = traits(id);
    yield line([
      id,
      text(title(id)),
      text(description(rng)),
      2006,
      1, // every archive film is in English
      rentalDuration,
      money(rentalRateCents),
      rng.between(46, 185),
      money(rng.between(9, 29) * 100 + 99),
      rng.pick(W.RATINGS),
      LAST_UPDATE.film,
      specialFeatures(rng),
    ]);
  }
}

/** Per-film actor counts in [1, 10] summing exactly to the planned film_actor total. */
function* castSizes(ctx: GenContext, rng: Rng): Generator<number> {
  let remaining = ctx.counts.film_actor;
  for (let filmsLeft = ctx.counts.film; filmsLeft > 0; filmsLeft--) {
    const lo = Math.max(1, remaining - 10 * (filmsLeft - 1));
    const hi = Math.min(10, remaining - (filmsLeft - 1));
    const wanted = Math.round(remaining / filmsLeft + (rng.next() - 0.5) * 8);
    const size = Math.min(hi, Math.max(lo, wanted));
    remaining -= size;
    yield size;
  }
}

export function* filmActorRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'film_actor');
  let filmId = 0;
  for (const size of castSizes(ctx, rng)) {
    filmId++;
    const cast = new Set<number>();
    while (cast.size < size) cast.add(1 + rng.below(ctx.counts.actor));
    for (const actorId of cast) yield line([actorId, filmId, LAST_UPDATE.film_actor]);
  }
}

export function* filmCategoryRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'film_category');
  for (let id = 1; id <= ctx.counts.film; id++) {
    yield line([id, 1 + rng.below(ctx.counts.category), LAST_UPDATE.film_category]);
  }
}
