import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { loadEnv } from '../../common/env';
import { namedClient } from '../../common/resources';
import { formatMigrationConfig } from '../../workflows/migration/config';
import { generateConfig } from './generate-config';

interface Options {
  schemaIn: string;
  schemaOut: string;
  tables?: string;
  out?: string;
  cursor: string;
  appendOnly?: string;
  cdc?: string;
}

const tableList = (value: string): string[] =>
  value
    .split(',')
    .map((table) => table.trim())
    .filter(Boolean);

const program = new Command('migration:config')
  .description('Write a migration config for the tables of a source schema, depends_on from their foreign keys')
  .requiredOption('--schema-in <schema>', 'schema of the source database to read')
  .requiredOption('--schema-out <schema>', 'schema of the target database to write')
  .option('--tables <a,b>', 'only these tables (default: every table of --schema-in)')
  .option('--cursor <column>', 'tables with this column sync incrementally by it', 'last_update')
  .option('--append-only <a,b>', 'tables synced by their integer primary key (rows only ever added)')
  .option('--cdc <a,b>', 'tables synced by the source\'s write-ahead log (needs wal_level=logical: README "CDC")')
  .option('--out <file>', 'write the config to this file (default: stdout)')
  .action(async (options: Options) => {
    const db = new (namedClient('source'))({ connectionString: loadEnv().SOURCE_DATABASE_URL });
    await db.connect();
    try {
      const tables = options.tables === undefined ? undefined : tableList(options.tables);
      const config = await generateConfig({
        db,
        schemaIn: options.schemaIn,
        schemaOut: options.schemaOut,
        tables,
        cursor: options.cursor,
        appendOnly: options.appendOnly === undefined ? undefined : tableList(options.appendOnly),
        cdc: options.cdc === undefined ? undefined : tableList(options.cdc),
      });
      for (const warning of config.warnings) console.error(`warning: ${warning}`);
      const text = formatMigrationConfig(config.tables);
      if (!options.out) {
        process.stdout.write(text);
        return;
      }
      await writeFile(options.out, text);
      console.error(`wrote ${config.tables.length} tables to ${options.out}`);
    } finally {
      await db.end();
    }
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
