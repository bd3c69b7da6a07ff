// Country names as dvd_rental writes them, to ISO 3166-1 alpha-2 codes (GeoNames' country codes).
import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';

countries.registerLocale(english);

/**
 * Names i18n-iso-countries does not know: historical states, the dump's dropped letters and odd orders.
 * A state that split lists each of its successors.
 */
const ALIASES: Record<string, readonly string[]> = {
  yugoslavia: ['RS', 'ME', 'XK'],
  'congo, the democratic republic of the': ['CD'],
  kazakstan: ['KZ'],
  runion: ['RE'],
  brunei: ['BN'],
  moldova: ['MD'],
  'holy see (vatican city state)': ['VA'],
  'virgin islands, u.s.': ['VI'],
  'russian federation': ['RU'],
};

/** The ISO codes a country name stands for; empty when it is not a known country. */
export function countryCodes(name: string): readonly string[] {
  const trimmed = name.trim();
  const alias = ALIASES[trimmed.toLowerCase()];
  if (alias) return alias;
  const code = countries.getAlpha2Code(trimmed, 'en') ?? countries.getSimpleAlpha2Code(trimmed, 'en');
  return code ? [code] : [];
}
