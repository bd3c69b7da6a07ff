// Geocoding's error classes. Pure: workflow code imports them (retry policies list them by name).

/** config/geocoding.json is malformed; the message names the file and every field at fault. */
export class GeocodingConfigError extends Error {
  override name = 'GeocodingConfigError';
}

/** Nominatim answered with a 4xx that asking again will not change (a bad request, a banned agent). */
export class NominatimRejected extends Error {
  override name = 'NominatimRejected';
}

/** The city table lacks what geocoding needs, or a saved row broke a constraint: no retry fixes it. */
export class GeocodingDataError extends Error {
  override name = 'GeocodingDataError';
}

export const GEOCODING_NON_RETRYABLE = ['GeocodingConfigError', 'NominatimRejected', 'GeocodingDataError'];
