// Fixed-size lookup tables: language, category, country, actor.
import { text, line } from './format';
import { LAST_UPDATE, type GenContext } from './plan';
import { streamRng } from './rng';
import { CATEGORIES, COUNTRIES, FIRST_NAMES, LANGUAGES, LAST_NAMES } from './words';

function* named(names: readonly string[], lastUpdate: string): Generator<string> {
  for (const [index, name] of names.entries()) yield line([index + 1, text(name), lastUpdate]);
}

export const languageRows = (): Iterable<string> => named(LANGUAGES, LAST_UPDATE.language);
export const categoryRows = (): Iterable<string> => named(CATEGORIES, LAST_UPDATE.category);
export const countryRows = (): Iterable<string> => named(COUNTRIES, LAST_UPDATE.country);

export function* actorRows(ctx: GenContext): Generator<string> {
  const rng = streamRng(ctx.seed, 'actor');
  for (let id = 1; id <= ctx.counts.actor; id++) {
    const first = rng.pick(FIRST_NAMES).toUpperCase();
    const last = rng.pick(LAST_NAMES).toUpperCase();
    yield line([id, text(first), text(last), LAST_UPDATE.actor]);
  }
}
