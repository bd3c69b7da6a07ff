// The migration config fixtures shared by the config and plan tests (unit) and generateConfig's (integration).
import fs from 'node:fs';
import path from 'node:path';
import { parseMigrationConfig } from '../../workflows/migration/config';
import { MigrationConfigError } from '../../workflows/migration/errors';

export const REPO = path.resolve(__dirname, '..', '..');
export const CONFIG_FILE = path.join(REPO, 'config', 'migration.json');
export const CONFIG_TEXT = fs.readFileSync(CONFIG_FILE, 'utf8');
export const DVD_RENTAL = parseMigrationConfig(JSON.parse(CONFIG_TEXT), CONFIG_FILE);

export const table = (name: string, depends_on: string[] = [], schema_in = 'public', schema_out = 'dvd_rental') => ({
  name,
  schema_in,
  schema_out,
  depends_on,
});

export function errorOf(fn: () => unknown): MigrationConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MigrationConfigError) return error;
    throw error;
  }
  throw new Error('expected a MigrationConfigError');
}
