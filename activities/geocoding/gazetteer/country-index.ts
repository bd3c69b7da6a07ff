// One country's places, indexed by the keys of each stage of the matching cascade. Pure: no I/O.
// Only the name keys are built at load; the keys of the later stages (article dropped, phonetic) are built
// on a country's first miss, so that memory follows the data actually matched.
import { asDumpLostIt, isLatin, normalizeName, phoneticKey, withoutArticle } from './normalize';

export interface Place {
  /** GeoNames id. */
  id: number;
  name: string;
  /** GeoNames' ASCII spelling, when it differs from the name. */
  asciiName?: string;
  country: string;
  latitude: number;
  longitude: number;
  population: number;
}

/** A GeoNames row as the index needs it. */
export interface GazetteerRow extends Omit<Place, 'asciiName'> {
  asciiName: string;
  alternateNames: readonly string[];
}

/** Most populous first, then lowest id, so that every lookup picks the same place. */
export const byPopulation = (a: Place, b: Place) => b.population - a.population || a.id - b.id;

export class KeyIndex {
  private readonly places = new Map<string, Place[]>();

  add(key: string | undefined, place: Place): void {
    if (!key) return;
    const list = this.places.get(key);
    if (!list) this.places.set(key, [place]);
    else if (!list.includes(place)) list.push(place);
  }

  /** The places under a key, most populous first (after seal). */
  all(key: string | undefined): readonly Place[] {
    return (key === undefined ? undefined : this.places.get(key)) ?? [];
  }

  get(key: string | undefined): Place | undefined {
    return this.all(key)[0];
  }

  seal(): this {
    for (const list of this.places.values()) list.sort(byPopulation);
    return this;
  }

  entries(): IterableIterator<[string, Place[]]> {
    return this.places.entries();
  }

  get size(): number {
    return this.places.size;
  }
}

const ASCII = /^[ -~\t]*$/;

/** A name's key as the dump would have written it (its non-ASCII letters lost), when that differs. */
export function lostKeyOf(name: string, key: string): string | undefined {
  if (ASCII.test(name)) return undefined;
  const lost = normalizeName(asDumpLostIt(name));
  return lost === key ? undefined : lost;
}

/** Keys of names: normalized, and as the dump would have lost them (kept apart: fuzzy matching skips those). */
export class NameKeys {
  readonly plain = new KeyIndex();
  readonly lost = new KeyIndex();

  add(name: string, place: Place): void {
    const key = normalizeName(name);
    this.plain.add(key, place);
    this.lost.add(lostKeyOf(name, key), place);
  }

  /** Places under a key: the normalized ones, else those the dump's lost letters give. */
  all(key: string | undefined): readonly Place[] {
    const plain = this.plain.all(key);
    return plain.length > 0 ? plain : this.lost.all(key);
  }

  get(key: string | undefined): Place | undefined {
    return this.all(key)[0];
  }

  seal(): void {
    this.plain.seal();
    this.lost.seal();
  }
}

export class CountryIndex {
  /** Keys of the places' own names (GeoNames' name and ASCII name). */
  readonly names = new NameKeys();
  /** Keys of their alternate names in Latin script. */
  readonly alternates = new NameKeys();
  private derived?: { withoutArticle: KeyIndex; phonetic: KeyIndex };

  constructor(readonly country: string) {}

  add(row: GazetteerRow): void {
    const place: Place = {
      id: row.id,
      name: row.name,
      ...(row.asciiName !== row.name && { asciiName: row.asciiName }),
      country: row.country,
      latitude: row.latitude,
      longitude: row.longitude,
      population: row.population,
    };
    this.names.add(row.name, place);
    if (row.asciiName !== row.name) this.names.add(row.asciiName, place);
    for (const name of row.alternateNames) if (isLatin(name)) this.alternates.add(name, place);
  }

  /** Sorts every key's places, most populous first (once, after the last add). */
  seal(): this {
    this.names.seal();
    this.alternates.seal();
    return this;
  }

  /** Every normalized key (not the dump-lost ones), own names first, with its places. */
  *keys(): Iterable<[string, Place[]]> {
    yield* this.names.plain.entries();
    yield* this.alternates.plain.entries();
  }

  /** Keys without a leading article and phonetic keys, built on first use. */
  later(): { withoutArticle: KeyIndex; phonetic: KeyIndex } {
    if (!this.derived) {
      const derived = { withoutArticle: new KeyIndex(), phonetic: new KeyIndex() };
      for (const [key, places] of this.keys()) {
        for (const place of places) {
          derived.withoutArticle.add(withoutArticle(key), place);
          derived.phonetic.add(phoneticKey(key), place);
        }
      }
      derived.withoutArticle.seal();
      derived.phonetic.seal();
      this.derived = derived;
    }
    return this.derived;
  }
}
