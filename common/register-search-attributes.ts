import { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/shared/search-attributes';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
type OperatorService = temporal.api.operatorservice.v1.OperatorService;

/**
 * Registers the pipelines' search attributes in the namespace; later calls change nothing. Workers call it
 * at start (a workflow that sets an unknown attribute cannot progress), and so do the CLI and `schedules apply`.
 */
export async function ensureSearchAttributes(operatorService: OperatorService, namespace: string): Promise<string[]> {
  const existing = await operatorService.listSearchAttributes({ namespace });
  const known = { ...existing.customAttributes, ...existing.systemAttributes };
  const missing = CUSTOM_SEARCH_ATTRIBUTES.filter((key) => !(key.name in known));
  if (!missing.length) return [];
  try {
    await operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, KEYWORD])),
    });
  } catch (error) {
    // Another worker or client registered them at the same moment.
    if (!/already exists/i.test((error as Error).message)) throw error;
  }
  return missing.map((key) => key.name);
}
