import { definePipeline } from '../../common/pipeline';
import { geocodeCommand, geocodingProgressLine } from '../../cli/commands/geocoding';
import { NOMINATIM_QUEUE } from '../../workflows/geocoding';
import { geocodingWorkflows } from '../../workflows/geocoding/pipeline';
import type { GeocodingInput } from '../../workflows/geocoding/types';
import { GEOCODING_CONFIG, readGeocodingConfig } from './config-file';
import { geocodingActivities } from '.';

/** Nominatim's usage policy: at most one request per second, counted for every worker at once. */
export const NOMINATIM_REQUESTS_PER_SECOND = 1;

export const geocodingPipeline = definePipeline({
  workflows: geocodingWorkflows,
  activities: geocodingActivities,
  extraWorkers: [
    {
      taskQueueSuffix: NOMINATIM_QUEUE,
      activities: ['geocodingNominatim'],
      maxTaskQueueActivitiesPerSecond: NOMINATIM_REQUESTS_PER_SECOND,
    },
  ],
  command: geocodeCommand,
  config: { file: GEOCODING_CONFIG, read: readGeocodingConfig },
  progress: geocodingProgressLine,
  async dailyInput({ configFiles }): Promise<GeocodingInput> {
    return readGeocodingConfig(configFiles?.geocoding ?? GEOCODING_CONFIG);
  },
});
