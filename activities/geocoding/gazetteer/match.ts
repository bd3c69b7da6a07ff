// The matching cascade: a dvd_rental city name against its country's places, most populous place first.
// Pure: the index is built elsewhere.
import { distance } from 'fastest-levenshtein';
import { byPopulation, type CountryIndex, type Place } from './country-index';
import { nameParts, nameVariants, normalizeName, phoneticKey, withoutArticle } from './normalize';

/** How a name was matched, in the cascade's order; the last stages are for a person to review. */
export const CONFIDENCES = ['exact', 'normalized', 'prefix', 'alternate', 'phonetic', 'fuzzy', 'part'] as const;
export type Confidence = (typeof CONFIDENCES)[number];
export const LOW_CONFIDENCE: ReadonlySet<string> = new Set<Confidence>(['phonetic', 'part', 'fuzzy']);

export interface GazetteerMatch {
  place: Place;
  confidence: Confidence;
  /** Every place the winning stage found under the name's key, most populous first (the place among them). */
  candidates: readonly Place[];
}

export interface MatchOptions {
  /** Places below this population are not fuzzy-matched (a misspelled name must not land in a hamlet). */
  fuzzyMinPopulation: number;
}

/** Edits allowed for a key of this length: none for short names, where one edit is another town. */
export function allowedEdits(length: number): number {
  if (length <= 5) return 0;
  if (length <= 8) return 1;
  return 2;
}

interface Candidate {
  place: Place;
  edits: number;
}

const better = (a: Candidate, b: Candidate | undefined) =>
  !b || a.edits < b.edits || (a.edits === b.edits && a.place.population > b.place.population);

/**
 * Guarded fuzzy match: bounded edit distance, same first letter, places of a minimum size only, and the
 * best distance must be unique among different places unless one of them is ten times as populous.
 */
export function fuzzyMatch(index: CountryIndex, key: string, { fuzzyMinPopulation }: MatchOptions) {
  const limit = allowedEdits(key.length);
  if (limit === 0) return undefined;
  let best: Candidate | undefined;
  let runnerUp: Candidate | undefined;
  for (const [candidate, places] of index.keys()) {
    if (candidate[0] !== key[0] || Math.abs(candidate.length - key.length) > limit) continue;
    const place = places[0];
    if (!place || place.population < fuzzyMinPopulation) continue;
    const edits = distance(candidate, key);
    if (edits > limit) continue;
    const found = { place, edits };
    if (better(found, best)) {
      if (best && best.place !== place) runnerUp = best;
      best = found;
    } else if (best?.place !== place && better(found, runnerUp)) runnerUp = found;
  }
  if (!best) return undefined;
  const ambiguous = runnerUp && runnerUp.edits === best.edits && runnerUp.place.population * 10 > best.place.population;
  return ambiguous ? undefined : best.place;
}

interface Query {
  variant: string;
  key: string;
}

type Stage = (index: CountryIndex, query: Query, options: MatchOptions) => readonly Place[];

const sameName = (place: Place, variant: string) =>
  [place.name, place.asciiName].some((name) => name?.toLowerCase() === variant.toLowerCase());

const firstOf = (...lists: ReadonlyArray<readonly Place[]>) => lists.find((list) => list.length > 0) ?? [];
const one = (place: Place | undefined) => (place ? [place] : []);

const STAGES: ReadonlyArray<[Confidence, Stage]> = [
  ['exact', (index, { variant, key }) => index.names.plain.all(key).filter((place) => sameName(place, variant))],
  ['normalized', (index, { key }) => index.names.all(key)],
  ['prefix', (index, { key }) => firstOf(index.names.all(withoutArticle(key)), index.later().withoutArticle.all(key))],
  [
    'alternate',
    (index, { key }) => firstOf(index.alternates.all(key), index.later().withoutArticle.all(withoutArticle(key))),
  ],
  ['phonetic', (index, { key }) => index.later().phonetic.all(phoneticKey(key))],
  ['fuzzy', (index, { key }, options) => one(fuzzyMatch(index, key, options))],
  [
    'part',
    (index, { variant }, options) =>
      one(
        nameParts(variant)
          .map((part) => index.names.get(normalizeName(part)))
          .find((place) => place !== undefined && place.population >= options.fuzzyMinPopulation),
      ),
  ],
];

/**
 * The first stage that finds a place for any variant of the name (the name, then its parenthesised
 * alternatives). A country that split has several indexes: the most populous of their finds wins.
 */
export function matchCity(indexes: readonly CountryIndex[], name: string, options: MatchOptions) {
  const queries = nameVariants(name)
    .map((variant) => ({ variant, key: normalizeName(variant) }))
    .filter(({ key }) => key.length > 0);
  for (const [confidence, stage] of STAGES) {
    for (const query of queries) {
      const candidates = indexes.flatMap((index) => stage(index, query, options)).sort(byPopulation);
      const place = candidates[0];
      if (place) return { place, confidence, candidates } satisfies GazetteerMatch;
    }
  }
  return undefined;
}
