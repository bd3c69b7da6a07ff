export { geocodingWorkflow, geocodingProgressQuery, NOMINATIM_QUEUE } from './geocoding';
